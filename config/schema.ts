import { z } from 'zod';
import { agentsSchema } from './agents';
import { gpuNodesSchema } from './gpu-nodes';
import { federationSchema } from './federation';
import { gitopsSchema } from './gitops';
import { infraSchema } from './infra';
import { loggingSchema } from './logging';
import { mlConfigSchema } from './ml-config';
import { AWS_REGION, dnsLabel, duration, image, resources, memoryQuantity } from './primitives';
import { checkBackupSchedules, storageSchema } from './storage';
import { WEEKDAYS } from './wall-clock';
import { workloadsSchema } from './workloads';

export { cpuQuantity, duration, image, memoryQuantity, resources } from './primitives';

/** The environments this stack is deployed to; `pulumi up --stack <env>` and dist/<env>/ use these names. */
export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export const prometheusSchema = z.strictObject({
  image,
  replicas: z.int().min(1, { error: 'must be at least 1' }).max(5, { error: 'must be at most 5' }),
  scrapeInterval: duration,
  evaluationInterval: duration,
  retention: duration,
  storage: z.strictObject({ storageClass: dnsLabel, size: memoryQuantity }),
  resources,
});

const HTTPS_URL = /^https:\/\/[a-z0-9.-]+(:\d+)?(\/[^\s]*)?$/;
const EMAIL = /^[^\s@]+@[a-z0-9.-]+\.[a-z]+$/;
const HOST_PORT = /^[a-z0-9.-]+:\d{1,5}$/;
const CLOCK = /^([01]\d|2[0-4]):[0-5]\d$/;

const httpsUrl = z
  .string()
  .regex(HTTPS_URL, { error: 'must be an https:// URL such as https://grafana.example.com' })
  .refine((value) => !value.endsWith('/'), { error: 'must not end with "/"' });
const emailAddress = z.string().regex(EMAIL, { error: 'must be an e-mail address such as oncall@example.com' });
const clock = z.string().regex(CLOCK, { error: 'must be a 24-hour time HH:MM such as 02:00 (00:00–24:00)' });
/** An IANA time zone such as UTC or Europe/Berlin; Alertmanager resolves it when it loads the config. */
const location = z.string().regex(/^(UTC|[A-Z][A-Za-z_]+(\/[A-Z][A-Za-z_+-]+)+)$/, {
  error: 'must be an IANA time zone such as UTC or America/Los_Angeles',
});
const weekday = z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` });

/** A weekly window [start, end) on the given days, in `location`. */
const weeklyWindow = z
  .strictObject({ weekdays: z.array(weekday).min(1, { error: 'must name at least one weekday' }), start: clock, end: clock, location })
  .refine((value) => value.start < value.end, { error: 'start must be before end', path: ['end'] });

export const alertmanagerSchema = z.strictObject({
  image,
  /** Peers gossip silences and the notification log, so any replica can send and none sends twice. */
  replicas: z.int().min(1, { error: 'must be at least 1' }).max(5, { error: 'must be at most 5' }),
  /** How long silences and the notification log are kept (`--data.retention`). */
  retention: duration,
  storage: z.strictObject({ storageClass: dnsLabel, size: memoryQuantity }),
  resources,
});

export const receiversSchema = z.strictObject({
  /**
   * Kubernetes Secret (created by the Pulumi program from secret stack config) holding the receiver credentials as files:
   * `pagerduty-routing-key` or `pager-webhook-token`, `slack-api-url`, `smtp-password`, `heartbeat-token`.
   */
  credentialsSecret: dnsLabel,
  pager: z.discriminatedUnion(
    'type',
    [z.strictObject({ type: z.literal('pagerduty') }), z.strictObject({ type: z.literal('webhook'), url: httpsUrl })],
    { error: 'type must be one of pagerduty, webhook' },
  ),
  email: z.strictObject({
    to: emailAddress,
    from: emailAddress,
    smarthost: z.string().regex(HOST_PORT, { error: 'must be host:port such as smtp.example.com:587' }),
    authUsername: z.string().min(1, { error: 'must name the SMTP user' }),
  }),
  chat: z.strictObject({ channel: z.string().regex(/^#[a-z0-9_-]+$/, { error: 'must be a Slack channel such as #moe-lab-alerts' }) }),
  /** Dead man's switch: receives the always-firing Watchdog, and pages when it stops arriving. */
  heartbeat: z.strictObject({ url: httpsUrl }),
});

export const alertingSchema = z.strictObject({
  /** `runbook_url` is `<runbookBaseUrl>/<AlertName>.md`: where docs/runbooks of this repository is served. */
  runbookBaseUrl: httpsUrl,
  /** `dashboard_url` is `<grafanaUrl>/d/<uid>`. */
  grafanaUrl: httpsUrl,
  alertmanager: alertmanagerSchema,
  receivers: receiversSchema,
  /** When P3 notifications are delivered (batched into business hours). */
  businessHours: weeklyWindow,
  /** Weekly maintenance window in which warning/P2/P3 notifications are muted; P0 and critical never are. */
  maintenanceWindow: weeklyWindow,
});

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

export const environmentSchema = z
  .strictObject({
    cluster: z.strictObject({
      name: dnsLabel,
      region: z.string().regex(AWS_REGION, { error: 'must be an AWS region such as us-west-2 or eu-central-1' }),
    }),
    namespaces: z.strictObject({ monitoring: dnsLabel, moeLab: dnsLabel, mage: dnsLabel }).superRefine((value, ctx) => {
      const seen = new Map<string, string>();
      for (const [key, namespace] of Object.entries(value)) {
        const first = seen.get(namespace);
        if (first)
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `"${namespace}" is already used by namespaces.${first}; each namespace must be distinct`,
          });
        else seen.set(namespace, key);
      }
    }),
    prometheus: prometheusSchema,
    alerting: alertingSchema,
    grafana: grafanaSchema,
    /** Expected fleet, the input of the capacity model. */
    fleet: z.strictObject({
      cpuNodes: z.int().min(0, { error: 'must be 0 or more' }),
      gpuNodes: z.int().min(0, { error: 'must be 0 or more' }),
      gpusPerNode: z.int().min(1, { error: 'must be at least 1' }).max(16, { error: 'must be at most 16' }),
      pods: z.int().min(1, { error: 'must be at least 1' }),
    }),
    /** How GPU nodes are labelled and tainted; GPU agents and workloads go there, CPU workloads keep off. */
    gpuNodes: gpuNodesSchema,
    /** Device plugin, DCGM exporter, node-exporter and kube-state-metrics. */
    agents: agentsSchema,
    /** MoE trainer and inference, the dashboard, Mage workers and learners. */
    workloads: workloadsSchema,
    /** The typed training-config, router-config and inference-config ConfigMaps. */
    mlConfig: mlConfigSchema,
    /** ML volumes, PostgreSQL, Redis and their backups. */
    storage: storageSchema,
    /** Loki, Fluent Bit and Jaeger. */
    logging: loggingSchema,
    /** The AWS side the Pulumi program builds: network, EKS and its node groups. */
    infra: infraSchema,
    /** Member of the federation, or the environment running the global Prometheus. */
    federation: federationSchema,
    /** Who applies the charts (Argo CD from the GitOps tree, or `pulumi up`), and the tree's repository. */
    gitops: gitopsSchema,
  })
  .superRefine((env, ctx) => {
    // Backups must not run while the platform may be down for maintenance.
    checkBackupSchedules(env.storage, env.alerting.maintenanceWindow, ctx);
    // Argo CD's namespace is the Pulumi program's (Helm release); a stack namespace there would have two owners.
    const stackNamespaces = Object.values(env.namespaces) as string[];
    if (env.gitops.delivery === 'argocd' && stackNamespaces.includes(env.gitops.argocdNamespace))
      ctx.addIssue({
        code: 'custom',
        path: ['gitops', 'argocdNamespace'],
        message: `${env.gitops.argocdNamespace} is one of the stack's namespaces (${[...new Set(stackNamespaces)].sort().join(', ')}); Argo CD needs its own`,
      });
  });

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type EnvironmentSettings = z.output<typeof environmentSchema>;
export type ResourceSettings = z.output<typeof resources>;
export type ImageSettings = z.output<typeof image>;
export type AlertingSettings = z.output<typeof alertingSchema>;
export type GrafanaSettings = z.output<typeof grafanaSchema>;
export type GrafanaDatabaseSettings = GrafanaSettings['database'];
export type WeeklyWindow = z.output<typeof weeklyWindow>;
export type { Weekday } from './wall-clock';

/** A validated environment: its name plus its settings. */
export interface EnvironmentConfig extends EnvironmentSettings {
  readonly name: EnvironmentName;
}
