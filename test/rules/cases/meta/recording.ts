import { series } from '../targets';
import type { RuleTestCase } from '../types';
import { ALERTMANAGER_0, ALERTMANAGER_1, ALERTMANAGER_2, AM_URL, KUBELET, NODE_EXPORTER, PROMETHEUS_0, upSeries } from './fixtures';

export const recordingCases: readonly RuleTestCase[] = [
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
