import { APPS } from '../../contracts/jobs';
import { MAGE } from '../thresholds';
import type { RuleGroup } from '../types';

const learner = `app="${APPS.mageLearner}"`;

/**
 * Learner GPU memory as a ratio of the GPU's framebuffer. DCGM reports the total per GPU and the
 * learner reports its usage per pod, and the only label both carry is `node`, so the learner is
 * compared with the largest GPU of its node. This assumes one GPU per learner and one GPU model per
 * node (true for our node groups); on a mixed node the ratio would read low.
 */
const learnerGpuMemoryRatio = `mage_gpu_memory_used_bytes{${learner}} / on (node) group_left () max by (node) (nvidia_gpu_memory_total_bytes)`;

/** The Mage GPU learners: GPU memory, loss, throughput and checkpoints. */
export const mageLearnersGroups: readonly RuleGroup[] = [
  {
    name: 'mage-learners.recording',
    file: 'mage-learners',
    rules: [
      {
        record: 'namespace_app:mage_gpu_memory_utilization:max_ratio',
        expr: `max by (namespace, app) (${learnerGpuMemoryRatio})`,
      },
      {
        record: 'namespace_app:mage_samples_processed:rate5m',
        expr: `sum by (namespace, app) (rate(mage_samples_processed_total{${learner}}[5m]))`,
      },
      {
        record: 'namespace_app:mage_training_updates:rate5m',
        expr: `sum by (namespace, app) (rate(mage_training_updates_total{${learner}}[5m]))`,
      },
      {
        // The workers' group records the same name for its app (catalogued there).
        record: 'namespace_app_component_type:mage_errors:rate5m',
        expr: `sum by (namespace, app, component, type) (rate(mage_errors_total{${learner}}[5m]))`,
      },
    ],
  },
  {
    name: 'mage-learners.alerts',
    file: 'mage-learners',
    rules: [
      {
        alert: 'HighGPUMemoryUsage',
        expr: `${learnerGpuMemoryRatio} > ${MAGE.maxLearnerGpuMemoryRatio}`,
        for: '5m',
        severity: 'warning',
        priority: 'P1',
        scope: 'pod',
        dashboard: 'mage-training',
        summary: 'GPU memory of Mage learner {{ $labels.pod }} is almost full',
        description: `Mage learner {{ $labels.namespace }}/{{ $labels.pod }} uses {{ $value | humanizePercentage }} of its GPU's memory (above ${MAGE.maxLearnerGpuMemoryRatio * 100}%); a larger batch will run out of memory.`,
      },
      {
        // The loss now against the loss one window ago; `for` makes a single noisy spike not count.
        // A learner younger than the window has no earlier sample and cannot fire.
        alert: 'TrainingLossDivergence',
        expr: `mage_training_loss{${learner}} - mage_training_loss{${learner}} offset ${MAGE.lossDivergenceWindow} > ${MAGE.maxLossIncrease}`,
        for: '5m',
        severity: 'warning',
        priority: 'P1',
        scope: 'pod',
        dashboard: 'mage-training',
        summary: 'Training loss of Mage learner {{ $labels.pod }} is diverging',
        description: `The training loss of {{ $labels.namespace }}/{{ $labels.pod }} rose by {{ $value | printf "%.2f" }} within ${MAGE.lossDivergenceWindow} (more than ${MAGE.maxLossIncrease}).`,
      },
      {
        // Any failed save fires at once and stays for the window. A counter series that is born at 1
        // rather than 0 hides its first failure from increase(); the learner should pre-set it to 0.
        alert: 'CheckpointFailures',
        expr: `sum without (component) (increase(mage_errors_total{${learner}, type="checkpoint_save"}[${MAGE.checkpointErrorWindow}])) > 0`,
        severity: 'warning',
        priority: 'P2',
        scope: 'pod',
        dashboard: 'mage-training',
        summary: 'Mage learner {{ $labels.pod }} fails to save checkpoints',
        description: `{{ $labels.namespace }}/{{ $labels.pod }} failed to save {{ $value | printf "%.0f" }} checkpoint(s) in the last ${MAGE.checkpointErrorWindow} (more than 0).`,
      },
      {
        // `and … offset` keeps learners younger than the window silent: they have no sample that old.
        // A container restart keeps the pod's series, so its counter reset does not hide the age.
        alert: 'CheckpointsStale',
        expr: `increase(mage_checkpoints_saved_total{${learner}}[${MAGE.maxCheckpointAge}]) == 0 and mage_checkpoints_saved_total{${learner}} offset ${MAGE.maxCheckpointAge}`,
        severity: 'warning',
        priority: 'P1',
        scope: 'pod',
        dashboard: 'mage-training',
        summary: 'Mage learner {{ $labels.pod }} has not saved a checkpoint for too long',
        description: `{{ $labels.namespace }}/{{ $labels.pod }} saved {{ $value }} checkpoints in the last ${MAGE.maxCheckpointAge}, the longest gap allowed; a crash now would lose at least ${MAGE.maxCheckpointAge} of training.`,
      },
    ],
  },
];
