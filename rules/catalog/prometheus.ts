import { PRIORITIES, SEVERITIES } from '../types';
import type { MetricDefinition } from './types';

// Names and labels as Prometheus 2.53 and Alertmanager 0.27 expose them on /metrics.

/** Metrics of Prometheus and Alertmanager about themselves and their targets. */
export const prometheusMetrics: readonly MetricDefinition[] = [
  { name: 'up', type: 'gauge', unit: 'none', source: 'prometheus', help: '1 when the last scrape of a target succeeded.' },
  {
    // Written by the rule evaluator, not scraped: one series per pending or firing alert, carrying the
    // alert's own labels (those of its expression plus severity, priority and scope).
    name: 'ALERTS',
    type: 'gauge',
    unit: 'none',
    source: 'prometheus',
    labels: ['alertname', 'alertstate', 'severity', 'priority', 'scope'],
    labelValues: { alertstate: ['pending', 'firing'], severity: SEVERITIES, priority: PRIORITIES, scope: ['pod', 'node'] },
    help: 'Always 1: an alert of this stack that is pending or firing (`alertstate`), with its labels.',
  },

  // Prometheus itself, scraped by job "prometheus".
  {
    name: 'prometheus_config_last_reload_successful',
    type: 'gauge',
    unit: 'none',
    source: 'prometheus',
    help: '1 when the last configuration reload succeeded, 0 when it failed.',
  },
  {
    name: 'prometheus_rule_evaluation_failures_total',
    type: 'counter',
    unit: 'errors',
    source: 'prometheus',
    labels: ['rule_group'],
    help: 'Rule evaluations that failed, per rule group (`<file>;<group>`).',
  },
  {
    name: 'prometheus_rule_group_iterations_missed_total',
    type: 'counter',
    unit: 'count',
    source: 'prometheus',
    labels: ['rule_group'],
    help: 'Rule group evaluations skipped because the previous one was still running.',
  },
  {
    name: 'prometheus_notifications_alertmanagers_discovered',
    type: 'gauge',
    unit: 'count',
    source: 'prometheus',
    help: 'Alertmanagers this Prometheus currently sends alerts to.',
  },
  {
    name: 'prometheus_notifications_sent_total',
    type: 'counter',
    unit: 'count',
    source: 'prometheus',
    labels: ['alertmanager'],
    help: 'Alerts sent to each Alertmanager, successfully or not.',
  },
  {
    name: 'prometheus_notifications_errors_total',
    type: 'counter',
    unit: 'errors',
    source: 'prometheus',
    labels: ['alertmanager'],
    help: 'Alerts that could not be sent to each Alertmanager (a subset of the sent ones).',
  },
  {
    name: 'prometheus_notifications_dropped_total',
    type: 'counter',
    unit: 'count',
    source: 'prometheus',
    help: 'Alerts dropped before reaching any Alertmanager: queue overflow or sending failed everywhere.',
  },
  {
    name: 'prometheus_tsdb_compactions_failed_total',
    type: 'counter',
    unit: 'errors',
    source: 'prometheus',
    help: 'TSDB block compactions that failed.',
  },
  {
    name: 'prometheus_tsdb_reloads_failures_total',
    type: 'counter',
    unit: 'errors',
    source: 'prometheus',
    help: 'Reloads of the TSDB blocks from disk that failed.',
  },

  // Alertmanager, scraped by job "alertmanager". MetricSource has no 'alertmanager': 'prometheus'
  // stands for the monitoring stack's own components.
  {
    name: 'alertmanager_config_last_reload_successful',
    type: 'gauge',
    unit: 'none',
    source: 'prometheus',
    help: '1 when the last Alertmanager configuration reload succeeded, 0 when it failed.',
  },
  {
    name: 'alertmanager_cluster_members',
    type: 'gauge',
    unit: 'count',
    source: 'prometheus',
    help: 'Alertmanager peers this replica sees in its gossip cluster, itself included.',
  },
  {
    name: 'alertmanager_notifications_total',
    type: 'counter',
    unit: 'count',
    source: 'prometheus',
    labels: ['integration'],
    help: 'Notification attempts per integration (pagerduty, email, slack, webhook).',
  },
  {
    name: 'alertmanager_notifications_failed_total',
    type: 'counter',
    unit: 'errors',
    source: 'prometheus',
    labels: ['integration', 'reason'],
    help: 'Notification attempts that failed, per integration and (since Alertmanager 0.26) reason.',
  },
];
