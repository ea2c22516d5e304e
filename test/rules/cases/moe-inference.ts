import { INFERENCE, series } from './targets';
import type { RuleTestCase } from './types';

const critical = { severity: 'critical', priority: 'P1', scope: 'pod' };
const warningP1 = { severity: 'warning', priority: 'P1', scope: 'pod' };
const warningP2 = { severity: 'warning', priority: 'P2', scope: 'pod' };
const warningP3 = { severity: 'warning', priority: 'P3', scope: 'pod' };

/** A second inference pod, on the threshold or on its safe side. */
const OTHER = { ...INFERENCE, pod: 'moe-inference-b2c4', instance: '10.0.1.6:9090' };

export const moeInferenceCases: readonly RuleTestCase[] = [
  {
    name: 'InferenceLatencyHigh: a p99 of 1.5 s for 5 minutes fires, exactly 1 s does not',
    series: [
      { series: series('moe_lab_inference_latency_p99', INFERENCE), values: '1.5x10' },
      { series: series('moe_lab_inference_latency_p99', OTHER), values: '1x10' },
    ],
    alerts: [
      { alert: 'InferenceLatencyHigh', at: '4m', fires: [] },
      {
        alert: 'InferenceLatencyHigh',
        at: '6m',
        fires: [
          {
            labels: { ...INFERENCE, ...warningP1 },
            summary: 'Inference p99 latency of moe-inference-7d9f is high',
            description: 'The p99 inference latency of moe-lab/moe-inference-7d9f is 1.5s (above 1s).',
            dashboard: 'inference',
          },
        ],
      },
    ],
  },
  {
    name: 'InferenceErrorRateHigh: 7.5 % failed requests for 5 minutes pages, exactly 5 % does not',
    series: [
      { series: series('moe_lab_inference_error_rate', INFERENCE), values: '7.5x10' },
      { series: series('moe_lab_inference_error_rate', OTHER), values: '5x10' },
    ],
    alerts: [
      { alert: 'InferenceErrorRateHigh', at: '4m', fires: [] },
      {
        alert: 'InferenceErrorRateHigh',
        at: '6m',
        fires: [
          {
            labels: { ...INFERENCE, ...critical },
            summary: 'Inference requests to moe-inference-7d9f are failing',
            description: '7.5% of the inference requests to moe-lab/moe-inference-7d9f fail (above 5%).',
            dashboard: 'inference',
          },
        ],
      },
    ],
  },
  {
    name: 'InferenceRequestRateLow: 4 requests/s for 15 minutes fires, exactly 10 does not',
    series: [
      { series: series('moe_lab_inference_requests_per_second', INFERENCE), values: '4x20' },
      { series: series('moe_lab_inference_requests_per_second', OTHER), values: '10x20' },
    ],
    alerts: [
      { alert: 'InferenceRequestRateLow', at: '14m', fires: [] },
      {
        alert: 'InferenceRequestRateLow',
        at: '16m',
        fires: [
          {
            labels: { ...INFERENCE, ...warningP2 },
            summary: 'Inference pod moe-inference-7d9f receives little traffic',
            description: 'moe-lab/moe-inference-7d9f serves 4 requests/s (below 10).',
            dashboard: 'inference',
          },
        ],
      },
    ],
  },
  {
    name: 'InferenceRequestRateLow: a traffic dip shorter than 15 minutes stays silent',
    series: [{ series: series('moe_lab_inference_requests_per_second', INFERENCE), values: '50x5 2x10 50x10' }],
    alerts: [{ alert: 'InferenceRequestRateLow', at: '20m', fires: [] }],
  },
  {
    name: 'ExpertCacheHitRateLow: a 72.5 % hit rate for 15 minutes fires, exactly 80 % does not',
    series: [
      { series: series('moe_lab_expert_cache_hit_rate', INFERENCE), values: '72.5x20' },
      { series: series('moe_lab_expert_cache_hit_rate', OTHER), values: '80x20' },
    ],
    alerts: [
      { alert: 'ExpertCacheHitRateLow', at: '14m', fires: [] },
      {
        alert: 'ExpertCacheHitRateLow',
        at: '16m',
        fires: [
          {
            labels: { ...INFERENCE, ...warningP2 },
            summary: 'Expert cache hit rate of moe-inference-7d9f is low',
            description:
              'The expert cache hit rate of moe-lab/moe-inference-7d9f is 72.5% (below 80%); experts are loaded on the request path.',
            dashboard: 'inference',
          },
        ],
      },
    ],
  },
  {
    name: 'ModelLoadTimeHigh: a 45 s model load fires at once',
    series: [{ series: series('moe_lab_model_load_time', INFERENCE), values: '45x5' }],
    alerts: [
      {
        alert: 'ModelLoadTimeHigh',
        at: '1m',
        fires: [
          {
            labels: { ...INFERENCE, ...warningP3 },
            summary: 'Model loading of moe-inference-7d9f is slow',
            description: 'moe-lab/moe-inference-7d9f took 45s to load the model (above 30s); restarts and scale-out are that slow.',
            dashboard: 'inference',
          },
        ],
      },
    ],
  },
  {
    name: 'ModelLoadTimeHigh: a model load of exactly 30 s stays silent',
    series: [{ series: series('moe_lab_model_load_time', OTHER), values: '30x5' }],
    alerts: [{ alert: 'ModelLoadTimeHigh', at: '3m', fires: [] }],
  },
  {
    name: 'moe-inference recording rules sum traffic, keep the worst p99 and weight the error ratio by traffic',
    series: [
      { series: series('moe_lab_inference_requests_per_second', INFERENCE), values: '30x5' },
      { series: series('moe_lab_inference_requests_per_second', OTHER), values: '10x5' },
      { series: series('moe_lab_inference_latency_p99', INFERENCE), values: '0.4x5' },
      { series: series('moe_lab_inference_latency_p99', OTHER), values: '0.9x5' },
      { series: series('moe_lab_inference_error_rate', INFERENCE), values: '2x5' },
      { series: series('moe_lab_inference_error_rate', OTHER), values: '10x5' },
      { series: series('moe_lab_expert_cache_hit_rate', INFERENCE), values: '90x5' },
      { series: series('moe_lab_expert_cache_hit_rate', OTHER), values: '75x5' },
    ],
    expressions: [
      {
        expr: 'namespace_app:moe_lab_inference_requests_per_second:sum',
        at: '2m',
        samples: [
          { labels: 'namespace_app:moe_lab_inference_requests_per_second:sum{namespace="moe-lab", app="moe-inference"}', value: 40 },
        ],
      },
      {
        expr: 'namespace_app:moe_lab_inference_latency_p99:max',
        at: '2m',
        samples: [{ labels: 'namespace_app:moe_lab_inference_latency_p99:max{namespace="moe-lab", app="moe-inference"}', value: 0.9 }],
      },
      {
        // (2 % × 30/s + 10 % × 10/s) / 40/s = 4 % of all requests; a plain average would say 6 %.
        expr: 'namespace_app:moe_lab_inference_error_rate:ratio',
        at: '2m',
        samples: [{ labels: 'namespace_app:moe_lab_inference_error_rate:ratio{namespace="moe-lab", app="moe-inference"}', value: 0.04 }],
      },
      {
        expr: 'namespace_app:moe_lab_expert_cache_hit_rate:ratio_avg',
        at: '2m',
        samples: [
          { labels: 'namespace_app:moe_lab_expert_cache_hit_rate:ratio_avg{namespace="moe-lab", app="moe-inference"}', value: 0.825 },
        ],
      },
    ],
  },
];
