import { series, type Labels } from './targets';
import type { RuleTestCase } from './types';

// A counter counts as new only when its node's Fluent Bit was scraped in the hour before the window:
// the cases that expect a new counter to fire give that node an `up` series from the start.

/** The Fluent Bit pod of each node: it reads the logs of the pods on that node. */
const FLUENT_BIT_IP: Readonly<Record<string, string>> = {
  'gpu-node-1': '10.0.4.21',
  'gpu-node-2': '10.0.4.22',
  'gpu-node-3': '10.0.4.23',
  'cpu-node-1': '10.0.1.21',
};

/** A pod whose logs Fluent Bit counts: the labels a log-derived alert carries. */
const logged = (namespace: string, app: string, pod: string, node: string): Labels => ({ namespace, app, pod, container: app, node });
const TRAINER_0 = logged('moe-lab', 'moe-trainer', 'moe-trainer-0', 'gpu-node-1');
const TRAINER_1 = logged('moe-lab', 'moe-trainer', 'moe-trainer-1', 'gpu-node-2');
const INFERENCE_0 = logged('moe-lab', 'moe-inference', 'moe-inference-7d9f', 'gpu-node-2');
const INFERENCE_1 = logged('moe-lab', 'moe-inference', 'moe-inference-8c2a', 'gpu-node-3');
const WORKER_3 = logged('mage', 'mage-worker', 'mage-worker-3', 'cpu-node-1');
const WORKER_4 = logged('mage', 'mage-worker', 'mage-worker-4', 'cpu-node-1');
const LEARNER_0 = logged('mage', 'mage-learner', 'mage-learner-0', 'gpu-node-3');

/**
 * A log counter as Prometheus stores it: Fluent Bit's target labels (job, instance, service, node), with the
 * namespace/pod/container/app of the pod that logged the lines (honor_labels).
 */
const counter = (name: string, pod: Labels) =>
  series(`log_metric_counter_${name}`, { job: 'fluent-bit', instance: `${FLUENT_BIT_IP[pod.node]}:2020`, service: 'fluent-bit', ...pod });

/** Fluent Bit of `node` scraped from the start: a counter appearing later is one it has just created. */
const watched = (node: string, values = '1x150') => ({
  series: series('up', { job: 'fluent-bit', instance: `${FLUENT_BIT_IP[node]}:2020`, service: 'fluent-bit', node }),
  values,
});

const critical = { severity: 'critical', priority: 'P1', scope: 'pod' };
const warningP1 = { severity: 'warning', priority: 'P1', scope: 'pod' };
const warningP2 = { severity: 'warning', priority: 'P2', scope: 'pod' };

const nanFires = {
  labels: { ...TRAINER_0, ...critical },
  summary: 'Training loss of moe-trainer-0 is NaN or infinite',
  description:
    'moe-lab/moe-trainer-0 (moe-trainer) logged 1 line(s) matching "Loss NaN / inf" in the last 15m; the run has diverged, and every further step wastes its GPUs.',
  dashboard: 'training' as const,
};

/** One-off lines: fire at the first one, whether it creates the counter or raises it, and stay for 15m. */
const oneOffCases: RuleTestCase[] = [
  {
    name: 'TrainingLossNaNInLogs: the first NaN line, which creates its counter at 1, fires at once; a counter of old lines does not',
    series: [
      // No series until the first matching line at 30m: increase() would never see that line.
      { series: counter('training_loss_not_finite_total', TRAINER_0), values: '_x30 1x30' },
      // Three NaN lines counted more than 15 minutes ago, none since.
      { series: counter('training_loss_not_finite_total', TRAINER_1), values: '3x60' },
      watched('gpu-node-1'),
      watched('gpu-node-2'),
    ],
    alerts: [
      { alert: 'TrainingLossNaNInLogs', at: '29m', fires: [] },
      { alert: 'TrainingLossNaNInLogs', at: '30m', fires: [nanFires] },
      { alert: 'TrainingLossNaNInLogs', at: '44m', fires: [nanFires] },
      // 15 minutes after the line, with no other since.
      { alert: 'TrainingLossNaNInLogs', at: '46m', fires: [] },
    ],
  },
  {
    name: 'TrainingLossNaNInLogs: a 10-minute scrape gap does not make an old counter look new',
    // Samples until 20m, none from 21m to 30m (Prometheus restarting), then the same value again.
    series: [
      { series: counter('training_loss_not_finite_total', TRAINER_0), values: '1x20 _x10 1x20' },
      watched('gpu-node-1', '1x20 _x10 1x20'),
    ],
    alerts: [
      { alert: 'TrainingLossNaNInLogs', at: '31m', fires: [] },
      { alert: 'TrainingLossNaNInLogs', at: '42m', fires: [] },
    ],
  },
  {
    name: 'TrainingLossNaNInLogs: after a 2-hour Prometheus outage an old counter does not look new',
    series: [
      { series: counter('training_loss_not_finite_total', TRAINER_0), values: '3x10 _x120 3x30' },
      watched('gpu-node-1', '1x10 _x120 1x30'),
    ],
    alerts: ['131m', '140m', '150m'].map((at) => ({ alert: 'TrainingLossNaNInLogs', at, fires: [] })),
  },
  {
    // On the first install Fluent Bit reads the kubelet's existing logs from the start: their counters
    // appear with its first scrape, and are not news.
    name: 'TrainingLossNaNInLogs: counters of old lines that appear with Fluent Bit’s first scrape do not fire',
    series: [{ series: counter('training_loss_not_finite_total', TRAINER_0), values: '3x40' }, watched('gpu-node-1', '1x40')],
    alerts: ['0m', '5m', '14m', '16m', '30m'].map((at) => ({ alert: 'TrainingLossNaNInLogs', at, fires: [] })),
  },
  {
    name: 'TrainingLossNaNInLogs: after Fluent Bit restarts, the recreated counter (1, below the old 5) fires',
    series: [{ series: counter('training_loss_not_finite_total', TRAINER_0), values: '5x10 stale _x4 1x20' }, watched('gpu-node-1')],
    alerts: [
      { alert: 'TrainingLossNaNInLogs', at: '15m', fires: [] },
      { alert: 'TrainingLossNaNInLogs', at: '16m', fires: [nanFires] },
    ],
  },
  {
    name: 'CudaOutOfMemoryInLogs: a new OOM line on a counter at 2 fires with the one new line',
    series: [
      { series: counter('gpu_out_of_memory_total', INFERENCE_0), values: '2x19 3x20' },
      { series: counter('gpu_out_of_memory_total', INFERENCE_1), values: '2x40' },
    ],
    alerts: [
      { alert: 'CudaOutOfMemoryInLogs', at: '19m', fires: [] },
      {
        alert: 'CudaOutOfMemoryInLogs',
        at: '20m',
        fires: [
          {
            labels: { ...INFERENCE_0, ...warningP2 },
            summary: 'moe-inference-7d9f ran out of GPU memory',
            description:
              'moe-lab/moe-inference-7d9f (moe-inference) logged 1 line(s) matching "CUDA out of memory" in the last 15m; the step or request that hit it failed, and a trainer restarts from its last checkpoint.',
            dashboard: 'training',
          },
        ],
      },
    ],
  },
  {
    name: 'NcclErrorsInLogs: the first NCCL WARN of a rank fires at once',
    series: [{ series: counter('nccl_errors_total', TRAINER_1), values: '_x20 1x20' }, watched('gpu-node-2')],
    alerts: [
      { alert: 'NcclErrorsInLogs', at: '19m', fires: [] },
      {
        alert: 'NcclErrorsInLogs',
        at: '20m',
        fires: [
          {
            labels: { ...TRAINER_1, ...warningP1 },
            summary: 'NCCL errors in the logs of moe-trainer-1',
            description:
              'moe-lab/moe-trainer-1 (moe-trainer) logged 1 line(s) matching "NCCL errors" in the last 15m; a failed collective stalls every rank of the job until the NCCL watchdog aborts it.',
            dashboard: 'training',
          },
        ],
      },
    ],
  },
  {
    name: 'CheckpointFailuresInLogs: a failed save fires at once and stays for 15 minutes',
    // Two failures counted long ago, a third at 21m.
    series: [{ series: counter('checkpoint_failures_total', LEARNER_0), values: '2x20 3x30' }],
    alerts: [
      { alert: 'CheckpointFailuresInLogs', at: '20m', fires: [] },
      ...['21m', '35m'].map((at) => ({
        alert: 'CheckpointFailuresInLogs',
        at,
        fires: [
          {
            labels: { ...LEARNER_0, ...warningP2 },
            summary: 'mage-learner-0 failed to save or load a checkpoint',
            description:
              'mage/mage-learner-0 (mage-learner) logged 1 line(s) matching "Checkpoint failures" in the last 15m; a crash now would lose the training since the last good checkpoint.',
            dashboard: 'training' as const,
          },
        ],
      })),
      { alert: 'CheckpointFailuresInLogs', at: '37m', fires: [] },
    ],
  },
];

/** Lines that are noise once: they must recur in every 5-minute window for the alert's `for`. */
const recurringCases: RuleTestCase[] = [
  {
    name: 'ExpertRoutingErrorsInLogs: a line every minute fires after 15 minutes; a single line never does',
    series: [
      // From 10m a line a minute on trainer 0; a single line on trainer 1 at 13m.
      { series: counter('expert_routing_errors_total', TRAINER_0), values: '_x10 1+1x30' },
      { series: counter('expert_routing_errors_total', TRAINER_1), values: '_x13 1x30' },
      watched('gpu-node-1'),
      watched('gpu-node-2'),
    ],
    alerts: [
      { alert: 'ExpertRoutingErrorsInLogs', at: '24m', fires: [] },
      {
        alert: 'ExpertRoutingErrorsInLogs',
        at: '26m',
        fires: [
          {
            labels: { ...TRAINER_0, ...warningP2 },
            summary: 'Expert overflow or routing failures keep appearing in the logs of moe-trainer-0',
            description:
              'moe-lab/moe-trainer-0 (moe-trainer) logged 5 line(s) matching "Expert overflow / routing failed" in the last 5m (and has kept logging them for 15m); overflowing experts drop tokens, so the model learns from less of its data.',
            dashboard: 'training',
          },
        ],
      },
    ],
  },
  {
    name: 'PythonBridgeErrorsInLogs: bridge errors every minute fire after 10 minutes; a single one never does',
    series: [
      { series: counter('python_bridge_errors_total', WORKER_3), values: '_x10 1+1x30' },
      { series: counter('python_bridge_errors_total', WORKER_4), values: '_x13 1x30' },
      watched('cpu-node-1'),
    ],
    alerts: [
      { alert: 'PythonBridgeErrorsInLogs', at: '19m', fires: [] },
      {
        alert: 'PythonBridgeErrorsInLogs',
        at: '21m',
        fires: [
          {
            labels: { ...WORKER_3, ...warningP2 },
            summary: 'The Java↔Python bridge of mage-worker-3 keeps failing, per its logs',
            description:
              'mage/mage-worker-3 (mage-worker) logged 5 line(s) matching "Java↔Python bridge errors" in the last 5m (and has kept logging them for 10m); every failure loses the episode in flight.',
            dashboard: 'mage-training',
          },
        ],
      },
    ],
  },
  {
    name: 'ErrorLogRateHigh: 80 ERROR lines a minute over two pods of an app fire after 15 minutes; exactly 1 per second does not',
    series: [
      { series: counter('error_lines_total', INFERENCE_0), values: '40+40x30' },
      { series: counter('error_lines_total', INFERENCE_1), values: '40+40x30' },
      { series: counter('error_lines_total', WORKER_3), values: '60+60x30' },
    ],
    alerts: [
      // Counted from 5m, when the counters have a value 5 minutes back: 400 lines in 5m, so firing from 20m.
      { alert: 'ErrorLogRateHigh', at: '19m', fires: [] },
      {
        alert: 'ErrorLogRateHigh',
        at: '21m',
        fires: [
          {
            labels: { namespace: 'moe-lab', app: 'moe-inference', severity: 'warning', priority: 'P3' },
            summary: 'moe-inference logs many ERROR lines',
            description: 'The pods of moe-lab/moe-inference logged 1.33 ERROR lines per second over the last 5m (above 1), for 15 minutes.',
            dashboard: 'training',
          },
        ],
      },
    ],
  },
];

/** Fluent Bit's own output counters: target labels of its pod, plus the output instance (`name`). */
const fluentBitOutput = (metric: string, pod: string, node: string) =>
  series(metric, {
    job: 'fluent-bit',
    instance: `${FLUENT_BIT_IP[node]}:2020`,
    service: 'fluent-bit',
    namespace: 'monitoring',
    pod,
    container: 'fluent-bit',
    node,
    app: 'fluent-bit',
    name: 'loki',
  });

/** The labels an alert on the Loki output of the Fluent Bit on gpu-node-1 carries: its series' own, plus severity and priority. */
const GPU_1_LOKI_OUTPUT = {
  job: 'fluent-bit',
  instance: '10.0.4.21:2020',
  service: 'fluent-bit',
  namespace: 'monitoring',
  pod: 'fluent-bit-x7k2p',
  container: 'fluent-bit',
  node: 'gpu-node-1',
  app: 'fluent-bit',
  name: 'loki',
  severity: 'warning',
  priority: 'P2',
};

const fluentBitCases: RuleTestCase[] = [
  {
    name: 'FluentBitDroppingLogs: records dropped on one node fire at once; a Fluent Bit dropping none does not',
    series: [
      { series: fluentBitOutput('fluentbit_output_dropped_records_total', 'fluent-bit-x7k2p', 'gpu-node-1'), values: '0x10 50+50x10' },
      { series: fluentBitOutput('fluentbit_output_dropped_records_total', 'fluent-bit-m2q8d', 'cpu-node-1'), values: '0x20' },
    ],
    alerts: [
      { alert: 'FluentBitDroppingLogs', at: '10m', fires: [] },
      {
        alert: 'FluentBitDroppingLogs',
        at: '12m',
        fires: [
          {
            labels: GPU_1_LOKI_OUTPUT,
            summary: 'Fluent Bit fluent-bit-x7k2p is dropping log records',
            // 0 at 2m, 100 at 12m: the window holds exactly 10 minutes of samples, nothing to extrapolate.
            description:
              'Fluent Bit monitoring/fluent-bit-x7k2p on gpu-node-1 dropped about 100 records bound for output loki in the last 10m; those lines never reach Loki.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'FluentBitOutputRetrying: retries in every window for 15 minutes fire; a few minutes of retries (a Loki restart) do not',
    series: [
      { series: fluentBitOutput('fluentbit_output_retries_total', 'fluent-bit-x7k2p', 'gpu-node-1'), values: '0+2x30' },
      { series: fluentBitOutput('fluentbit_output_retries_total', 'fluent-bit-m2q8d', 'cpu-node-1'), values: '0x5 3+3x2 9x20' },
    ],
    alerts: [
      // Retrying from 1m, the first evaluation with two samples.
      { alert: 'FluentBitOutputRetrying', at: '15m', fires: [] },
      {
        alert: 'FluentBitOutputRetrying',
        at: '17m',
        fires: [
          {
            labels: GPU_1_LOKI_OUTPUT,
            summary: 'Fluent Bit fluent-bit-x7k2p keeps retrying output loki',
            description:
              "Fluent Bit monitoring/fluent-bit-x7k2p on gpu-node-1 retried about 10 chunks for output loki in the last 5m, and has kept retrying for 15m; its lines are late and pile up in the node's buffer, whose oldest chunks are dropped once it is full.",
            dashboard: 'system',
          },
        ],
      },
    ],
  },
];

export const logCases: readonly RuleTestCase[] = [...oneOffCases, ...recurringCases, ...fluentBitCases];
