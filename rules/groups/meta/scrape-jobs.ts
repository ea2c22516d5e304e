import { JOBS } from '../../../contracts/jobs';
import type { Priority, Severity } from '../../types';

/**
 * When a scrape job's alert fires:
 * - `all-down`: no target of the job is up, or none is discovered (`absent(up{job="…"} == 1)`);
 * - `discovered-all-down`: targets are discovered and none is up; no targets at all is not an outage;
 * - `each-down`: for every target that is down, so a live replica reports its peer.
 */
export type JobDownMode = 'all-down' | 'discovered-all-down' | 'each-down';

/** One scrape job with its own down alert. Alerts and runbooks are both generated from these rows. */
export interface ScrapeJobAlert {
  readonly job: (typeof JOBS)[keyof typeof JOBS];
  readonly alert: string;
  readonly severity: Severity;
  readonly priority: Priority;
  /** The component as people name it, e.g. `node-exporter`. */
  readonly component: string;
  /** What stops working while it is down; ends the description. */
  readonly impact: string;
  /** `kind/name` of the workload in the monitoring namespace; none for the kubelet, which runs on every node. */
  readonly workload?: string;
  readonly mode: JobDownMode;
}

export const SCRAPE_JOB_ALERTS: readonly ScrapeJobAlert[] = [
  {
    job: JOBS.nodeExporter,
    alert: 'NodeExporterDown',
    severity: 'warning',
    priority: 'P1',
    component: 'node-exporter',
    impact: 'node CPU, memory and disk alerts cannot fire',
    workload: 'daemonset/node-exporter',
    mode: 'all-down',
  },
  {
    job: JOBS.dcgmExporter,
    alert: 'DCGMExporterDown',
    severity: 'warning',
    priority: 'P1',
    component: 'DCGM exporter',
    impact: 'GPU temperature and memory alerts cannot fire',
    workload: 'daemonset/dcgm-exporter',
    // GPU node groups may scale to zero, leaving the DaemonSet without pods: that is not an outage.
    mode: 'discovered-all-down',
  },
  {
    job: JOBS.kubeStateMetrics,
    alert: 'KubeStateMetricsDown',
    severity: 'warning',
    priority: 'P1',
    component: 'kube-state-metrics',
    impact: 'pod restart and Kubernetes object alerts cannot fire',
    workload: 'deployment/kube-state-metrics',
    mode: 'all-down',
  },
  {
    job: JOBS.kubelet,
    alert: 'KubeletDown',
    severity: 'critical',
    priority: 'P1',
    component: 'kubelet',
    impact: 'node and pod health is unknown, and the nodes themselves may be down',
    mode: 'all-down',
  },
  {
    job: JOBS.cadvisor,
    alert: 'CAdvisorDown',
    severity: 'warning',
    priority: 'P2',
    component: 'cAdvisor',
    impact: 'container CPU and memory alerts cannot fire',
    mode: 'all-down',
  },
  {
    // A Prometheus cannot report its own absence, but every replica scrapes every other one: the
    // survivor reports its peer. When all replicas are down the Watchdog stops and the heartbeat pages.
    job: JOBS.prometheus,
    alert: 'PrometheusDown',
    severity: 'warning',
    priority: 'P2',
    component: 'Prometheus',
    impact: 'that replica evaluates no rules, so alerting rests on the replicas still running',
    workload: 'statefulset/prometheus',
    mode: 'each-down',
  },
  {
    // When every Alertmanager is really down this cannot be delivered; the stopped heartbeat pages instead.
    job: JOBS.alertmanager,
    alert: 'AlertmanagerDown',
    severity: 'critical',
    priority: 'P1',
    component: 'Alertmanager',
    impact: 'no notification may be getting out',
    workload: 'statefulset/alertmanager',
    mode: 'all-down',
  },
  {
    job: JOBS.grafana,
    alert: 'GrafanaDown',
    severity: 'warning',
    priority: 'P2',
    component: 'Grafana',
    impact: 'dashboards are unavailable, while alerts and notifications still flow',
    workload: 'deployment/grafana',
    mode: 'all-down',
  },
  {
    // One pod per node: a share of them down is TargetDown's, every one down (or none discovered) is this.
    job: JOBS.fluentBit,
    alert: 'FluentBitDown',
    severity: 'warning',
    priority: 'P1',
    component: 'Fluent Bit',
    impact: 'no new logs reach Loki and the log-derived alerts (NaN loss, CUDA OOM, NCCL errors, …) cannot fire',
    workload: 'daemonset/fluent-bit',
    mode: 'all-down',
  },
  {
    job: JOBS.loki,
    alert: 'LokiDown',
    severity: 'warning',
    priority: 'P2',
    component: 'Loki',
    impact: 'logs cannot be searched, and Fluent Bit buffers them on the nodes until its buffer is full',
    workload: 'statefulset/loki',
    mode: 'all-down',
  },
  {
    // The SDKs drop spans they cannot export; nothing alerts on traces, so this can wait for working hours.
    job: JOBS.jaeger,
    alert: 'JaegerDown',
    severity: 'warning',
    priority: 'P3',
    component: 'Jaeger',
    impact: 'traces are neither collected nor searchable (the spans sent meanwhile are lost)',
    workload: 'statefulset/jaeger',
    mode: 'all-down',
  },
];
