import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { JOBS } from '../../contracts/jobs';
import { LOGS, META } from '../../rules/thresholds';
import { timeseriesPanel, type Threshold } from './panels';
import { filters, selector } from './variables';

// The monitoring pipeline serves every namespace: when Prometheus or Alertmanager breaks, the
// selected pods' alerts are lost too. So these panels follow the cluster only, not the namespace,
// node or pod selection of the dashboard they sit on.
const prometheus = (metric: string) => selector(metric, `job="${JOBS.prometheus}"`, ...filters('cluster'));
const alertmanager = (metric: string) => selector(metric, `job="${JOBS.alertmanager}"`, ...filters('cluster'));
const fluentBit = (metric: string) => selector(metric, `job="${JOBS.fluentBit}"`, ...filters('cluster'));
const recorded = (metric: string) => selector(metric, ...filters('cluster'));
// `cluster` kept: after federation every cluster has its own prometheus-0, which must not hide another's.
const byPod = (expr: string) => `max by (cluster, namespace, pod) (${expr})`;
const rate5m = (series: string) => `rate(${series}[5m])`;

const podLegend = '{{pod}}';
// A failed reload reads 0; the alerts fire after 10 minutes of it.
const reloadFailed: Threshold = { value: 1, bad: 'below' };
// increase() of a counter that moved at all is at least 1, so "1 or more" is the alert's "> 0".
const anyLoss: Threshold = { value: 1, bad: 'above' };
const increaseWithin = (metric: string, window: string) =>
  `max by (cluster, namespace, pod, name) (increase(${fluentBit(metric)}[${window}]))`;

/**
 * Panels for the alerts on Prometheus and Alertmanager themselves (rules/groups/meta/): configuration,
 * rule evaluation, alert delivery, Alertmanager clustering and notifications, TSDB maintenance; and
 * Fluent Bit, whose lost records are log lines missing from Loki (the log-derived counters are
 * counted before the output and keep them).
 */
export function monitoringPipelinePanels(): timeseries.PanelBuilder[] {
  return [
    timeseriesPanel({
      title: 'Configuration reload succeeded',
      description:
        'Per Prometheus and Alertmanager replica: 1 when the last configuration reload succeeded, 0 when it failed and the replica runs on its previous configuration. PrometheusBadConfig and AlertmanagerFailedReload fire once it has been 0 for a 5-minute window and then 10 minutes more.',
      unit: 'none',
      queries: [
        { expr: byPod(prometheus('prometheus_config_last_reload_successful')), legend: podLegend },
        { expr: byPod(alertmanager('alertmanager_config_last_reload_successful')), legend: podLegend },
      ],
      threshold: reloadFailed,
      width: 8,
      min: 0,
      max: 1,
    }),
    timeseriesPanel({
      title: 'Rule evaluation failures and misses',
      description:
        'Rule evaluations per second that failed, and rule group evaluations skipped because the previous one was still running, per Prometheus replica. Any failure for 10 minutes fires PrometheusRuleFailures; any miss for 15 minutes, PrometheusMissingRuleEvaluations.',
      unit: 'errors_per_second',
      queries: [
        { expr: byPod(recorded('namespace_pod:prometheus_rule_evaluation_failures:rate5m')), legend: `${podLegend} failed` },
        {
          expr: `sum by (cluster, namespace, pod) (rate(${prometheus('prometheus_rule_group_iterations_missed_total')}[5m]))`,
          legend: `${podLegend} missed`,
        },
      ],
      width: 8,
      min: 0,
    }),
    timeseriesPanel({
      title: 'Alerts failing to reach Alertmanager',
      description: `Share of the alerts each Prometheus replica failed to send, over 5 minutes. Above ${META.maxAlertSendErrorPercent} % towards one Alertmanager PrometheusErrorSendingAlertsToSomeAlertmanagers fires (orange); above ${META.maxAlertSendErrorPercentToAll} % towards every one, PrometheusErrorSendingAlertsToAnyAlertmanager (red).`,
      unit: 'ratio',
      // Per Alertmanager, as the alert judges it: one failing peer among three would average below the line.
      queries: [
        {
          expr: `max by (cluster, namespace, pod, alertmanager) (${rate5m(prometheus('prometheus_notifications_errors_total'))} / ${rate5m(prometheus('prometheus_notifications_sent_total'))})`,
          legend: `${podLegend} → {{alertmanager}}`,
        },
      ],
      // Orange where one Alertmanager's alert fires, red where the alert for all of them would.
      threshold: { value: META.maxAlertSendErrorPercent / 100, bad: 'above', critical: META.maxAlertSendErrorPercentToAll / 100 },
      width: 8,
      min: 0,
    }),
    timeseriesPanel({
      title: 'Alertmanagers discovered and cluster members',
      description:
        'Alertmanagers each Prometheus sends to (PrometheusNotConnectedToAlertmanagers fires once it has been 0 for a 5-minute window and then 10 minutes more), and the peers each Alertmanager sees in its cluster (AlertmanagerMembersInconsistent fires when one sees fewer than are scraped).',
      unit: 'count',
      queries: [
        {
          expr: `min by (cluster, namespace, pod) (${prometheus('prometheus_notifications_alertmanagers_discovered')})`,
          legend: `${podLegend} sends to`,
        },
        { expr: `min by (cluster, namespace, pod) (${alertmanager('alertmanager_cluster_members')})`, legend: `${podLegend} sees` },
      ],
      width: 8,
      min: 0,
    }),
    timeseriesPanel({
      title: 'Notifications failing',
      description: `Share of notification attempts per Alertmanager replica and integration (pager, e-mail, chat, webhook) that failed over 5 minutes. Above ${META.maxNotificationFailurePercent} % AlertmanagerFailedToSendAlerts fires for a replica, and AlertmanagerClusterFailedToSendAlerts when every replica fails.`,
      unit: 'ratio',
      queries: [
        {
          // Per replica, as AlertmanagerFailedToSendAlerts judges it; a cluster-wide ratio would dilute one failing replica.
          expr: `max by (cluster, namespace, pod, integration) (sum without (reason) (${rate5m(alertmanager('alertmanager_notifications_failed_total'))}) / sum without (reason) (${rate5m(alertmanager('alertmanager_notifications_total'))}))`,
          legend: `${podLegend} {{integration}}`,
        },
      ],
      threshold: { value: META.maxNotificationFailurePercent / 100, bad: 'above' },
      width: 8,
      min: 0,
    }),
    timeseriesPanel({
      title: 'Alerts dropped and TSDB failures',
      description:
        'Alerts dropped before reaching any Alertmanager over 5 minutes (PrometheusNotificationsDropped fires when drops continue for 5 minutes), and failed TSDB compactions and block reloads over 3 hours, the compaction cycle (PrometheusTSDBCompactionsFailing and PrometheusTSDBReloadsFailing fire on any lasting 4 hours).',
      unit: 'count',
      queries: [
        { expr: byPod(`increase(${prometheus('prometheus_notifications_dropped_total')}[5m])`), legend: `${podLegend} dropped` },
        {
          expr: byPod(`increase(${prometheus('prometheus_tsdb_compactions_failed_total')}[3h])`),
          legend: `${podLegend} compactions failed`,
        },
        { expr: byPod(`increase(${prometheus('prometheus_tsdb_reloads_failures_total')}[3h])`), legend: `${podLegend} reloads failed` },
      ],
      width: 8,
      min: 0,
    }),
    timeseriesPanel({
      title: 'Log records lost or held back by Fluent Bit',
      description: `Records each Fluent Bit output dropped (refused by Loki) within ${LOGS.droppedRecordsWindow}, and its retries within ${LOGS.outputRetryWindow}, per Fluent Bit pod and output. From 1 dropped record FluentBitDroppingLogs fires: those lines are missing from Loki. Retries that go on for ${LOGS.outputRetryingFor} fire FluentBitOutputRetrying: the node's disk buffer fills, and once full its oldest chunks are deleted without being counted.`,
      unit: 'count',
      queries: [
        {
          expr: increaseWithin('fluentbit_output_dropped_records_total', LOGS.droppedRecordsWindow),
          legend: `${podLegend} {{name}} dropped`,
        },
        { expr: increaseWithin('fluentbit_output_retries_total', LOGS.outputRetryWindow), legend: `${podLegend} {{name}} retries` },
      ],
      threshold: anyLoss,
      width: 8,
      min: 0,
    }),
  ];
}
