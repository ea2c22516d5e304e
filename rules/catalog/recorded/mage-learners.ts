import type { MetricDefinition } from '../types';

/**
 * Series the mage-learners rules record, with their unit and the metrics they are computed from.
 * `namespace_app_component_type:mage_errors:rate5m`, recorded by both Mage groups, is listed with the workers'.
 */
export const mageLearnersRecorded: readonly MetricDefinition[] = [
  {
    name: 'namespace_app:mage_gpu_memory_utilization:max_ratio',
    type: 'gauge',
    unit: 'ratio',
    source: 'recording-rule',
    recordedFrom: ['mage_gpu_memory_used_bytes', 'nvidia_gpu_memory_total_bytes'],
    help: 'Fullest learner GPU memory per learner app, as a ratio of the largest GPU on its node, 0–1.',
  },
  {
    name: 'namespace_app:mage_samples_processed:rate5m',
    type: 'gauge',
    unit: 'samples_per_second',
    source: 'recording-rule',
    recordedFrom: ['mage_samples_processed_total'],
    help: 'Training samples per second consumed by all Mage learners, over 5 minutes.',
  },
  {
    name: 'namespace_app:mage_training_updates:rate5m',
    type: 'gauge',
    unit: 'updates_per_second',
    source: 'recording-rule',
    recordedFrom: ['mage_training_updates_total'],
    help: 'Optimizer updates per second applied by all Mage learners, over 5 minutes.',
  },
];
