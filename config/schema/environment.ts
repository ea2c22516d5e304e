// The whole environment: the root schema that joins the per-area fragments, the cross-area rules
// that need more than one area, and the types the rest of the repository reads settings through.
import { z } from 'zod';
import { agentsSchema } from './agents';
import { alertingSchema } from './alerting';
import { federationSchema } from './federation';
import { gitopsSchema } from './gitops';
import { gpuNodesSchema } from './gpu-nodes';
import { grafanaSchema } from './grafana';
import { infraSchema } from './infra';
import { loggingSchema } from './logging';
import { mlConfigSchema } from './ml-config';
import { AWS_REGION, dnsLabel } from './primitives';
import { prometheusSchema } from './prometheus';
import { checkBackupSchedules, storageSchema } from './storage';
import { workloadsSchema } from './workloads';

/** The environments this stack is deployed to; `pulumi up --stack <env>` and dist/<env>/ use these names. */
export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

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

/** A validated environment: its name plus its settings. */
export interface EnvironmentConfig extends EnvironmentSettings {
  readonly name: EnvironmentName;
}
