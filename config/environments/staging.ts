// The staging environment: the defaults (./defaults.ts) with every value staging sets differently,
// laid over them by the rule in config/merge.ts. A value of staging is either here or in defaults.ts.
import { environment } from '../merge';
import type { EnvironmentInput } from '../schema/environment';
import { readStackInfra } from '../stack-files';
import { defaults } from './defaults';

/** Placeholder AWS account of staging; the Pulumi stack outputs replace it. */
const ACCOUNT = '222222222222';

export const staging: EnvironmentInput = environment(defaults, {
  cluster: { name: 'moe-lab-staging' },
  prometheus: {
    storage: { size: '50Gi' },
    resources: { cpu: { request: '500m', limit: '2' }, memory: { request: '1Gi', limit: '4Gi' } },
  },
  alerting: {
    grafanaUrl: 'https://grafana.moe-lab-staging.example.com',
    alertmanager: {
      storage: { size: '2Gi' },
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '512Mi' } },
    },
  },
  grafana: {
    resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '256Mi', limit: '512Mi' } },
  },
  fleet: { cpuNodes: 4, gpuNodes: 2, gpusPerNode: 8, pods: 200 },
  agents: {
    kubeStateMetrics: { resources: { cpu: { request: '100m', limit: '300m' }, memory: { request: '192Mi', limit: '384Mi' } } },
  },
  workloads: {
    moeTrainer: { gpus: 4, resources: { cpu: { request: '8', limit: '16' }, memory: { request: '64Gi', limit: '96Gi' } } },
    moeInference: {
      resources: { cpu: { request: '2', limit: '4' }, memory: { request: '16Gi', limit: '24Gi' } },
      replicas: { min: 2, max: 4 },
    },
    mageWorker: {
      replicas: 4,
      numGameRunners: 16,
      resources: { cpu: { request: '2', limit: '4' }, memory: { request: '4Gi', limit: '8Gi' } },
    },
    mageLearner: {
      gpus: 2,
      maxSamplesPerBatch: 2048,
      resources: { cpu: { request: '4', limit: '8' }, memory: { request: '32Gi', limit: '48Gi' } },
    },
  },
  storage: {
    volumes: { models: { size: '500Gi' }, checkpoints: { size: '1Ti' }, data: { size: '500Gi' } },
    postgres: { storage: { size: '20Gi' } },
    // Bucket names are global, so each environment gets its own.
    backups: { bucket: 'moe-lab-backups-staging', roleArn: `arn:aws:iam::${ACCOUNT}:role/moe-lab-backup-staging` },
  },
  // staging keeps logs in S3 and traces in Badger.
  logging: {
    loki: {
      resources: { cpu: { request: '250m', limit: '2' }, memory: { request: '512Mi', limit: '2Gi' } },
      objectStorage: { type: 's3', bucket: 'moe-lab-logs-staging', roleArn: `arn:aws:iam::${ACCOUNT}:role/moe-lab-loki-staging` },
      limits: { ingestionRateMb: 16, ingestionBurstSizeMb: 32, maxGlobalStreamsPerUser: 10000 },
    },
    fluentBit: {
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '96Mi', limit: '384Mi' } },
      memBufLimit: '32Mi',
      filesystemBufferLimit: '1Gi',
    },
    jaeger: {
      resources: { cpu: { request: '200m', limit: '1' }, memory: { request: '512Mi', limit: '2Gi' } },
      storage: { type: 'badger', volume: { storageClass: 'gp3', size: '20Gi' }, retention: '72h' },
      // Inference is sampled less than training jobs because it sees far more requests.
      sampling: { defaultProbability: 0.5, perService: { 'moe-inference': 0.2 } },
    },
  },
  // Network, EKS, node groups (scaling) and bucket lifecycle: Pulumi.staging.yaml, key gpu-observability:infra.
  // The Pulumi program reads that file as stack config; the synth reads it here, so each value exists once.
  infra: readStackInfra('staging') as EnvironmentInput['infra'],
  gitops: { project: 'gpu-observability-staging' },
});
