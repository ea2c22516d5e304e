import type { MetricDefinition } from '../types';

/** Series the moe-inference rules record, with their unit and the metrics they are computed from. */
export const moeInferenceRecorded: readonly MetricDefinition[] = [
  {
    name: 'namespace_app:moe_lab_inference_requests_per_second:sum',
    type: 'gauge',
    unit: 'requests_per_second',
    source: 'recording-rule',
    recordedFrom: ['moe_lab_inference_requests_per_second'],
    help: 'Inference requests per second summed over the pods of each inference app.',
  },
  {
    name: 'namespace_app:moe_lab_inference_latency_p99:max',
    type: 'gauge',
    unit: 'seconds',
    source: 'recording-rule',
    recordedFrom: ['moe_lab_inference_latency_p99'],
    help: 'Highest per-pod p99 inference latency of each inference app.',
  },
  {
    name: 'namespace_app:moe_lab_inference_error_rate:ratio',
    type: 'gauge',
    unit: 'ratio',
    source: 'recording-rule',
    recordedFrom: ['moe_lab_inference_error_rate', 'moe_lab_inference_requests_per_second'],
    help: 'Failed inference requests over all requests of each inference app (pod error rates weighted by traffic), 0–1.',
  },
  {
    name: 'namespace_app:moe_lab_expert_cache_hit_rate:ratio_avg',
    type: 'gauge',
    unit: 'ratio',
    source: 'recording-rule',
    recordedFrom: ['moe_lab_expert_cache_hit_rate'],
    help: 'Expert cache hit rate averaged over the pods of each inference app, 0–1.',
  },
];
