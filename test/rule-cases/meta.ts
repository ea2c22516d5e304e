import { series, type Labels } from './targets';
import type { InputSeries, RuleTestCase } from './types';

/** Target labels of a monitoring component scraped through its own Service (serviceEndpointsJob). */
const monitoringPod = (app: string, pod: string, address: string, node: string): Labels => ({
  job: app,
  instance: address,
  service: app,
  namespace: 'monitoring',
  pod,
  container: app,
  node,
  app,
});

/** Target labels of the kubelet jobs: Kubernetes node discovery sets `instance` to the node name. */
const kubeletTarget = (job: string, node: string): Labels => ({ job, instance: node, node });

const NODE_EXPORTER = [
  monitoringPod('node-exporter', 'node-exporter-7xk2p', '10.0.1.11:9100', 'cpu-node-1'),
  monitoringPod('node-exporter', 'node-exporter-m4d8q', '10.0.1.12:9100', 'cpu-node-2'),
];
const DCGM = [
  monitoringPod('dcgm-exporter', 'dcgm-exporter-4rt9z', '10.0.4.11:9400', 'gpu-node-1'),
  monitoringPod('dcgm-exporter', 'dcgm-exporter-b7c2k', '10.0.4.12:9400', 'gpu-node-2'),
];
const KSM = [monitoringPod('kube-state-metrics', 'kube-state-metrics-6d4b9c7f8-q2w4e', '10.0.2.30:8080', 'cpu-node-2')];
const KUBELET = [kubeletTarget('kubernetes-nodes', 'cpu-node-1'), kubeletTarget('kubernetes-nodes', 'gpu-node-1')];
const CADVISOR = [kubeletTarget('kubernetes-cadvisor', 'cpu-node-1'), kubeletTarget('kubernetes-cadvisor', 'gpu-node-1')];
const PROMETHEUS = [
  monitoringPod('prometheus', 'prometheus-0', '10.0.2.10:9090', 'cpu-node-1'),
  monitoringPod('prometheus', 'prometheus-1', '10.0.3.10:9090', 'cpu-node-2'),
];
const ALERTMANAGER = [
  monitoringPod('alertmanager', 'alertmanager-0', '10.0.2.20:9093', 'cpu-node-1'),
  monitoringPod('alertmanager', 'alertmanager-1', '10.0.3.20:9093', 'cpu-node-2'),
  monitoringPod('alertmanager', 'alertmanager-2', '10.0.4.20:9093', 'cpu-node-3'),
];
const [PROMETHEUS_0, PROMETHEUS_1] = PROMETHEUS;
const [ALERTMANAGER_0, ALERTMANAGER_1, ALERTMANAGER_2] = ALERTMANAGER;
/** A target of another job, so a case with a job missing still has input. */
const TRAINER_POD = { job: 'kubernetes-pods', instance: '10.0.1.5:9090', namespace: 'moe-lab', pod: 'moe-trainer-0', node: 'gpu-node-1' };

const critical = { severity: 'critical', priority: 'P1' };
const warningP1 = { severity: 'warning', priority: 'P1' };
const warningP2 = { severity: 'warning', priority: 'P2' };
const warningP3 = { severity: 'warning', priority: 'P3' };

const upSeries = (targets: readonly Labels[], values: string): InputSeries[] =>
  targets.map((labels) => ({ series: series('up', labels), values }));
const AM_URL = (i: number) => `http://alertmanager-${i}.alertmanager-headless.monitoring.svc:9093/api/v2/alerts`;

/** Jobs whose alert fires when no target is up, including when none is discovered. */
const ALL_DOWN_JOBS = [
  {
    alert: 'NodeExporterDown',
    job: 'node-exporter',
    targets: NODE_EXPORTER,
    labels: warningP1,
    summary: 'Prometheus cannot scrape any node-exporter target',
    undiscovered: 'No node-exporter target has been up for 10m (0 discovered); node CPU, memory and disk alerts cannot fire.',
  },
  {
    alert: 'KubeStateMetricsDown',
    job: 'kube-state-metrics',
    targets: KSM,
    labels: warningP1,
    summary: 'Prometheus cannot scrape any kube-state-metrics target',
    undiscovered: 'No kube-state-metrics target has been up for 10m (0 discovered); pod restart and Kubernetes object alerts cannot fire.',
  },
  {
    alert: 'KubeletDown',
    job: 'kubernetes-nodes',
    targets: KUBELET,
    labels: critical,
    summary: 'Prometheus cannot scrape any kubelet target',
    undiscovered:
      'No kubelet target has been up for 10m (0 discovered); node and pod health is unknown, and the nodes themselves may be down.',
  },
  {
    alert: 'CAdvisorDown',
    job: 'kubernetes-cadvisor',
    targets: CADVISOR,
    labels: warningP2,
    summary: 'Prometheus cannot scrape any cAdvisor target',
    undiscovered: 'No cAdvisor target has been up for 10m (0 discovered); container CPU and memory alerts cannot fire.',
  },
  {
    alert: 'AlertmanagerDown',
    job: 'alertmanager',
    targets: ALERTMANAGER,
    labels: critical,
    summary: 'Prometheus cannot scrape any Alertmanager target',
    undiscovered: 'No Alertmanager target has been up for 10m (0 discovered); no notification may be getting out.',
  },
];

const allDownCases: RuleTestCase[] = ALL_DOWN_JOBS.flatMap(({ alert, job, targets, labels, summary, undiscovered }) => [
  {
    name: `${alert}: every ${job} target up stays silent`,
    series: upSeries(targets, '1x20'),
    alerts: [{ alert, at: '11m', fires: [] }],
  },
  {
    name: `${alert}: no ${job} target discovered for 10 minutes fires`,
    series: upSeries([TRAINER_POD], '1x20'),
    alerts: [
      { alert, at: '9m', fires: [] },
      { alert, at: '11m', fires: [{ labels: { job, ...labels }, summary, description: undiscovered, dashboard: 'system' }] },
    ],
  },
]);

export const metaCases: readonly RuleTestCase[] = [
  {
    // Watchdog has no silent case: `vector(1)` fires on every evaluation by design. Its silence is
    // the alarm, and that is detected outside Prometheus, by the heartbeat service.
    name: 'Watchdog fires from the first evaluation, with no labels but severity and priority',
    series: upSeries([TRAINER_POD], '1x5'),
    alerts: [
      {
        alert: 'Watchdog',
        at: '0m',
        fires: [
          {
            labels: { severity: 'info', priority: 'P3' },
            summary: "Alerting pipeline heartbeat; always firing, routed only to the dead man's switch",
            description:
              "This alert always fires, to prove that Prometheus evaluates rules and Alertmanager delivers notifications. It is routed only to the dead man's switch heartbeat receiver, which pages when the heartbeat stops arriving; it must never be silenced or inhibited.",
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'TargetDown: 1 of 9 node-exporters and 1 of 5 kubelets down fire after 10 minutes, 1 of 10 pods does not',
    series: [
      ...upSeries([NODE_EXPORTER[0]], '0x15'),
      ...upSeries(
        Array.from({ length: 8 }, (_, i) => ({ ...NODE_EXPORTER[1], pod: `node-exporter-${i}`, instance: `10.0.1.${20 + i}:9100` })),
        '1x15',
      ),
      ...upSeries([KUBELET[0]], '0x15'),
      ...upSeries(
        Array.from({ length: 4 }, (_, i) => kubeletTarget('kubernetes-nodes', `cpu-node-${i + 2}`)),
        '1x15',
      ),
      ...upSeries([TRAINER_POD], '0x15'),
      ...upSeries(
        Array.from({ length: 9 }, (_, i) => ({ ...TRAINER_POD, pod: `moe-inference-${i}`, instance: `10.0.1.${30 + i}:8000` })),
        '1x15',
      ),
    ],
    alerts: [
      { alert: 'TargetDown', at: '9m', fires: [] },
      {
        alert: 'TargetDown',
        at: '11m',
        fires: [
          {
            labels: { job: 'node-exporter', namespace: 'monitoring', ...warningP2 },
            summary: 'Some node-exporter targets are down',
            description:
              '11.1% of the node-exporter targets in namespace monitoring are down (above 10%); their metrics and alerts are missing.',
            dashboard: 'system',
          },
          {
            labels: { job: 'kubernetes-nodes', ...warningP2 },
            summary: 'Some kubernetes-nodes targets are down',
            description: '20.0% of the kubernetes-nodes targets are down (above 10%); their metrics and alerts are missing.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  ...allDownCases,
  {
    name: 'NodeExporterDown: two node-exporters discovered and both failing their scrapes fires',
    series: upSeries(NODE_EXPORTER, '0x20'),
    alerts: [
      {
        alert: 'NodeExporterDown',
        at: '11m',
        fires: [
          {
            labels: { job: 'node-exporter', ...warningP1 },
            summary: 'Prometheus cannot scrape any node-exporter target',
            description: 'No node-exporter target has been up for 10m (2 discovered); node CPU, memory and disk alerts cannot fire.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'DCGMExporterDown: one DCGM exporter up stays silent, and no GPU node (no target) is not an outage',
    series: [...upSeries([DCGM[0]], '1x20'), ...upSeries([DCGM[1]], '0x20')],
    alerts: [{ alert: 'DCGMExporterDown', at: '11m', fires: [] }],
  },
  {
    name: 'DCGMExporterDown: no DCGM exporter discovered (GPU node groups scaled to zero) stays silent',
    series: upSeries([TRAINER_POD], '1x20'),
    alerts: [{ alert: 'DCGMExporterDown', at: '11m', fires: [] }],
  },
  {
    name: 'DCGMExporterDown: two DCGM exporters discovered and both down fire after 10 minutes',
    series: upSeries(DCGM, '0x20'),
    alerts: [
      { alert: 'DCGMExporterDown', at: '9m', fires: [] },
      {
        alert: 'DCGMExporterDown',
        at: '11m',
        fires: [
          {
            labels: { job: 'dcgm-exporter', ...warningP1 },
            summary: 'Prometheus cannot scrape any DCGM exporter target',
            description: 'No DCGM exporter target has been up for 10m (2 discovered); GPU temperature and memory alerts cannot fire.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'PrometheusDown: the live replica reports its peer after 10 minutes, and TargetDown leaves it to PrometheusDown',
    series: [...upSeries([PROMETHEUS_0], '1x20'), ...upSeries([PROMETHEUS_1], '0x20')],
    alerts: [
      { alert: 'PrometheusDown', at: '9m', fires: [] },
      { alert: 'TargetDown', at: '11m', fires: [] },
      {
        alert: 'PrometheusDown',
        at: '11m',
        fires: [
          {
            labels: { ...PROMETHEUS_1, ...warningP2 },
            summary: 'Prometheus prometheus-1 is down',
            description:
              'Prometheus monitoring/prometheus-1 at 10.0.3.10:9090 has failed every scrape for 10m (up = 0); that replica evaluates no rules, so alerting rests on the replicas still running.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'PrometheusDown: both replicas up stay silent',
    series: upSeries(PROMETHEUS, '1x20'),
    alerts: [{ alert: 'PrometheusDown', at: '11m', fires: [] }],
  },
  {
    name: 'PrometheusBadConfig: a failed reload fires after 10 minutes, a successful one does not',
    series: [
      { series: series('prometheus_config_last_reload_successful', PROMETHEUS_0), values: '1x5 0x30' },
      { series: series('prometheus_config_last_reload_successful', PROMETHEUS_1), values: '1x35' },
    ],
    alerts: [
      { alert: 'PrometheusBadConfig', at: '20m', fires: [] },
      {
        alert: 'PrometheusBadConfig',
        at: '22m',
        fires: [
          {
            labels: { ...PROMETHEUS_0, ...critical },
            summary: 'Prometheus prometheus-0 failed to reload its configuration',
            description:
              'monitoring/prometheus-0 reports prometheus_config_last_reload_successful = 0: it still runs the previous scrape jobs and rules, and would not start again with the current configuration.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'PrometheusRuleFailures: 2 failures a minute fire after 10 minutes, a flat counter does not',
    series: [
      {
        series: series('prometheus_rule_evaluation_failures_total', {
          ...PROMETHEUS_0,
          rule_group: '/etc/prometheus/rules/gpu.yml;gpu.alerts',
        }),
        values: '0+2x30',
      },
      {
        series: series('prometheus_rule_evaluation_failures_total', {
          ...PROMETHEUS_0,
          rule_group: '/etc/prometheus/rules/node.yml;node.alerts',
        }),
        values: '4x30',
      },
    ],
    alerts: [
      { alert: 'PrometheusRuleFailures', at: '10m', fires: [] },
      {
        alert: 'PrometheusRuleFailures',
        at: '12m',
        fires: [
          {
            labels: { ...PROMETHEUS_0, rule_group: '/etc/prometheus/rules/gpu.yml;gpu.alerts', ...critical },
            summary: 'Prometheus prometheus-0 fails to evaluate rules',
            description:
              'monitoring/prometheus-0 failed 10 evaluations of rule group /etc/prometheus/rules/gpu.yml;gpu.alerts in the last 5 minutes; the alerts of that group cannot fire.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'PrometheusMissingRuleEvaluations: one missed iteration a minute fires after 15 minutes, a flat counter does not',
    series: [
      {
        series: series('prometheus_rule_group_iterations_missed_total', {
          ...PROMETHEUS_1,
          rule_group: '/etc/prometheus/rules/meta.yml;meta.targets',
        }),
        values: '0+1x30',
      },
      {
        series: series('prometheus_rule_group_iterations_missed_total', {
          ...PROMETHEUS_0,
          rule_group: '/etc/prometheus/rules/meta.yml;meta.targets',
        }),
        values: '0x30',
      },
    ],
    alerts: [
      { alert: 'PrometheusMissingRuleEvaluations', at: '15m', fires: [] },
      {
        alert: 'PrometheusMissingRuleEvaluations',
        at: '17m',
        fires: [
          {
            labels: { ...PROMETHEUS_1, rule_group: '/etc/prometheus/rules/meta.yml;meta.targets', ...warningP2 },
            summary: 'Prometheus prometheus-1 skips rule group evaluations',
            description:
              'monitoring/prometheus-1 skipped 5 evaluations of rule group /etc/prometheus/rules/meta.yml;meta.targets in the last 5 minutes because the group runs longer than its interval; its alerts fire late.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'PrometheusNotConnectedToAlertmanagers: 0 Alertmanagers fire after 10 minutes, 3 do not',
    series: [
      { series: series('prometheus_notifications_alertmanagers_discovered', PROMETHEUS_0), values: '3x5 0x30' },
      { series: series('prometheus_notifications_alertmanagers_discovered', PROMETHEUS_1), values: '3x35' },
    ],
    alerts: [
      { alert: 'PrometheusNotConnectedToAlertmanagers', at: '20m', fires: [] },
      {
        alert: 'PrometheusNotConnectedToAlertmanagers',
        at: '22m',
        fires: [
          {
            labels: { ...PROMETHEUS_0, ...warningP1 },
            summary: 'Prometheus prometheus-0 is not connected to any Alertmanager',
            description: 'monitoring/prometheus-0 knows 0 Alertmanagers; the alerts it evaluates reach nobody.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'PrometheusErrorSendingAlerts: 3 % errors towards one Alertmanager fire after 15 minutes; the others at 0 % keep ToAny silent',
    series: [0, 1, 2].flatMap((i) => [
      { series: series('prometheus_notifications_sent_total', { ...PROMETHEUS_0, alertmanager: AM_URL(i) }), values: '0+100x30' },
      {
        series: series('prometheus_notifications_errors_total', { ...PROMETHEUS_0, alertmanager: AM_URL(i) }),
        values: i === 0 ? '0+3x30' : '0x30',
      },
    ]),
    alerts: [
      { alert: 'PrometheusErrorSendingAlertsToSomeAlertmanagers', at: '15m', fires: [] },
      {
        alert: 'PrometheusErrorSendingAlertsToSomeAlertmanagers',
        at: '17m',
        fires: [
          {
            labels: { ...PROMETHEUS_0, alertmanager: AM_URL(0), ...warningP2 },
            summary: 'Prometheus prometheus-0 fails to send alerts to an Alertmanager',
            description: `3.0% of the alerts monitoring/prometheus-0 sent to ${AM_URL(0)} in the last 5 minutes failed (above 1%).`,
            dashboard: 'system',
          },
        ],
      },
      { alert: 'PrometheusErrorSendingAlertsToAnyAlertmanager', at: '17m', fires: [] },
    ],
  },
  {
    name: 'PrometheusErrorSendingAlertsToAnyAlertmanager: 5–10 % errors towards every Alertmanager fire after 15 minutes',
    series: [0, 1, 2].flatMap((i) => [
      { series: series('prometheus_notifications_sent_total', { ...PROMETHEUS_1, alertmanager: AM_URL(i) }), values: '0+100x30' },
      {
        series: series('prometheus_notifications_errors_total', { ...PROMETHEUS_1, alertmanager: AM_URL(i) }),
        values: i === 0 ? '0+5x30' : '0+10x30',
      },
    ]),
    alerts: [
      { alert: 'PrometheusErrorSendingAlertsToAnyAlertmanager', at: '10m', fires: [] },
      {
        alert: 'PrometheusErrorSendingAlertsToAnyAlertmanager',
        at: '12m',
        fires: [
          {
            labels: { ...PROMETHEUS_1, ...critical },
            summary: 'Prometheus prometheus-1 fails to send alerts to every Alertmanager',
            description:
              "At least 5.0% of the alerts monitoring/prometheus-1 sent to each Alertmanager in the last 5 minutes failed (above 3%); this replica's alerts are being lost.",
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'PrometheusNotificationsDropped: 2 dropped alerts a minute fire after 5 minutes, a flat counter does not',
    series: [
      { series: series('prometheus_notifications_dropped_total', PROMETHEUS_0), values: '0+2x20' },
      { series: series('prometheus_notifications_dropped_total', PROMETHEUS_1), values: '7x20' },
    ],
    alerts: [
      { alert: 'PrometheusNotificationsDropped', at: '5m', fires: [] },
      {
        alert: 'PrometheusNotificationsDropped',
        at: '7m',
        fires: [
          {
            labels: { ...PROMETHEUS_0, ...warningP1 },
            summary: 'Prometheus prometheus-0 drops alerts',
            description:
              'monitoring/prometheus-0 dropped 10 alerts in the last 5 minutes without handing them to any Alertmanager; their notifications are late or lost.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'PrometheusTSDB*Failing: a failure every 10 minutes fires after 4 hours, a flat counter does not',
    interval: '10m',
    series: [
      { series: series('prometheus_tsdb_compactions_failed_total', PROMETHEUS_0), values: '0+1x30' },
      { series: series('prometheus_tsdb_compactions_failed_total', PROMETHEUS_1), values: '2x30' },
      { series: series('prometheus_tsdb_reloads_failures_total', PROMETHEUS_1), values: '0+1x30' },
      { series: series('prometheus_tsdb_reloads_failures_total', PROMETHEUS_0), values: '0x30' },
    ],
    alerts: [
      { alert: 'PrometheusTSDBCompactionsFailing', at: '4h', fires: [] },
      { alert: 'PrometheusTSDBReloadsFailing', at: '4h', fires: [] },
      {
        alert: 'PrometheusTSDBCompactionsFailing',
        at: '4h20m',
        fires: [
          {
            labels: { ...PROMETHEUS_0, ...warningP3 },
            summary: 'Prometheus prometheus-0 fails to compact its TSDB',
            description:
              'monitoring/prometheus-0 failed 18 TSDB compactions in the last 3 hours; its memory and WAL grow until compaction works again.',
            dashboard: 'system',
          },
        ],
      },
      {
        alert: 'PrometheusTSDBReloadsFailing',
        at: '4h20m',
        fires: [
          {
            labels: { ...PROMETHEUS_1, ...warningP3 },
            summary: 'Prometheus prometheus-1 fails to reload TSDB blocks',
            description:
              'monitoring/prometheus-1 failed 18 reloads of its TSDB blocks from disk in the last 3 hours; new blocks are not queried and expired ones are not deleted.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'AlertmanagerFailedReload: a failed reload fires after 10 minutes, a successful one does not',
    series: [
      { series: series('alertmanager_config_last_reload_successful', ALERTMANAGER_1), values: '1x5 0x30' },
      { series: series('alertmanager_config_last_reload_successful', ALERTMANAGER_0), values: '1x35' },
    ],
    alerts: [
      { alert: 'AlertmanagerFailedReload', at: '20m', fires: [] },
      {
        alert: 'AlertmanagerFailedReload',
        at: '22m',
        fires: [
          {
            labels: { ...ALERTMANAGER_1, ...critical },
            summary: 'Alertmanager alertmanager-1 failed to reload its configuration',
            description:
              'monitoring/alertmanager-1 reports alertmanager_config_last_reload_successful = 0: it still routes with the previous configuration, and would not start again with the current one.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'AlertmanagerMembersInconsistent: a replica that sees 1 of 3 peers fires after 10 minutes; the two that see 3 do not',
    series: [
      { series: series('alertmanager_cluster_members', ALERTMANAGER_0), values: '3x40' },
      { series: series('alertmanager_cluster_members', ALERTMANAGER_1), values: '3x40' },
      { series: series('alertmanager_cluster_members', ALERTMANAGER_2), values: '3x5 1x35' },
    ],
    alerts: [
      { alert: 'AlertmanagerMembersInconsistent', at: '20m', fires: [] },
      {
        alert: 'AlertmanagerMembersInconsistent',
        at: '22m',
        fires: [
          {
            labels: { ...ALERTMANAGER_2, ...critical },
            summary: 'Alertmanager alertmanager-2 does not see all its cluster peers',
            description:
              'monitoring/alertmanager-2 sees 1 cluster members, fewer than the Alertmanagers Prometheus scrapes; replicas that do not gossip send duplicate notifications and do not share silences.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'AlertmanagerFailedToSendAlerts: 10 % failed pagerduty notifications (two reasons) fire after 5 minutes, 0 % slack does not; another replica succeeding keeps the cluster alert silent',
    series: [
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_0, integration: 'pagerduty' }), values: '0+20x20' },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_0, integration: 'pagerduty', reason: 'serverError' }),
        values: '0+1x20',
      },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_0, integration: 'pagerduty', reason: 'clientError' }),
        values: '0+1x20',
      },
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_0, integration: 'slack' }), values: '0+20x20' },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_0, integration: 'slack', reason: 'serverError' }),
        values: '0x20',
      },
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_1, integration: 'pagerduty' }), values: '0+20x20' },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_1, integration: 'pagerduty', reason: 'serverError' }),
        values: '0x20',
      },
    ],
    alerts: [
      { alert: 'AlertmanagerFailedToSendAlerts', at: '5m', fires: [] },
      {
        alert: 'AlertmanagerFailedToSendAlerts',
        at: '7m',
        fires: [
          {
            labels: { ...ALERTMANAGER_0, integration: 'pagerduty', ...warningP2 },
            summary: 'Alertmanager alertmanager-0 fails to send pagerduty notifications',
            description:
              '10.0% of the pagerduty notifications of monitoring/alertmanager-0 failed in the last 5 minutes (above 1%); another replica retries them.',
            dashboard: 'system',
          },
        ],
      },
      { alert: 'AlertmanagerClusterFailedToSendAlerts', at: '7m', fires: [] },
    ],
  },
  {
    name: 'AlertmanagerClusterFailedToSendAlerts: every replica that sent pagerduty failing 25–50 % fires after 5 minutes; the idle one is ignored',
    series: [
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_0, integration: 'pagerduty' }), values: '0+4x20' },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_0, integration: 'pagerduty', reason: 'serverError' }),
        values: '0+2x20',
      },
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_1, integration: 'pagerduty' }), values: '0+4x20' },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_1, integration: 'pagerduty', reason: 'serverError' }),
        values: '0+1x20',
      },
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_2, integration: 'pagerduty' }), values: '0x20' },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_2, integration: 'pagerduty', reason: 'serverError' }),
        values: '0x20',
      },
    ],
    alerts: [
      { alert: 'AlertmanagerClusterFailedToSendAlerts', at: '5m', fires: [] },
      {
        alert: 'AlertmanagerClusterFailedToSendAlerts',
        at: '7m',
        fires: [
          {
            labels: { job: 'alertmanager', namespace: 'monitoring', integration: 'pagerduty', ...critical },
            summary: 'Alertmanager cannot send pagerduty notifications',
            description:
              'Every Alertmanager replica that sent pagerduty notifications in the last 5 minutes failed at least 25.0% of them (above 1%); those notifications are not getting out.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'meta recording rules: targets up per job, rule failures and notification failure ratios',
    series: [
      ...upSeries([NODE_EXPORTER[0]], '0x10'),
      ...upSeries(
        Array.from({ length: 3 }, (_, i) => ({ ...NODE_EXPORTER[1], pod: `node-exporter-${i}`, instance: `10.0.1.${20 + i}:9100` })),
        '1x10',
      ),
      ...upSeries(KUBELET, '1x10'),
      // Rates of 0.25/s and 0.5/s: increases of 75 and 150 over 5 minutes, exact in binary floating point.
      {
        series: series('prometheus_rule_evaluation_failures_total', {
          ...PROMETHEUS_0,
          rule_group: '/etc/prometheus/rules/gpu.yml;gpu.alerts',
        }),
        values: '0+15x10',
      },
      {
        series: series('prometheus_rule_evaluation_failures_total', {
          ...PROMETHEUS_0,
          rule_group: '/etc/prometheus/rules/node.yml;node.alerts',
        }),
        values: '0+30x10',
      },
      ...[0, 1].flatMap((i) => [
        { series: series('prometheus_notifications_sent_total', { ...PROMETHEUS_0, alertmanager: AM_URL(i) }), values: '0+60x10' },
        { series: series('prometheus_notifications_errors_total', { ...PROMETHEUS_0, alertmanager: AM_URL(i) }), values: '0+15x10' },
      ]),
      // pagerduty: failures 0.25/s + 0.25/s of 1 + 1 + 2 sent per second, across reasons and replicas.
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_0, integration: 'pagerduty' }), values: '0+60x10' },
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_1, integration: 'pagerduty' }), values: '0+60x10' },
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_2, integration: 'pagerduty' }), values: '0+120x10' },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_0, integration: 'pagerduty', reason: 'serverError' }),
        values: '0+15x10',
      },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_1, integration: 'pagerduty', reason: 'clientError' }),
        values: '0+15x10',
      },
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_0, integration: 'slack' }), values: '0+60x10' },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_0, integration: 'slack', reason: 'serverError' }),
        values: '0x10',
      },
    ],
    expressions: [
      {
        expr: 'job:up:ratio',
        at: '10m',
        samples: [
          { labels: 'job:up:ratio{job="node-exporter"}', value: 0.75 },
          { labels: 'job:up:ratio{job="kubernetes-nodes"}', value: 1 },
        ],
      },
      {
        expr: 'job:up:sum',
        at: '10m',
        samples: [
          { labels: 'job:up:sum{job="node-exporter"}', value: 3 },
          { labels: 'job:up:sum{job="kubernetes-nodes"}', value: 2 },
        ],
      },
      {
        expr: 'job:up:count',
        at: '10m',
        samples: [
          { labels: 'job:up:count{job="node-exporter"}', value: 4 },
          { labels: 'job:up:count{job="kubernetes-nodes"}', value: 2 },
        ],
      },
      {
        expr: 'namespace_pod:prometheus_rule_evaluation_failures:rate5m',
        at: '10m',
        samples: [
          { labels: 'namespace_pod:prometheus_rule_evaluation_failures:rate5m{namespace="monitoring", pod="prometheus-0"}', value: 0.75 },
        ],
      },
      {
        expr: 'namespace_pod:prometheus_notifications_errors:ratio_rate5m',
        at: '10m',
        samples: [
          { labels: 'namespace_pod:prometheus_notifications_errors:ratio_rate5m{namespace="monitoring", pod="prometheus-0"}', value: 0.25 },
        ],
      },
      {
        expr: 'namespace_integration:alertmanager_notifications_failed:ratio_rate5m',
        at: '10m',
        samples: [
          {
            labels: 'namespace_integration:alertmanager_notifications_failed:ratio_rate5m{namespace="monitoring", integration="pagerduty"}',
            value: 0.125,
          },
          {
            labels: 'namespace_integration:alertmanager_notifications_failed:ratio_rate5m{namespace="monitoring", integration="slack"}',
            value: 0,
          },
        ],
      },
    ],
  },
];
