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

export const staging: EnvironmentInput = {
  cluster: { name: 'moe-lab-staging', region: 'us-west-2' },
  namespaces: { ...shared.namespaces },
  prometheus: {
    image: shared.prometheusImage,
    replicas: 1,
    scrapeInterval: shared.scrapeInterval,
    evaluationInterval: shared.scrapeInterval,
    retention: '30d',
    storage: { storageClass: shared.storageClass, size: '50Gi' },
    resources: { cpu: { request: '500m', limit: '2' }, memory: { request: '1Gi', limit: '4Gi' } },
  },
  alerting: sharedAlerting('https://grafana.moe-lab-staging.example.com', {
    replicas: 1,
    retention: '120h',
    storage: { storageClass: shared.storageClass, size: '2Gi' },
    resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '512Mi' } },
  }),
  grafana: {
    image: shared.grafanaImage,
    replicas: 1,
    resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '256Mi', limit: '512Mi' } },
    adminSecret: shared.grafanaAdminSecret,
    database: { type: 'sqlite' },
  },
  fleet: { cpuNodes: 4, gpuNodes: 2, gpusPerNode: 8, pods: 200 },
  gpuNodes: structuredClone(DEFAULT_GPU_NODES),
  agents: structuredClone(AGENTS_DEFAULTS.staging),
  workloads: structuredClone(WORKLOADS.staging),
  mlConfig: structuredClone(ML_CONFIG_BY_ENVIRONMENT.staging),
  storage: structuredClone(STORAGE_DEFAULTS.staging),
  logging: structuredClone(LOGGING_DEFAULTS.staging),
  // The AWS side lives in the Pulumi stack file, which the Pulumi program reads as stack config.
  infra: readStackInfra('staging') as EnvironmentInput['infra'],
  federation: structuredClone(FEDERATION_DEFAULTS.staging),
  gitops: structuredClone(GITOPS_DEFAULTS.staging),
};
