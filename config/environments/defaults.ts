// What the environments share: every value at least two of them use. Each environment file
// (dev.ts, staging.ts, prod.ts) starts from these and states every value where it differs, laid
// over them by the rule in config/merge.ts. Resources, the expected fleet and the branches of a union
// (loki.objectStorage, jaeger.storage) count as one value: an environment that differs states it whole.
// Images are pinned; bump them here.
import type { Overrides } from '../merge';
import type { EnvironmentInput } from '../schema/environment';

const smallAgent = { cpu: { request: '50m', limit: '200m' }, memory: { request: '64Mi', limit: '128Mi' } };
const smallStorage = { cpu: { request: '100m', limit: '500m' }, memory: { request: '256Mi', limit: '512Mi' } };

export const defaults = {
  cluster: { region: 'us-west-2' },
  namespaces: { monitoring: 'monitoring', moeLab: 'moe-lab', mage: 'mage' },
  prometheus: {
    image: { repository: 'quay.io/prometheus/prometheus', tag: 'v2.53.4' },
    replicas: 1,
    scrapeInterval: '15s',
    evaluationInterval: '15s',
    retention: '30d',
    storage: { storageClass: 'gp3' },
  },
  alerting: {
    // Where this repository's docs/runbooks are served; point it at your own copy.
    runbookBaseUrl: 'https://github.com/moe-lab/gpu-observability-stack/blob/main/docs/runbooks',
    alertmanager: {
      image: { repository: 'quay.io/prometheus/alertmanager', tag: 'v0.27.0' },
      replicas: 1,
      retention: '120h',
      storage: { storageClass: 'gp3' },
    },
    receivers: {
      credentialsSecret: 'alertmanager-receivers',
      pager: { type: 'pagerduty' },
      email: {
        to: 'moe-lab-oncall@example.com',
        from: 'alertmanager@example.com',
        smarthost: 'smtp.example.com:587',
        authUsername: 'alertmanager',
      },
      chat: { channel: '#moe-lab-alerts' },
      heartbeat: { url: 'https://heartbeat.example.com/ping/moe-lab' },
    },
    // P3 notifications wait for the team's working day.
    businessHours: { weekdays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], start: '09:00', end: '17:00', location: 'UTC' },
    // The weekly platform maintenance slot: Sunday 02:00–04:00 UTC.
    maintenanceWindow: { weekdays: ['sunday'], start: '02:00', end: '04:00', location: 'UTC' },
  },
  grafana: {
    image: { repository: 'docker.io/grafana/grafana', tag: '12.3.6' },
    // One replica keeps its state in SQLite on an emptyDir: lost on restart, which dev and staging can afford.
    replicas: 1,
    // Created by the Pulumi program from secret stack config (infra/secrets.ts): keys `admin-user` and `admin-password`.
    adminSecret: 'grafana-admin',
    database: { type: 'sqlite' },
  },
  // The labelling and taint the EKS GPU node groups of every environment must carry (the Pulumi program's node groups will set them).
  gpuNodes: {
    label: { key: 'nvidia.com/gpu.present', value: 'true' },
    taint: { key: 'nvidia.com/gpu', effect: 'NoSchedule' },
  },
  agents: {
    devicePlugin: {
      image: { repository: 'nvcr.io/nvidia/k8s-device-plugin', tag: 'v0.17.1' },
      resources: smallAgent,
      // Every pod gets whole GPUs: time slices share memory unisolated.
      timeSlicing: { enabled: false, replicas: 1 },
    },
    dcgmExporter: {
      image: { repository: 'nvcr.io/nvidia/k8s/dcgm-exporter', tag: '4.2.3-4.1.3-ubuntu22.04' },
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '256Mi', limit: '512Mi' } },
    },
    nodeExporter: { image: { repository: 'quay.io/prometheus/node-exporter', tag: 'v1.8.2' }, resources: smallAgent },
    kubeStateMetrics: { image: { repository: 'registry.k8s.io/kube-state-metrics/kube-state-metrics', tag: 'v2.14.0' } },
  },
  // Internal images built by the ML teams; tags are the release of each. Staging runs what prod will run next.
  workloads: {
    moeTrainer: { image: { repository: 'ghcr.io/moe-lab/moe-trainer', tag: '1.0.0' }, maxUnavailable: 1 },
    moeInference: { image: { repository: 'ghcr.io/moe-lab/moe-inference', tag: '1.0.0' }, gpus: 1, targetCpuUtilization: 70 },
    dashboard: {
      image: { repository: 'ghcr.io/moe-lab/dashboard', tag: '1.0.0' },
      replicas: 1,
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
    },
    mageWorker: { image: { repository: 'ghcr.io/moe-lab/mage-worker', tag: '0.5.0' } },
    mageLearner: { image: { repository: 'ghcr.io/moe-lab/mage-learner', tag: '0.5.0' }, replicas: 1 },
  },
  // The values the issue specifies; every environment starts from these. Staging and prod run them
  // unchanged, so staging rehearses what prod runs.
  mlConfig: {
    training: {
      batch_size: 32,
      gradient_accumulation_steps: 4,
      mixed_precision: true,
      amp_dtype: 'float16',
      expert_parallel_size: 4,
      gradient_checkpointing: false,
    },
    router: {
      router_type: 'top_k',
      top_k: 2,
      expert_capacity_factor: 1.25,
      load_balance_loss_coef: 0.01,
      router_z_loss_coef: 0.001,
      jitter_noise: 0.01,
      num_experts: 8,
      drop_tokens: true,
    },
    inference: {
      expert_cache: { enabled: true, size_gb: 8, policy: 'lru', preload_top_k: 4 },
      dynamic_batching: { enabled: true, max_batch_size: 32, batch_timeout_ms: 50 },
      quantization: { enabled: true, method: 'int8' },
      compilation: { enabled: true, backend: 'inductor' },
    },
  },
  storage: {
    volumes: {
      // Shared by the trainer and inference pods on several nodes: EFS.
      models: { storageClass: 'efs-sc', accessMode: 'ReadWriteMany' },
      checkpoints: { storageClass: 'efs-sc', accessMode: 'ReadWriteMany' },
      data: { storageClass: 'efs-sc', accessMode: 'ReadWriteMany' },
    },
    postgres: {
      image: { repository: 'docker.io/library/postgres', tag: '16.4-bookworm' },
      storage: { storageClass: 'gp3' },
      resources: smallStorage,
      credentialsSecret: 'postgres-credentials',
    },
    redis: {
      image: { repository: 'docker.io/library/redis', tag: '7.4.1-bookworm' },
      storage: { storageClass: 'gp3', size: '10Gi' },
      resources: smallStorage,
      authSecret: 'redis-auth',
    },
    backups: {
      awsCliImage: { repository: 'public.ecr.aws/aws-cli/aws-cli', tag: '2.17.50' },
      resources: smallStorage,
      // Staggered so the three jobs do not compete for the same network and disk. The dumps start
      // early enough that even a late start plus their one-hour deadline ends before Sunday 02:00 UTC.
      schedules: { checkpoints: '15 5 * * *', postgres: '30 0 * * *', redis: '45 0 * * *' },
    },
  },
  logging: {
    loki: {
      image: { repository: 'docker.io/grafana/loki', tag: '3.5.8' },
      // Two weeks of logs; prod keeps a month.
      retention: '14d',
      volume: { storageClass: 'gp3', size: '20Gi' },
      limits: { maxLineSizeKb: 256 },
    },
    fluentBit: { image: { repository: 'docker.io/fluent/fluent-bit', tag: '3.2.10' } },
    jaeger: { image: { repository: 'docker.io/jaegertracing/jaeger', tag: '2.11.0' } },
  },
  // dev and staging are members reached over the network; prod is a member too and runs the global view.
  federation: {
    role: 'member',
    // The prod VPC (Pulumi.prod.yaml network.vpcCidr), where the global Prometheus runs.
    globalSources: ['10.30.0.0/16'],
    members: [],
  },
  gitops: {
    delivery: 'argocd',
    // Placeholder: point it at the organisation's GitOps repository (private; Argo CD reads it with a deploy key).
    repoURL: 'git@github.com:moe-lab/gitops.git',
    targetRevision: 'main',
    rootPath: '.',
    argocdNamespace: 'argocd',
    // dev and staging follow every commit; prod waits for a person to sync after review.
    syncPolicy: { mode: 'automated', prune: true, selfHeal: true },
    // argo-cd 9.1.0 ships Argo CD v3.2.
    chartVersion: '9.1.0',
  },
} satisfies Overrides<EnvironmentInput>;
