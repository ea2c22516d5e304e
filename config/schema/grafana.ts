// Grafana and the database that keeps its users and sessions. A fragment of the environment schema.
import { z } from 'zod';
import { dnsLabel, HOST_PORT, image, resources } from './primitives';

const GRAFANA_DATABASE_TYPES = ['sqlite', 'postgres'] as const;

const POSTGRES_SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;

/** Where Grafana keeps users, sessions and preferences; dashboards and datasources are provisioned either way. */
const grafanaDatabase = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('sqlite') }),
    z.strictObject({
      type: z.literal('postgres'),
      host: z.string().regex(HOST_PORT, { error: 'must be host:port such as postgres.moe-lab.svc.cluster.local:5432' }),
      name: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'must be a PostgreSQL database name such as grafana' }),
      /** libpq sslmode: `require` or stricter for a server outside the cluster (RDS); the in-cluster server has no TLS yet. */
      sslMode: z.enum(POSTGRES_SSL_MODES, { error: `must be one of ${POSTGRES_SSL_MODES.join(', ')}` }),
      /** Secret (created by the Pulumi program from secret stack config) holding the keys `username` and `password`. */
      credentialsSecret: dnsLabel,
    }),
  ],
  { error: `type must be one of ${GRAFANA_DATABASE_TYPES.join(', ')}` },
);

export const grafanaSchema = z
  .strictObject({
    image,
    replicas: z.int().min(1, { error: 'must be at least 1' }).max(5, { error: 'must be at most 5' }),
    resources,
    /** Secret (created by the Pulumi program from secret stack config) holding the keys `admin-user` and `admin-password`. */
    adminSecret: dnsLabel,
    database: grafanaDatabase,
  })
  .superRefine((value, ctx) => {
    if (value.replicas > 1 && value.database.type === 'sqlite') {
      ctx.addIssue({
        code: 'custom',
        path: ['database', 'type'],
        message:
          `sqlite keeps state in one pod's emptyDir, so ${value.replicas} replicas would each have their own users and sessions; ` +
          'use postgres (allowed: sqlite with replicas 1, postgres with any)',
      });
    }
  });

export type GrafanaSettings = z.output<typeof grafanaSchema>;
export type GrafanaDatabaseSettings = GrafanaSettings['database'];
