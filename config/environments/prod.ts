import type { EnvironmentInput } from '../schema';
import { AGENTS_DEFAULTS } from '../agents';
import { FEDERATION_DEFAULTS } from '../federation';
import { GITOPS_DEFAULTS } from '../gitops';
import { DEFAULT_GPU_NODES } from '../gpu-nodes';
import { ML_CONFIG_BY_ENVIRONMENT } from '../ml-config';
import { LOGGING_DEFAULTS } from '../logging';
import { readStackInfra } from '../stack-files';
import { STORAGE_DEFAULTS } from '../storage';
import { WORKLOADS } from '../workloads';
import { shared, sharedAlerting } from './shared';

export const prod: EnvironmentInput = {
  cluster: { name: 'moe-lab-prod', region: 'us-west-2' },
  namespaces: { ...shared.namespaces },
  prometheus: {
    image: shared.prometheusImage,
    // Two identical replicas scrape the same targets; queries de-duplicate on `prometheus_replica`.
    replicas: 2,
    scrapeInterval: shared.scrapeInterval,
    evaluationInterval: shared.scrapeInterval,
    retention: '30d',
    storage: { storageClass: shared.storageClass, size: '100Gi' },
    resources: { cpu: { request: '1', limit: '4' }, memory: { request: '2Gi', limit: '8Gi' } },
  },
  alerting: sharedAlerting('https://grafana.moe-lab-prod.example.com', {
    // Losing one node still leaves two peers that gossip silences and de-duplicate notifications.
    replicas: 3,
    retention: '120h',
    storage: { storageClass: shared.storageClass, size: '5Gi' },
    resources: { cpu: { request: '100m', limit: '1' }, memory: { request: '256Mi', limit: '1Gi' } },
  }),
  grafana: {
    image: shared.grafanaImage,
    // Two replicas on different nodes share users and sessions through PostgreSQL.
    replicas: 2,
    resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '256Mi', limit: '1Gi' } },
    adminSecret: shared.grafanaAdminSecret,
    database: { ...shared.grafanaPostgres },
  },
  fleet: { cpuNodes: 10, gpuNodes: 16, gpusPerNode: 8, pods: 600 },
  gpuNodes: structuredClone(DEFAULT_GPU_NODES),
  agents: structuredClone(AGENTS_DEFAULTS.prod),
  workloads: structuredClone(WORKLOADS.prod),
  mlConfig: structuredClone(ML_CONFIG_BY_ENVIRONMENT.prod),
  storage: structuredClone(STORAGE_DEFAULTS.prod),
  logging: structuredClone(LOGGING_DEFAULTS.prod),
  // The AWS side lives in the Pulumi stack file, which the Pulumi program reads as stack config.
  infra: readStackInfra('prod') as EnvironmentInput['infra'],
  federation: structuredClone(FEDERATION_DEFAULTS.prod),
  gitops: structuredClone(GITOPS_DEFAULTS.prod),
};
