// The dev environment: the defaults (./defaults.ts) with every value dev sets differently, laid over
// them by the rule in config/merge.ts. A value of dev is either here or in defaults.ts.
import { environment } from '../merge';
import type { EnvironmentInput } from '../schema/environment';
import { readStackInfra } from '../stack-files';
import { defaults } from './defaults';

/** Placeholder AWS account of dev; the Pulumi stack outputs replace it. */
const ACCOUNT = '111111111111';

export const dev: EnvironmentInput = environment(defaults, {
  cluster: { name: 'moe-lab-dev' },
  prometheus: {
    // Shorter than the 30d default on purpose: dev data is disposable and the volume stays small.
    retention: '7d',
    storage: { size: '20Gi' },
    resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '512Mi', limit: '2Gi' } },
  },
  alerting: {
    grafanaUrl: 'https://grafana.moe-lab-dev.example.com',
    alertmanager: {
      storage: { size: '1Gi' },
      resources: { cpu: { request: '50m', limit: '200m' }, memory: { request: '64Mi', limit: '256Mi' } },
    },
  },
  grafana: {
    resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '512Mi' } },
  },
  fleet: { cpuNodes: 2, gpuNodes: 1, gpusPerNode: 1, pods: 60 },
  agents: {
    // dev shares each GPU four ways so notebooks and small jobs fit on few GPUs.
    devicePlugin: { timeSlicing: { enabled: true, replicas: 4 } },
    kubeStateMetrics: { resources: { cpu: { request: '50m', limit: '200m' }, memory: { request: '128Mi', limit: '256Mi' } } },
  },
  workloads: {
    moeTrainer: {
      image: { tag: '0.9.0' },
      gpus: 1,
      resources: { cpu: { request: '2', limit: '4' }, memory: { request: '16Gi', limit: '24Gi' } },
    },
    moeInference: {
      image: { tag: '0.9.0' },
      resources: { cpu: { request: '1', limit: '2' }, memory: { request: '8Gi', limit: '12Gi' } },
      replicas: { min: 1, max: 2 },
    },
    dashboard: { image: { tag: '0.9.0' } },
    mageWorker: {
      image: { tag: '0.4.0' },
      replicas: 2,
      numGameRunners: 8,
      resources: { cpu: { request: '1', limit: '2' }, memory: { request: '2Gi', limit: '4Gi' } },
    },
    mageLearner: {
      image: { tag: '0.4.0' },
      gpus: 1,
      maxSamplesPerBatch: 512,
      resources: { cpu: { request: '2', limit: '4' }, memory: { request: '8Gi', limit: '16Gi' } },
    },
  },
  // dev has a single GPU: no expert parallelism, a smaller batch, and no compile step slowing every restart.
  mlConfig: {
    training: { batch_size: 8, expert_parallel_size: 1 },
    inference: { expert_cache: { size_gb: 4 }, compilation: { enabled: false } },
  },
  storage: {
    volumes: { models: { size: '200Gi' }, checkpoints: { size: '200Gi' }, data: { size: '100Gi' } },
    postgres: { storage: { size: '10Gi' } },
    // Bucket names are global, so each environment gets its own.
    backups: { bucket: 'moe-lab-backups-dev', roleArn: `arn:aws:iam::${ACCOUNT}:role/moe-lab-backup-dev` },
  },
  // dev keeps logs two weeks on the pod's volume and traces in memory.
  logging: {
    loki: {
      resources: { cpu: { request: '100m', limit: '1' }, memory: { request: '256Mi', limit: '1Gi' } },
      objectStorage: { type: 'filesystem' },
      limits: { ingestionRateMb: 8, ingestionBurstSizeMb: 16, maxGlobalStreamsPerUser: 5000 },
    },
    fluentBit: {
      resources: { cpu: { request: '50m', limit: '500m' }, memory: { request: '64Mi', limit: '256Mi' } },
      memBufLimit: '16Mi',
      filesystemBufferLimit: '512Mi',
    },
    jaeger: {
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '256Mi', limit: '1Gi' } },
      storage: { type: 'memory', maxTraces: 50000 },
      sampling: { defaultProbability: 1, perService: {} },
    },
  },
  // Network, EKS, node groups (scaling) and bucket lifecycle: Pulumi.dev.yaml, key gpu-observability:infra.
  // The Pulumi program reads that file as stack config; the synth reads it here, so each value exists once.
  infra: readStackInfra('dev') as EnvironmentInput['infra'],
  gitops: { project: 'gpu-observability-dev' },
});
