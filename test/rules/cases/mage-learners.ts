import { MAGE_LEARNER, MAGE_WORKER, series, type Labels } from './targets';
import type { RuleTestCase } from './types';

const warningP1 = { severity: 'warning', priority: 'P1', scope: 'pod' };
const warningP2 = { severity: 'warning', priority: 'P2', scope: 'pod' };

/** A second learner on another GPU node, and a third sharing the first one's node. */
const LEARNER_B = { ...MAGE_LEARNER, pod: 'mage-learner-1', instance: '10.0.2.8:9090', node: 'gpu-node-4' };
const LEARNER_C = { ...MAGE_LEARNER, pod: 'mage-learner-2', instance: '10.0.1.9:9090' };

const GIB = 1024 ** 3;

/** nvidia_gpu_memory_total_bytes of one GPU, with the labels the DCGM exporter's scrape job gives it. */
const gpuTotal = (node: string, gpu: string): string =>
  series('nvidia_gpu_memory_total_bytes', {
    job: 'dcgm-exporter',
    instance: `${node}:9400`,
    namespace: 'monitoring',
    pod: `dcgm-exporter-${node}`,
    container: 'dcgm-exporter',
    app: 'dcgm-exporter',
    node,
    gpu,
    UUID: `GPU-${node}-${gpu}`,
    Hostname: `dcgm-exporter-${node}`,
    modelName: 'NVIDIA A100-SXM4-80GB',
  });

const gpuUsed = (labels: Labels) => series('mage_gpu_memory_used_bytes', labels);
const checkpointErrors = (labels: Labels) => series('mage_errors_total', { ...labels, component: 'checkpointer', type: 'checkpoint_save' });

export const mageLearnersCases: readonly RuleTestCase[] = [
  {
    name: 'HighGPUMemoryUsage: 75 of 80 GiB for 5 minutes fires; 72 of 80 GiB (exactly 90 %) and a half-full neighbour do not',
    series: [
      { series: gpuTotal('gpu-node-3', '0'), values: `${80 * GIB}x10` },
      { series: gpuTotal('gpu-node-3', '1'), values: `${80 * GIB}x10` },
      { series: gpuTotal('gpu-node-4', '0'), values: `${80 * GIB}x10` },
      { series: gpuUsed(MAGE_LEARNER), values: `${75 * GIB}x10` },
      { series: gpuUsed(LEARNER_C), values: `${40 * GIB}x10` },
      { series: gpuUsed(LEARNER_B), values: `${72 * GIB}x10` },
    ],
    alerts: [
      { alert: 'HighGPUMemoryUsage', at: '4m', fires: [] },
      {
        alert: 'HighGPUMemoryUsage',
        at: '6m',
        fires: [
          {
            labels: { ...MAGE_LEARNER, ...warningP1 },
            summary: 'GPU memory of Mage learner mage-learner-0 is almost full',
            description:
              "Mage learner mage/mage-learner-0 uses 93.75% of its GPU's memory (above 90%); a larger batch will run out of memory.",
            dashboard: 'mage-training',
          },
        ],
      },
    ],
  },
  {
    name: 'HighGPUMemoryUsage: without DCGM data for the node there is nothing to compare with, so it stays silent',
    series: [{ series: gpuUsed(MAGE_LEARNER), values: `${79 * GIB}x10` }],
    alerts: [{ alert: 'HighGPUMemoryUsage', at: '8m', fires: [] }],
  },
  {
    name: 'TrainingLossDivergence: a loss rising 0.25 a minute fires; a rise of exactly 1.0 does not',
    series: [
      // Flat at 2 until 10m, then +0.25 a minute: more than 1.0 above the loss 10m earlier from 15m.
      { series: series('mage_training_loss', MAGE_LEARNER), values: '2x10 2.25+0.25x19' },
      // Jumps by exactly 1.0 at 11m.
      { series: series('mage_training_loss', LEARNER_B), values: '2x10 3x20' },
    ],
    alerts: [
      { alert: 'TrainingLossDivergence', at: '19m', fires: [] },
      {
        alert: 'TrainingLossDivergence',
        at: '21m',
        fires: [
          {
            // 4.75 at 21m against 2.25 at 11m.
            labels: { ...MAGE_LEARNER, ...warningP1 },
            summary: 'Training loss of Mage learner mage-learner-0 is diverging',
            description: 'The training loss of mage/mage-learner-0 rose by 2.50 within 10m (more than 1).',
            dashboard: 'mage-training',
          },
        ],
      },
    ],
  },
  {
    name: 'CheckpointFailures: one failed save fires at once and for 15 minutes; other error types do not',
    series: [
      { series: checkpointErrors(MAGE_LEARNER), values: '0x10 1x20' },
      { series: checkpointErrors(LEARNER_B), values: '0x30' },
      { series: series('mage_errors_total', { ...LEARNER_B, component: 'data_loader', type: 'timeout' }), values: '0+1x30' },
    ],
    alerts: [
      { alert: 'CheckpointFailures', at: '10m', fires: [] },
      {
        alert: 'CheckpointFailures',
        at: '20m',
        fires: [
          {
            labels: { ...MAGE_LEARNER, type: 'checkpoint_save', ...warningP2 },
            summary: 'Mage learner mage-learner-0 fails to save checkpoints',
            description: 'mage/mage-learner-0 failed to save 1 checkpoint(s) in the last 15m (more than 0).',
            dashboard: 'mage-training',
          },
        ],
      },
      // The failure at 11m has left the 15m window.
      { alert: 'CheckpointFailures', at: '27m', fires: [] },
    ],
  },
  {
    name: 'CheckpointsStale: no checkpoint for 2 hours fires; a learner saving every 30 minutes does not',
    series: [
      // One checkpoint a minute until 10m, then none.
      { series: series('mage_checkpoints_saved_total', MAGE_LEARNER), values: '0+1x10 10x150' },
      { series: series('mage_checkpoints_saved_total', LEARNER_C), values: '0x29 1x29 2x29 3x29 4x29 5x29' },
    ],
    alerts: [
      { alert: 'CheckpointsStale', at: '125m', fires: [] },
      {
        alert: 'CheckpointsStale',
        at: '135m',
        fires: [
          {
            labels: { ...MAGE_LEARNER, ...warningP1 },
            summary: 'Mage learner mage-learner-0 has not saved a checkpoint for too long',
            description:
              'mage/mage-learner-0 saved 0 checkpoints in the last 2h, the longest gap allowed; a crash now would lose at least 2h of training.',
            dashboard: 'mage-training',
          },
        ],
      },
    ],
  },
  {
    name: 'CheckpointsStale: a learner younger than 2 hours stays silent without a checkpoint, and fires once it is 2 hours old',
    series: [{ series: series('mage_checkpoints_saved_total', LEARNER_B), values: '0x130' }],
    alerts: [
      { alert: 'CheckpointsStale', at: '100m', fires: [] },
      {
        alert: 'CheckpointsStale',
        at: '125m',
        fires: [
          {
            labels: { ...LEARNER_B, ...warningP1 },
            summary: 'Mage learner mage-learner-1 has not saved a checkpoint for too long',
            description:
              'mage/mage-learner-1 saved 0 checkpoints in the last 2h, the longest gap allowed; a crash now would lose at least 2h of training.',
            dashboard: 'mage-training',
          },
        ],
      },
    ],
  },
  {
    name: 'mage-learners recording rules keep the fullest GPU per app and sum the learners throughput',
    series: [
      { series: gpuTotal('gpu-node-3', '0'), values: `${80 * GIB}x10` },
      { series: gpuTotal('gpu-node-4', '0'), values: `${40 * GIB}x10` },
      // 60 of 80 GiB = 0.75 and 20 of 40 GiB = 0.5.
      { series: gpuUsed(MAGE_LEARNER), values: `${60 * GIB}x10` },
      { series: gpuUsed(LEARNER_B), values: `${20 * GIB}x10` },
      // 300 and 150 samples a minute: 5/s + 2.5/s.
      { series: series('mage_samples_processed_total', MAGE_LEARNER), values: '0+300x10' },
      { series: series('mage_samples_processed_total', LEARNER_B), values: '0+150x10' },
      // 30 and 15 updates a minute: 0.5/s + 0.25/s.
      { series: series('mage_training_updates_total', MAGE_LEARNER), values: '0+30x10' },
      { series: series('mage_training_updates_total', LEARNER_B), values: '0+15x10' },
    ],
    expressions: [
      {
        expr: 'namespace_app:mage_gpu_memory_utilization:max_ratio',
        at: '10m',
        samples: [{ labels: 'namespace_app:mage_gpu_memory_utilization:max_ratio{namespace="mage", app="mage-learner"}', value: 0.75 }],
      },
      {
        expr: 'namespace_app:mage_samples_processed:rate5m',
        at: '10m',
        samples: [{ labels: 'namespace_app:mage_samples_processed:rate5m{namespace="mage", app="mage-learner"}', value: 7.5 }],
      },
      {
        expr: 'namespace_app:mage_training_updates:rate5m',
        at: '10m',
        samples: [{ labels: 'namespace_app:mage_training_updates:rate5m{namespace="mage", app="mage-learner"}', value: 0.75 }],
      },
    ],
  },
  {
    name: 'errors by component and type: learners and workers are recorded once each, under their own app',
    series: [
      // 7.5 and 15 failed saves a minute on two learners: 0.125/s + 0.25/s.
      { series: checkpointErrors(MAGE_LEARNER), values: '0+7.5x10' },
      { series: checkpointErrors(LEARNER_B), values: '0+15x10' },
      // 30 data-loader timeouts a minute: 0.5/s.
      { series: series('mage_errors_total', { ...LEARNER_B, component: 'data_loader', type: 'timeout' }), values: '0+30x10' },
      // A worker with the same component and type, 60 a minute: 1/s, kept apart by `app`.
      { series: series('mage_errors_total', { ...MAGE_WORKER, component: 'data_loader', type: 'timeout' }), values: '0+60x10' },
    ],
    expressions: [
      {
        expr: 'namespace_app_component_type:mage_errors:rate5m',
        at: '10m',
        samples: [
          {
            labels:
              'namespace_app_component_type:mage_errors:rate5m{namespace="mage", app="mage-learner", component="checkpointer", type="checkpoint_save"}',
            value: 0.375,
          },
          {
            labels:
              'namespace_app_component_type:mage_errors:rate5m{namespace="mage", app="mage-learner", component="data_loader", type="timeout"}',
            value: 0.5,
          },
          {
            labels:
              'namespace_app_component_type:mage_errors:rate5m{namespace="mage", app="mage-worker", component="data_loader", type="timeout"}',
            value: 1,
          },
        ],
      },
    ],
  },
];
