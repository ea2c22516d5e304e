// Job and app names shared by the scrape config, rules, dashboards and constructs, so each lives in one place.

/** Scrape job names: the scrape configs (constructs/config-files/scrape-jobs.ts and the environment assembly) use these. */
export const JOBS = {
  nodeExporter: 'node-exporter',
  cadvisor: 'kubernetes-cadvisor',
  kubelet: 'kubernetes-nodes',
  dcgmExporter: 'dcgm-exporter',
  kubeStateMetrics: 'kube-state-metrics',
  prometheus: 'prometheus',
  /** The global Prometheus, scraped by the cluster that runs it (constructs/assembly/environment.ts). */
  prometheusGlobal: 'prometheus-global',
  alertmanager: 'alertmanager',
  grafana: 'grafana',
  /** Fluent Bit's own metrics and the log-derived counters, from one endpoint per node. */
  fluentBit: 'fluent-bit',
  loki: 'loki',
  jaeger: 'jaeger',
} as const;

/** `app` labels of the ML workloads (set from the pod's `app` / `app.kubernetes.io/name` label). */
export const APPS = {
  moeTrainer: 'moe-trainer',
  moeInference: 'moe-inference',
  mageWorker: 'mage-worker',
  mageLearner: 'mage-learner',
} as const;

/** CronJob names; the BackupJobFailed alert and its runbook select `cronjob=~"<names>"`. */
export const BACKUP_CRONJOBS = { checkpoints: 'checkpoint-backup', postgres: 'postgres-backup', redis: 'redis-backup' } as const;
