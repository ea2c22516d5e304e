import type { MetricDefinition } from './types';

/** Metrics the MoE trainer and inference services expose on their /metrics endpoints. */
export const moeLabMetrics: readonly MetricDefinition[] = [
  {
    name: 'moe_lab_training_tokens_per_second',
    type: 'gauge',
    unit: 'tokens_per_second',
    source: 'application',
    help: 'Training throughput in tokens per second.',
  },
  { name: 'moe_lab_training_loss', type: 'gauge', unit: 'none', source: 'application', help: 'Current training loss of the MoE model.' },
  {
    name: 'moe_lab_expert_utilization_variance',
    type: 'gauge',
    unit: 'none',
    source: 'application',
    help: 'Variance of token share across experts; high values mean load imbalance.',
  },
  {
    name: 'moe_lab_gpu_memory_utilization',
    type: 'gauge',
    unit: 'percent',
    source: 'application',
    help: 'GPU memory in use by the trainer, 0–100.',
  },
  {
    name: 'moe_lab_training_step_duration',
    type: 'gauge',
    unit: 'seconds',
    source: 'application',
    help: 'Wall-clock duration of the last training step.',
  },
  {
    name: 'moe_lab_inference_latency_p99',
    type: 'gauge',
    unit: 'seconds',
    source: 'application',
    help: '99th percentile inference latency.',
  },
  {
    name: 'moe_lab_inference_requests_per_second',
    type: 'gauge',
    unit: 'requests_per_second',
    source: 'application',
    help: 'Inference requests served per second.',
  },
  {
    name: 'moe_lab_inference_error_rate',
    type: 'gauge',
    unit: 'percent',
    source: 'application',
    help: 'Share of inference requests that failed, 0–100.',
  },
  {
    name: 'moe_lab_expert_cache_hit_rate',
    type: 'gauge',
    unit: 'percent',
    source: 'application',
    help: 'Expert cache hit rate of the inference service, 0–100.',
  },
  {
    name: 'moe_lab_model_load_time',
    type: 'gauge',
    unit: 'seconds',
    source: 'application',
    help: 'Time the inference service took to load the model.',
  },
];
