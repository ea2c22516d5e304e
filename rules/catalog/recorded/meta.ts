import type { MetricDefinition } from '../types';

/** Series the meta rules record, with their unit and the metrics they are computed from. */
export const metaRecorded: readonly MetricDefinition[] = [
  {
    name: 'job:up:ratio',
    type: 'gauge',
    unit: 'ratio',
    source: 'recording-rule',
    recordedFrom: ['up'],
    help: 'Share of the targets of each scrape job whose last scrape succeeded, 0–1.',
  },
  {
    name: 'job:up:sum',
    type: 'gauge',
    unit: 'count',
    source: 'recording-rule',
    recordedFrom: ['up'],
    help: 'Targets of each scrape job whose last scrape succeeded.',
  },
  {
    name: 'job:up:count',
    type: 'gauge',
    unit: 'count',
    source: 'recording-rule',
    recordedFrom: ['up'],
    help: 'Targets each scrape job discovers, up or down.',
  },
  {
    name: 'namespace_pod:prometheus_rule_evaluation_failures:rate5m',
    type: 'gauge',
    unit: 'errors',
    source: 'recording-rule',
    recordedFrom: ['prometheus_rule_evaluation_failures_total'],
    help: 'Failed rule evaluations per second of each Prometheus replica, over 5 minutes.',
  },
  {
    name: 'namespace_pod:prometheus_notifications_errors:ratio_rate5m',
    type: 'gauge',
    unit: 'ratio',
    source: 'recording-rule',
    recordedFrom: ['prometheus_notifications_errors_total', 'prometheus_notifications_sent_total'],
    help: 'Share of the alerts each Prometheus replica failed to send to Alertmanager over 5 minutes, 0–1.',
  },
  {
    name: 'namespace_integration:alertmanager_notifications_failed:ratio_rate5m',
    type: 'gauge',
    unit: 'ratio',
    source: 'recording-rule',
    recordedFrom: ['alertmanager_notifications_failed_total', 'alertmanager_notifications_total'],
    help: 'Share of notifications per integration that failed over 5 minutes, across the Alertmanager cluster, 0–1.',
  },
];
