import { APPS } from '../../contracts/jobs';
import { INFERENCE } from '../thresholds';
import type { RuleGroup } from '../types';

const inference = `app="${APPS.moeInference}"`;

/** The MoE inference service: latency, traffic, errors, expert cache and model load time. */
export const moeInferenceGroups: readonly RuleGroup[] = [
  {
    name: 'moe-inference.recording',
    file: 'moe-inference',
    rules: [
      {
        record: 'namespace_app:moe_lab_inference_requests_per_second:sum',
        expr: `sum by (namespace, app) (moe_lab_inference_requests_per_second{${inference}})`,
      },
      {
        // Per-pod quantiles cannot be combined into a fleet p99; the slowest pod is what some users get.
        record: 'namespace_app:moe_lab_inference_latency_p99:max',
        expr: `max by (namespace, app) (moe_lab_inference_latency_p99{${inference}})`,
      },
      {
        // Failed requests over all requests: each pod's error rate weighted by its traffic, so an idle
        // pod's 50 % counts for little. No value while the app serves no requests at all (0 / 0).
        record: 'namespace_app:moe_lab_inference_error_rate:ratio',
        expr: `sum by (namespace, app) (moe_lab_inference_error_rate{${inference}} * moe_lab_inference_requests_per_second{${inference}}) / (sum by (namespace, app) (moe_lab_inference_requests_per_second{${inference}}) > 0) / 100`,
      },
      {
        record: 'namespace_app:moe_lab_expert_cache_hit_rate:ratio_avg',
        expr: `avg by (namespace, app) (moe_lab_expert_cache_hit_rate{${inference}}) / 100`,
      },
    ],
  },
  {
    name: 'moe-inference.alerts',
    file: 'moe-inference',
    rules: [
      {
        alert: 'InferenceLatencyHigh',
        expr: `moe_lab_inference_latency_p99{${inference}} > ${INFERENCE.maxLatencyP99Seconds}`,
        for: '5m',
        severity: 'warning',
        priority: 'P1',
        scope: 'pod',
        dashboard: 'inference',
        summary: 'Inference p99 latency of {{ $labels.pod }} is high',
        description: `The p99 inference latency of {{ $labels.namespace }}/{{ $labels.pod }} is {{ $value }}s (above ${INFERENCE.maxLatencyP99Seconds}s).`,
      },
      {
        // Failed requests reach users directly, so this one pages.
        alert: 'InferenceErrorRateHigh',
        expr: `moe_lab_inference_error_rate{${inference}} > ${INFERENCE.maxErrorRatePercent}`,
        for: '5m',
        severity: 'critical',
        priority: 'P1',
        scope: 'pod',
        dashboard: 'inference',
        summary: 'Inference requests to {{ $labels.pod }} are failing',
        description: `{{ $value }}% of the inference requests to {{ $labels.namespace }}/{{ $labels.pod }} fail (above ${INFERENCE.maxErrorRatePercent}%).`,
      },
      {
        alert: 'InferenceRequestRateLow',
        expr: `moe_lab_inference_requests_per_second{${inference}} < ${INFERENCE.minRequestsPerSecond}`,
        for: '15m',
        severity: 'warning',
        priority: 'P2',
        scope: 'pod',
        dashboard: 'inference',
        summary: 'Inference pod {{ $labels.pod }} receives little traffic',
        description: `{{ $labels.namespace }}/{{ $labels.pod }} serves {{ $value }} requests/s (below ${INFERENCE.minRequestsPerSecond}).`,
      },
      {
        alert: 'ExpertCacheHitRateLow',
        expr: `moe_lab_expert_cache_hit_rate{${inference}} < ${INFERENCE.minExpertCacheHitRatePercent}`,
        for: '15m',
        severity: 'warning',
        priority: 'P2',
        scope: 'pod',
        dashboard: 'inference',
        summary: 'Expert cache hit rate of {{ $labels.pod }} is low',
        description: `The expert cache hit rate of {{ $labels.namespace }}/{{ $labels.pod }} is {{ $value }}% (below ${INFERENCE.minExpertCacheHitRatePercent}%); experts are loaded on the request path.`,
      },
      {
        // The gauge holds the duration of the pod's last model load, so the alert lasts as long as the
        // pod does; it is a next-business-day capacity signal, not an outage.
        alert: 'ModelLoadTimeHigh',
        expr: `moe_lab_model_load_time{${inference}} > ${INFERENCE.maxModelLoadTimeSeconds}`,
        severity: 'warning',
        priority: 'P3',
        scope: 'pod',
        dashboard: 'inference',
        summary: 'Model loading of {{ $labels.pod }} is slow',
        description: `{{ $labels.namespace }}/{{ $labels.pod }} took {{ $value }}s to load the model (above ${INFERENCE.maxModelLoadTimeSeconds}s); restarts and scale-out are that slow.`,
      },
    ],
  },
];
