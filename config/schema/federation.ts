// Multi-cluster federation. Every cluster's Prometheus is a `member`: it labels what it exports with
// its `cluster` external label and serves /federate to the global Prometheus only. One environment
// is `global`: besides its own Prometheus it runs a global one that federates the members' Mage and
// MoE jobs and their recording rules (never raw GPU series). A fragment of the environment schema.
import { z } from 'zod';
import { dnsLabel, duration, image, IPV4_CIDR, memoryQuantity, resources } from './primitives';

export const FEDERATION_ROLES = ['member', 'global'] as const;

/** A member's /federate base URL: scheme, host and port only (the scrape job adds the path). */
const ENDPOINT = /^(https?):\/\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?|\d+\.\d+\.\d+\.\d+)(:\d{1,5})?$/;

/** A key of a Secret in the global Prometheus's namespace, mounted read-only into its pods. */
const secretKey = z.strictObject({
  name: dnsLabel,
  key: z.string().regex(/^[-._a-zA-Z0-9]+$/, { error: 'must be a Secret key such as token' }),
});

export const federationMember = z.strictObject({
  /** The member cluster's name: the value of its Prometheus's `cluster` external label. */
  name: dnsLabel,
  /** Where its /federate is served, e.g. http://prometheus-federate.monitoring.svc:9090 or an internal load balancer. */
  endpoint: z.string().regex(ENDPOINT, { error: 'must be http(s)://host[:port] without a path, such as http://10.20.0.10:9090' }),
  /** CA bundle to verify an https endpoint (e.g. a TLS-terminating proxy in front of the member). */
  tls: z.strictObject({ caSecret: secretKey }).optional(),
  /** Bearer token the endpoint requires (e.g. an authenticating proxy). */
  bearerTokenSecret: secretKey.optional(),
});

export const globalPrometheusSchema = z.strictObject({
  image,
  replicas: z.int().min(1, { error: 'must be at least 1' }).max(3, { error: 'must be at most 3' }),
  /** The fleet view keeps aggregates for trends, so longer than a member's raw data. */
  retention: duration,
  storage: z.strictObject({ storageClass: dnsLabel, size: memoryQuantity }),
  resources,
});

export const federationSchema = z
  .strictObject({
    role: z.enum(FEDERATION_ROLES, { error: `must be one of ${FEDERATION_ROLES.join(', ')}` }),
    /**
     * Networks the global Prometheus reaches this cluster's /federate from (its VPC, peered or through
     * a transit gateway); the member's NetworkPolicy and load balancer admit only them.
     */
    globalSources: z.array(z.string().regex(IPV4_CIDR, { error: 'must be an IPv4 CIDR such as 10.30.0.0/16' })),
    /** The global Prometheus; only with role global. */
    global: globalPrometheusSchema.optional(),
    /** The clusters the global Prometheus federates; only with role global. */
    members: z.array(federationMember),
  })
  .superRefine((value, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (value.role === 'global') {
      if (!value.global) issue(['global'], 'missing; a global environment runs the global Prometheus');
      if (value.members.length === 0) issue(['members'], 'must name at least one member cluster');
    } else {
      if (value.global) issue(['global'], 'only an environment with role global runs the global Prometheus');
      if (value.members.length > 0) issue(['members'], 'only an environment with role global federates members');
      if (value.globalSources.length === 0)
        issue(['globalSources'], 'must name at least one CIDR for role member: the global Prometheus could not reach /federate otherwise');
    }
    value.members.forEach((member, i) => {
      if (value.members.findIndex((m) => m.name === member.name) !== i) issue(['members', i, 'name'], `${member.name} is listed twice`);
      if ((member.tls || member.bearerTokenSecret) && !member.endpoint.startsWith('https://'))
        issue(
          ['members', i, 'endpoint'],
          'must be https:// when a CA or bearer token is set: a token must not cross the network in clear text',
        );
    });
  });

export type FederationInput = z.input<typeof federationSchema>;
export type FederationSettings = z.output<typeof federationSchema>;
export type FederationMember = z.output<typeof federationMember>;
