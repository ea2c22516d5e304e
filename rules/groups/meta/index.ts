import type { RuleGroup } from '../../types';
import { alertmanagerGroup } from './alertmanager';
import { amJob, promJob } from './matchers';
import { prometheusGroup } from './prometheus';
import { targetsGroup } from './targets';

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
        expr: `sum by (namespace, pod) (rate(prometheus_rule_evaluation_failures_total{${promJob}}[5m]))`,
      },
      {
        record: 'namespace_pod:prometheus_notifications_errors:ratio_rate5m',
        expr: `sum by (namespace, pod) (rate(prometheus_notifications_errors_total{${promJob}}[5m])) / sum by (namespace, pod) (rate(prometheus_notifications_sent_total{${promJob}}[5m]))`,
      },
      {
        record: 'namespace_integration:alertmanager_notifications_failed:ratio_rate5m',
        expr: `sum by (namespace, integration) (rate(alertmanager_notifications_failed_total{${amJob}}[5m])) / sum by (namespace, integration) (rate(alertmanager_notifications_total{${amJob}}[5m]))`,
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
  targetsGroup,
  prometheusGroup,
  alertmanagerGroup,
];
