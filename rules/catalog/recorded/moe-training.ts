import type { MetricDefinition } from '../types';

/** Series the moe-training rules record, with their unit and the metrics they are computed from. */
export const moeTrainingRecorded: readonly MetricDefinition[] = [
  {
    name: 'namespace_app:moe_lab_training_tokens_per_second:sum',
    type: 'gauge',
    unit: 'tokens_per_second',
    source: 'recording-rule',
    recordedFrom: ['moe_lab_training_tokens_per_second'],
    help: 'Training throughput summed over the pods of each training app.',
  },
  {
    name: 'namespace_app:moe_lab_gpu_memory_utilization:max_ratio',
    type: 'gauge',
    unit: 'ratio',
    source: 'recording-rule',
    recordedFrom: ['moe_lab_gpu_memory_utilization'],
    help: 'Fullest trainer GPU memory per training app, 0–1.',
  },
  {
    name: 'namespace_app:moe_lab_expert_utilization_variance:max',
    type: 'gauge',
    unit: 'none',
    source: 'recording-rule',
    recordedFrom: ['moe_lab_expert_utilization_variance'],
    help: 'Worst expert utilization variance per training app.',
  },
];
