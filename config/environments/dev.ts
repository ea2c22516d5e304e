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

export const dev: EnvironmentInput = {
  cluster: { name: 'moe-lab-dev', region: 'us-west-2' },
  namespaces: { ...shared.namespaces },
  prometheus: {
    image: shared.prometheusImage,
    replicas: 1,
    scrapeInterval: shared.scrapeInterval,
    evaluationInterval: shared.scrapeInterval,
    // Shorter than the 30d default on purpose: dev data is disposable and the volume stays small.
    retention: '7d',
    storage: { storageClass: shared.storageClass, size: '20Gi' },
    resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '512Mi', limit: '2Gi' } },
  },
  alerting: sharedAlerting('https://grafana.moe-lab-dev.example.com', {
    replicas: 1,
    retention: '120h',
    storage: { storageClass: shared.storageClass, size: '1Gi' },
    resources: { cpu: { request: '50m', limit: '200m' }, memory: { request: '64Mi', limit: '256Mi' } },
  }),
  grafana: {
    image: shared.grafanaImage,
    // One replica keeps its state in SQLite on an emptyDir: lost on restart, which dev can afford.
    replicas: 1,
    resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '512Mi' } },
    adminSecret: shared.grafanaAdminSecret,
    database: { type: 'sqlite' },
  },
  fleet: { cpuNodes: 2, gpuNodes: 1, gpusPerNode: 1, pods: 60 },
  gpuNodes: structuredClone(DEFAULT_GPU_NODES),
  agents: structuredClone(AGENTS_DEFAULTS.dev),
  workloads: structuredClone(WORKLOADS.dev),
  mlConfig: structuredClone(ML_CONFIG_BY_ENVIRONMENT.dev),
  storage: structuredClone(STORAGE_DEFAULTS.dev),
  logging: structuredClone(LOGGING_DEFAULTS.dev),
  // The AWS side lives in the Pulumi stack file, which the Pulumi program reads as stack config.
  infra: readStackInfra('dev') as EnvironmentInput['infra'],
  federation: structuredClone(FEDERATION_DEFAULTS.dev),
  gitops: structuredClone(GITOPS_DEFAULTS.dev),
};
