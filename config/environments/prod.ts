// The prod environment: the defaults (./defaults.ts) with every value prod sets differently, laid
// over them by the rule in config/merge.ts. A value of prod is either here or in defaults.ts.
import { environment } from '../merge';
import type { EnvironmentInput } from '../schema/environment';
import { readStackInfra } from '../stack-files';
import { defaults } from './defaults';

/** Placeholder AWS account of prod; the Pulumi stack outputs replace it. */
const ACCOUNT = '333333333333';
/** Each member's federation Service (constructs/components/member-federation.ts) behind an internal load balancer. */
const memberEndpoint = (cluster: string) => `http://prometheus-federate.${cluster}.internal.example.com:9090`;

export const prod: EnvironmentInput = environment(defaults, {
  cluster: { name: 'moe-lab-prod' },
  prometheus: {
    // Two identical replicas scrape the same targets; queries de-duplicate on `prometheus_replica`.
    replicas: 2,
    storage: { size: '100Gi' },
    resources: { cpu: { request: '1', limit: '4' }, memory: { request: '2Gi', limit: '8Gi' } },
  },
  alerting: {
    grafanaUrl: 'https://grafana.moe-lab-prod.example.com',
    alertmanager: {
      // Losing one node still leaves two peers that gossip silences and de-duplicate notifications.
      replicas: 3,
      storage: { size: '5Gi' },
      resources: { cpu: { request: '100m', limit: '1' }, memory: { request: '256Mi', limit: '1Gi' } },
    },
  },
  grafana: {
    // Two replicas on different nodes share users and sessions through PostgreSQL.
    replicas: 2,
    resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '256Mi', limit: '1Gi' } },
    // The stack's PostgreSQL (constructs/components/postgres.ts in moe-lab); point `host` at RDS or another
    // server instead if you have one, with sslMode require. The Secret holds `username` and `password`.
    database: {
      type: 'postgres',
      host: 'postgres.moe-lab.svc.cluster.local:5432',
      // The in-cluster server serves no TLS yet; its NetworkPolicy admits only moe-lab and monitoring.
      sslMode: 'disable',
      name: 'grafana',
      credentialsSecret: 'grafana-database',
    },
  },
  fleet: { cpuNodes: 10, gpuNodes: 16, gpusPerNode: 8, pods: 600 },
  agents: {
    dcgmExporter: { resources: { cpu: { request: '200m', limit: '1' }, memory: { request: '384Mi', limit: '768Mi' } } },
    nodeExporter: { resources: { cpu: { request: '100m', limit: '250m' }, memory: { request: '64Mi', limit: '128Mi' } } },
    // kube-state-metrics memory grows with the object count, so prod gets more.
    kubeStateMetrics: { resources: { cpu: { request: '200m', limit: '500m' }, memory: { request: '256Mi', limit: '512Mi' } } },
  },
  workloads: {
    moeTrainer: {
      gpus: 8,
      resources: { cpu: { request: '16', limit: '32' }, memory: { request: '256Gi', limit: '384Gi' } },
      // A week-long run is not evicted by a routine drain; the operator stops it after a checkpoint.
      maxUnavailable: 0,
    },
    moeInference: {
      resources: { cpu: { request: '4', limit: '8' }, memory: { request: '32Gi', limit: '48Gi' } },
      replicas: { min: 3, max: 12 },
      targetCpuUtilization: 60,
    },
    dashboard: { replicas: 2, resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '256Mi', limit: '512Mi' } } },
    mageWorker: {
      replicas: 16,
      numGameRunners: 32,
      resources: { cpu: { request: '4', limit: '8' }, memory: { request: '8Gi', limit: '16Gi' } },
    },
    mageLearner: {
      replicas: 2,
      gpus: 4,
      maxSamplesPerBatch: 4096,
      resources: { cpu: { request: '8', limit: '16' }, memory: { request: '64Gi', limit: '96Gi' } },
    },
  },
  storage: {
    volumes: { models: { size: '2Ti' }, checkpoints: { size: '5Ti' }, data: { size: '2Ti' } },
    postgres: {
      storage: { size: '100Gi' },
      resources: { cpu: { request: '500m', limit: '2' }, memory: { request: '1Gi', limit: '2Gi' } },
    },
    // Bucket names are global, so each environment gets its own.
    backups: { bucket: 'moe-lab-backups-prod', roleArn: `arn:aws:iam::${ACCOUNT}:role/moe-lab-backup-prod` },
  },
  // prod keeps logs in S3 for 30 days and traces in Badger.
  logging: {
    loki: {
      resources: { cpu: { request: '500m', limit: '4' }, memory: { request: '2Gi', limit: '8Gi' } },
      retention: '30d',
      volume: { size: '50Gi' },
      objectStorage: { type: 's3', bucket: 'moe-lab-logs-prod', roleArn: `arn:aws:iam::${ACCOUNT}:role/moe-lab-loki-prod` },
      limits: { ingestionRateMb: 32, ingestionBurstSizeMb: 64, maxGlobalStreamsPerUser: 20000 },
    },
    fluentBit: {
      resources: { cpu: { request: '100m', limit: '1' }, memory: { request: '128Mi', limit: '512Mi' } },
      memBufLimit: '64Mi',
      filesystemBufferLimit: '2Gi',
    },
    jaeger: {
      resources: { cpu: { request: '500m', limit: '2' }, memory: { request: '1Gi', limit: '4Gi' } },
      storage: { type: 'badger', volume: { storageClass: 'gp3', size: '100Gi' }, retention: '168h' },
      // Inference is sampled less than training jobs because it sees far more requests.
      sampling: { defaultProbability: 0.2, perService: { 'moe-inference': 0.05 } },
    },
  },
  // Network, EKS, node groups (scaling) and bucket lifecycle: Pulumi.prod.yaml, key gpu-observability:infra.
  // The Pulumi program reads that file as stack config; the synth reads it here, so each value exists once.
  infra: readStackInfra('prod') as EnvironmentInput['infra'],
  federation: {
    role: 'global',
    // The global Prometheus runs in this cluster and reaches the local member through the Service.
    globalSources: [],
    global: {
      // The same pinned image as every cluster's Prometheus.
      image: defaults.prometheus.image,
      replicas: 2,
      retention: '90d',
      storage: { storageClass: 'gp3', size: '50Gi' },
      resources: { cpu: { request: '500m', limit: '2' }, memory: { request: '1Gi', limit: '4Gi' } },
    },
    members: [
      { name: 'moe-lab-dev', endpoint: memberEndpoint('moe-lab-dev') },
      { name: 'moe-lab-staging', endpoint: memberEndpoint('moe-lab-staging') },
      { name: 'moe-lab-prod', endpoint: 'http://prometheus-federate.monitoring.svc:9090' },
    ],
  },
  gitops: { project: 'gpu-observability-prod', syncPolicy: { mode: 'manual' } },
});
