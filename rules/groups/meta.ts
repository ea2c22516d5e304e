import { JOBS } from '../selectors';
import { META } from '../thresholds';
import type { AlertRule, Priority, RuleGroup, Severity } from '../types';

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
];

const up = (job: string) => `up{job="${job}"}`;

// The value is the number of targets discovered, 0 when none is: it tells a scrape failure from a
// discovery failure. absent() returns 1, hence `* 0`. Fires exactly when `absent(up{job="…"} == 1)` does.
const noneUp = (job: string) => `count by (job) (${up(job)}) unless on (job) (${up(job)} == 1)`;
const JOB_DOWN_EXPR: Readonly<Record<JobDownMode, (job: string) => string>> = {
  'all-down': (job) => `${noneUp(job)} or absent(${up(job)}) * 0`,
  'discovered-all-down': noneUp,
  'each-down': (job) => `${up(job)} == 0`,
};

function jobDownAlert(row: ScrapeJobAlert): AlertRule {
  const common = { alert: row.alert, expr: JOB_DOWN_EXPR[row.mode](row.job), for: META.jobDownFor, severity: row.severity };
  const perJob = {
    summary: `Prometheus cannot scrape any ${row.component} target`,
    description: `No ${row.component} target has been up for ${META.jobDownFor} ({{ $value }} discovered); ${row.impact}.`,
  };
  const perTarget = {
    summary: `${row.component} {{ $labels.pod }} is down`,
    description: `${row.component} {{ $labels.namespace }}/{{ $labels.pod }} at {{ $labels.instance }} has failed every scrape for ${META.jobDownFor} (up = {{ $value }}); ${row.impact}.`,
  };
  return { ...common, priority: row.priority, dashboard: 'system', ...(row.mode === 'each-down' ? perTarget : perJob) };
}

// Jobs whose every down target already has its own alert stay out of TargetDown, so one outage alerts once.
const ownAlertPerTarget = SCRAPE_JOB_ALERTS.filter((row) => row.mode === 'each-down').map((row) => row.job);
const targets = `up{job!~"${ownAlertPerTarget.join('|')}"}`;
const prom = `job="${JOBS.prometheus}"`;
const am = `job="${JOBS.alertmanager}"`;
const pod = '{{ $labels.namespace }}/{{ $labels.pod }}';
const sendErrorPercent = `100 * rate(prometheus_notifications_errors_total{${prom}}[5m]) / rate(prometheus_notifications_sent_total{${prom}}[5m])`;
// Alertmanager 0.26+ splits failures by `reason`; summing it away keeps the ratio's label sets equal.
const notifyFailurePercent = `100 * sum without (reason) (rate(alertmanager_notifications_failed_total{${am}}[5m])) / sum without (reason) (rate(alertmanager_notifications_total{${am}}[5m]))`;
const clusterMembers = `max_over_time(alertmanager_cluster_members{${am}}[5m])`;

/** The monitoring system watching itself: heartbeat, scrape targets, Prometheus and Alertmanager. */
export const metaGroups: readonly RuleGroup[] = [
  {
    name: 'meta.recording',
    file: 'meta',
    rules: [
      { record: 'job:up:ratio', expr: 'avg by (job) (up)' },
      { record: 'job:up:sum', expr: 'sum by (job) (up)' },
      { record: 'job:up:count', expr: 'count by (job) (up)' },
      {
        record: 'namespace_pod:prometheus_rule_evaluation_failures:rate5m',
        expr: `sum by (namespace, pod) (rate(prometheus_rule_evaluation_failures_total{${prom}}[5m]))`,
      },
      {
        record: 'namespace_pod:prometheus_notifications_errors:ratio_rate5m',
        expr: `sum by (namespace, pod) (rate(prometheus_notifications_errors_total{${prom}}[5m])) / sum by (namespace, pod) (rate(prometheus_notifications_sent_total{${prom}}[5m]))`,
      },
      {
        record: 'namespace_integration:alertmanager_notifications_failed:ratio_rate5m',
        expr: `sum by (namespace, integration) (rate(alertmanager_notifications_failed_total{${am}}[5m])) / sum by (namespace, integration) (rate(alertmanager_notifications_total{${am}}[5m]))`,
      },
    ],
  },
  {
    // A group of its own, so a slow or failing group never delays the heartbeat.
    name: 'meta.watchdog',
    file: 'meta',
    rules: [
      {
        alert: 'Watchdog',
        expr: 'vector(1)',
        severity: 'info',
        priority: 'P3',
        dashboard: 'system',
        summary: "Alerting pipeline heartbeat; always firing, routed only to the dead man's switch",
        description:
          "This alert always fires, to prove that Prometheus evaluates rules and Alertmanager delivers notifications. It is routed only to the dead man's switch heartbeat receiver, which pages when the heartbeat stops arriving; it must never be silenced or inhibited.",
      },
    ],
  },
  {
    name: 'meta.targets',
    file: 'meta',
    rules: [
      {
        alert: 'TargetDown',
        // Counts, not 1 - avg(up): avg's running mean makes exactly 10 % come out a hair above 10.
        expr: `100 * count by (job, namespace) (${targets} == 0) / count by (job, namespace) (${targets}) > ${META.maxTargetsDownPercent}`,
        for: '10m',
        severity: 'warning',
        priority: 'P2',
        dashboard: 'system',
        summary: 'Some {{ $labels.job }} targets are down',
        description: `{{ $value | printf "%.1f" }}% of the {{ $labels.job }} targets{{ with $labels.namespace }} in namespace {{ . }}{{ end }} are down (above ${META.maxTargetsDownPercent}%); their metrics and alerts are missing.`,
      },
      ...SCRAPE_JOB_ALERTS.map(jobDownAlert),
    ],
  },
  {
    name: 'meta.prometheus',
    file: 'meta',
    rules: [
      {
        alert: 'PrometheusBadConfig',
        expr: `max_over_time(prometheus_config_last_reload_successful{${prom}}[5m]) == 0`,
        for: '10m',
        severity: 'critical',
        priority: 'P1',
        dashboard: 'system',
        summary: 'Prometheus {{ $labels.pod }} failed to reload its configuration',
        description: `${pod} reports prometheus_config_last_reload_successful = {{ $value }}: it still runs the previous scrape jobs and rules, and would not start again with the current configuration.`,
      },
      {
        alert: 'PrometheusRuleFailures',
        expr: `increase(prometheus_rule_evaluation_failures_total{${prom}}[5m]) > 0`,
        for: '10m',
        severity: 'critical',
        priority: 'P1',
        dashboard: 'system',
        summary: 'Prometheus {{ $labels.pod }} fails to evaluate rules',
        description: `${pod} failed {{ $value | printf "%.0f" }} evaluations of rule group {{ $labels.rule_group }} in the last 5 minutes; the alerts of that group cannot fire.`,
      },
      {
        alert: 'PrometheusMissingRuleEvaluations',
        expr: `increase(prometheus_rule_group_iterations_missed_total{${prom}}[5m]) > 0`,
        for: '15m',
        severity: 'warning',
        priority: 'P2',
        dashboard: 'system',
        summary: 'Prometheus {{ $labels.pod }} skips rule group evaluations',
        description: `${pod} skipped {{ $value | printf "%.0f" }} evaluations of rule group {{ $labels.rule_group }} in the last 5 minutes because the group runs longer than its interval; its alerts fire late.`,
      },
      {
        alert: 'PrometheusNotConnectedToAlertmanagers',
        expr: `max_over_time(prometheus_notifications_alertmanagers_discovered{${prom}}[5m]) < 1`,
        for: '10m',
        severity: 'warning',
        priority: 'P1',
        dashboard: 'system',
        summary: 'Prometheus {{ $labels.pod }} is not connected to any Alertmanager',
        description: `${pod} knows {{ $value }} Alertmanagers; the alerts it evaluates reach nobody.`,
      },
      {
        alert: 'PrometheusErrorSendingAlertsToSomeAlertmanagers',
        expr: `${sendErrorPercent} > ${META.maxAlertSendErrorPercent}`,
        for: '15m',
        severity: 'warning',
        priority: 'P2',
        dashboard: 'system',
        summary: 'Prometheus {{ $labels.pod }} fails to send alerts to an Alertmanager',
        description: `{{ $value | printf "%.1f" }}% of the alerts ${pod} sent to {{ $labels.alertmanager }} in the last 5 minutes failed (above ${META.maxAlertSendErrorPercent}%).`,
      },
      {
        alert: 'PrometheusErrorSendingAlertsToAnyAlertmanager',
        expr: `min without (alertmanager) (${sendErrorPercent}) > ${META.maxAlertSendErrorPercentToAll}`,
        for: '10m',
        severity: 'critical',
        priority: 'P1',
        dashboard: 'system',
        summary: 'Prometheus {{ $labels.pod }} fails to send alerts to every Alertmanager',
        description: `At least {{ $value | printf "%.1f" }}% of the alerts ${pod} sent to each Alertmanager in the last 5 minutes failed (above ${META.maxAlertSendErrorPercentToAll}%); this replica's alerts are being lost.`,
      },
      {
        alert: 'PrometheusNotificationsDropped',
        expr: `increase(prometheus_notifications_dropped_total{${prom}}[5m]) > 0`,
        for: '5m',
        severity: 'warning',
        priority: 'P1',
        dashboard: 'system',
        summary: 'Prometheus {{ $labels.pod }} drops alerts',
        description: `${pod} dropped {{ $value | printf "%.0f" }} alerts in the last 5 minutes without handing them to any Alertmanager; their notifications are late or lost.`,
      },
      {
        alert: 'PrometheusTSDBCompactionsFailing',
        expr: `increase(prometheus_tsdb_compactions_failed_total{${prom}}[3h]) > 0`,
        for: '4h',
        severity: 'warning',
        priority: 'P3',
        dashboard: 'system',
        summary: 'Prometheus {{ $labels.pod }} fails to compact its TSDB',
        description: `${pod} failed {{ $value | printf "%.0f" }} TSDB compactions in the last 3 hours; its memory and WAL grow until compaction works again.`,
      },
      {
        alert: 'PrometheusTSDBReloadsFailing',
        expr: `increase(prometheus_tsdb_reloads_failures_total{${prom}}[3h]) > 0`,
        for: '4h',
        severity: 'warning',
        priority: 'P3',
        dashboard: 'system',
        summary: 'Prometheus {{ $labels.pod }} fails to reload TSDB blocks',
        description: `${pod} failed {{ $value | printf "%.0f" }} reloads of its TSDB blocks from disk in the last 3 hours; new blocks are not queried and expired ones are not deleted.`,
      },
    ],
  },
  {
    // No alert on alertmanager_cluster_failed_peers: a peer replaced by a rollout stays "failed" until
    // --cluster.reconnect-timeout (6 h) passes, which would fire after every restart.
    name: 'meta.alertmanager',
    file: 'meta',
    rules: [
      {
        alert: 'AlertmanagerFailedReload',
        expr: `max_over_time(alertmanager_config_last_reload_successful{${am}}[5m]) == 0`,
        for: '10m',
        severity: 'critical',
        priority: 'P1',
        dashboard: 'system',
        summary: 'Alertmanager {{ $labels.pod }} failed to reload its configuration',
        description: `${pod} reports alertmanager_config_last_reload_successful = {{ $value }}: it still routes with the previous configuration, and would not start again with the current one.`,
      },
      {
        // Every replica must see every scraped replica; kube-prometheus's AlertmanagerMembersInconsistent.
        alert: 'AlertmanagerMembersInconsistent',
        expr: `${clusterMembers} < on (job, namespace) group_left () count by (job, namespace) (${clusterMembers})`,
        for: '10m',
        severity: 'critical',
        priority: 'P1',
        dashboard: 'system',
        summary: 'Alertmanager {{ $labels.pod }} does not see all its cluster peers',
        description: `${pod} sees {{ $value }} cluster members, fewer than the Alertmanagers Prometheus scrapes; replicas that do not gossip send duplicate notifications and do not share silences.`,
      },
      {
        alert: 'AlertmanagerFailedToSendAlerts',
        expr: `${notifyFailurePercent} > ${META.maxNotificationFailurePercent}`,
        for: '5m',
        severity: 'warning',
        priority: 'P2',
        dashboard: 'system',
        summary: 'Alertmanager {{ $labels.pod }} fails to send {{ $labels.integration }} notifications',
        description: `{{ $value | printf "%.1f" }}% of the {{ $labels.integration }} notifications of ${pod} failed in the last 5 minutes (above ${META.maxNotificationFailurePercent}%); another replica retries them.`,
      },
      {
        // min ignores replicas that sent nothing (0/0); it is high only when every replica that tried failed.
        alert: 'AlertmanagerClusterFailedToSendAlerts',
        expr: `min by (job, namespace, integration) (${notifyFailurePercent}) > ${META.maxNotificationFailurePercent}`,
        for: '5m',
        severity: 'critical',
        priority: 'P1',
        dashboard: 'system',
        summary: 'Alertmanager cannot send {{ $labels.integration }} notifications',
        description: `Every Alertmanager replica that sent {{ $labels.integration }} notifications in the last 5 minutes failed at least {{ $value | printf "%.1f" }}% of them (above ${META.maxNotificationFailurePercent}%); those notifications are not getting out.`,
      },
    ],
  },
];
