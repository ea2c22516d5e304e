// Selectors shared by rules and dashboards, so a job name or filter lives in one place.

/** Scrape job names, as set in the Prometheus construct's scrape jobs. */
export const JOBS = {
  nodeExporter: 'node-exporter',
  cadvisor: 'kubernetes-cadvisor',
  kubelet: 'kubernetes-nodes',
  dcgmExporter: 'dcgm-exporter',
  kubeStateMetrics: 'kube-state-metrics',
  prometheus: 'prometheus',
  /** The global Prometheus, scraped by the cluster that runs it (constructs/federation-config.ts). */
  prometheusGlobal: 'prometheus-global',
  alertmanager: 'alertmanager',
  grafana: 'grafana',
  /** Fluent Bit's own metrics and the log-derived counters, from one endpoint per node. */
  fluentBit: 'fluent-bit',
  loki: 'loki',
  jaeger: 'jaeger',
} as const;

/** Pseudo filesystems that would skew disk usage towards 0 or 100 %. */
export const IGNORED_FSTYPES = 'tmpfs|overlay|squashfs|nsfs|ramfs';

/** `app` labels of the ML workloads (set from the pod's `app` / `app.kubernetes.io/name` label). */
export const APPS = {
  moeTrainer: 'moe-trainer',
  moeInference: 'moe-inference',
  mageWorker: 'mage-worker',
  mageLearner: 'mage-learner',
} as const;
