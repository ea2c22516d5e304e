import type { RuleTestCase } from '../types';
import {
  ALERTMANAGER,
  CADVISOR,
  critical,
  DCGM,
  FLUENT_BIT,
  GRAFANA,
  JAEGER,
  KSM,
  KUBELET,
  kubeletTarget,
  LOKI,
  NODE_EXPORTER,
  PROMETHEUS,
  PROMETHEUS_0,
  PROMETHEUS_1,
  TRAINER_POD,
  upSeries,
  warningP1,
  warningP2,
  warningP3,
} from './fixtures';

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
  {
    alert: 'GrafanaDown',
    job: 'grafana',
    targets: GRAFANA,
    labels: warningP2,
    summary: 'Prometheus cannot scrape any Grafana target',
    undiscovered:
      'No Grafana target has been up for 10m (0 discovered); dashboards are unavailable, while alerts and notifications still flow.',
  },
  {
    alert: 'FluentBitDown',
    job: 'fluent-bit',
    targets: FLUENT_BIT,
    labels: warningP1,
    summary: 'Prometheus cannot scrape any Fluent Bit target',
    undiscovered:
      'No Fluent Bit target has been up for 10m (0 discovered); no new logs reach Loki and the log-derived alerts (NaN loss, CUDA OOM, NCCL errors, …) cannot fire.',
  },
  {
    alert: 'LokiDown',
    job: 'loki',
    targets: LOKI,
    labels: warningP2,
    summary: 'Prometheus cannot scrape any Loki target',
    undiscovered:
      'No Loki target has been up for 10m (0 discovered); logs cannot be searched, and Fluent Bit buffers them on the nodes until its buffer is full.',
  },
  {
    alert: 'JaegerDown',
    job: 'jaeger',
    targets: JAEGER,
    labels: warningP3,
    summary: 'Prometheus cannot scrape any Jaeger target',
    undiscovered:
      'No Jaeger target has been up for 10m (0 discovered); traces are neither collected nor searchable (the spans sent meanwhile are lost).',
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

/** TargetDown and the down alert of every scrape job. */
export const targetCases: readonly RuleTestCase[] = [
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
    name: 'FluentBitDown: the Fluent Bit of one node down is left to TargetDown',
    series: [...upSeries([FLUENT_BIT[0]], '1x20'), ...upSeries([FLUENT_BIT[1]], '0x20')],
    alerts: [
      { alert: 'FluentBitDown', at: '11m', fires: [] },
      {
        alert: 'TargetDown',
        at: '11m',
        fires: [
          {
            labels: { job: 'fluent-bit', namespace: 'monitoring', ...warningP2 },
            summary: 'Some fluent-bit targets are down',
            description:
              '50.0% of the fluent-bit targets in namespace monitoring are down (above 10%); their metrics and alerts are missing.',
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
];
