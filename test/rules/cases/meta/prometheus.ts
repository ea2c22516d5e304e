import { series } from '../targets';
import type { RuleTestCase } from '../types';
import { AM_URL, critical, PROMETHEUS_0, PROMETHEUS_1, warningP1, warningP2, warningP3 } from './fixtures';

export const prometheusCases: readonly RuleTestCase[] = [
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
];
