import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { LOG_JOBS } from '../rules/log-patterns';
import { APPS } from '../contracts/jobs';
import { INFERENCE } from '../rules/thresholds';
import { heldFor } from './lib/alert-timing';
import { stackDashboard } from './lib/dashboard';
import { appScope, gpuMemoryWarnings, logsRow } from './lib/logs';
import { statPanel, timeseriesPanel } from './lib/panels';
import { tablePanel } from './lib/tables';
import { filters, selector } from './lib/variables';

const inference = [`app="${APPS.moeInference}"`, ...filters('cluster', 'namespace', 'pod')];
const inferenceMetric = (metric: string) => selector(metric, ...inference);
const recorded = (metric: string) => selector(metric, ...filters('cluster', 'namespace'));
const byPod = (expr: string) => `max by (cluster, namespace, pod) (${expr})`;
const perPod = '{{namespace}}/{{pod}}';
const inferenceLogs = appScope(LOG_JOBS.moeLab, [APPS.moeInference], '$pod');

const latency = { value: INFERENCE.maxLatencyP99Seconds, bad: 'above' } as const;
const requestRate = { value: INFERENCE.minRequestsPerSecond, bad: 'below' } as const;
const errorPercent = { value: INFERENCE.maxErrorRatePercent, bad: 'above' } as const;
const cacheHitPercent = { value: INFERENCE.minExpertCacheHitRatePercent, bad: 'below' } as const;
const modelLoad = { value: INFERENCE.maxModelLoadTimeSeconds, bad: 'above' } as const;

const latencyText = `InferenceLatencyHigh fires above ${INFERENCE.maxLatencyP99Seconds} s (${heldFor('InferenceLatencyHigh')})`;
const requestText = `InferenceRequestRateLow fires below ${INFERENCE.minRequestsPerSecond} requests/s (${heldFor('InferenceRequestRateLow')}): the pod is cut off from traffic or stuck`;
const errorText = `InferenceErrorRateHigh pages above ${INFERENCE.maxErrorRatePercent} % (${heldFor('InferenceErrorRateHigh')})`;
const cacheText = `ExpertCacheHitRateLow fires below ${INFERENCE.minExpertCacheHitRatePercent} % (${heldFor('ExpertCacheHitRateLow')}): experts are loaded on the request path`;
const loadText = `ModelLoadTimeHigh fires above ${INFERENCE.maxModelLoadTimeSeconds} s (${heldFor('ModelLoadTimeHigh')}): restarts and scale-out are that slow`;

/** Are the inference replicas fast, reachable and error-free, and which replica is the odd one out? */
export function inferenceDashboard(): DashboardBuilder {
  return stackDashboard({
    uid: 'inference',
    description: 'MoE inference health: p99 latency, traffic, errors, expert cache and model load time per replica.',
    tags: ['moe', 'inference'],
    variables: { metric: 'moe_lab_inference_requests_per_second', matchers: [`app="${APPS.moeInference}"`], labels: ['pod'] },
    rows: [
      {
        title: 'At a glance',
        panels: [
          statPanel({
            title: 'Total traffic',
            description: 'Requests per second served by all inference replicas of the selected namespaces (recorded per namespace).',
            unit: 'requests_per_second',
            queries: [{ expr: `sum(${recorded('namespace_app:moe_lab_inference_requests_per_second:sum')})` }],
            width: 4,
          }),
          statPanel({
            title: 'Quietest replica',
            description: `Lowest per-replica request rate; red where ${requestText}.`,
            unit: 'requests_per_second',
            queries: [{ expr: `min(${inferenceMetric('moe_lab_inference_requests_per_second')})` }],
            threshold: requestRate,
            width: 4,
          }),
          statPanel({
            title: 'Worst p99 latency',
            description: `Slowest replica's p99 latency (recorded per namespace: per-pod quantiles cannot be averaged); red where ${latencyText}.`,
            unit: 'seconds',
            queries: [{ expr: `max(${recorded('namespace_app:moe_lab_inference_latency_p99:max')})` }],
            threshold: latency,
            width: 4,
          }),
          statPanel({
            title: 'Worst error rate',
            description: `Highest per-replica share of failed requests: the alert judges each replica, so one failing replica among healthy ones shows red here. Red where ${errorText}.`,
            unit: 'percent',
            queries: [{ expr: `max(${inferenceMetric('moe_lab_inference_error_rate')})` }],
            threshold: errorPercent,
            width: 4,
          }),
          statPanel({
            title: 'Worst expert cache hit rate',
            description: `Lowest per-replica expert cache hit rate, as the alert judges each replica; red where ${cacheText}.`,
            unit: 'percent',
            queries: [{ expr: `min(${inferenceMetric('moe_lab_expert_cache_hit_rate')})` }],
            threshold: cacheHitPercent,
            width: 4,
          }),
          statPanel({
            title: 'Slowest model load',
            description: `Longest last model load of any replica; red where ${loadText}.`,
            unit: 'seconds',
            queries: [{ expr: `max(${inferenceMetric('moe_lab_model_load_time')})` }],
            threshold: modelLoad,
            width: 4,
          }),
        ],
      },
      {
        title: 'Latency and traffic',
        panels: [
          timeseriesPanel({
            title: 'p99 latency',
            description: `99th percentile request latency per replica; ${latencyText}. One replica above the line while the others are fine points at its node or GPU.`,
            unit: 'seconds',
            queries: [{ expr: byPod(inferenceMetric('moe_lab_inference_latency_p99')), legend: perPod }],
            threshold: latency,
            min: 0,
          }),
          timeseriesPanel({
            title: 'Requests per second',
            description: `Requests served per replica; ${requestText}. Uneven lines mean the load balancer favours some replicas.`,
            unit: 'requests_per_second',
            queries: [{ expr: byPod(inferenceMetric('moe_lab_inference_requests_per_second')), legend: perPod }],
            threshold: requestRate,
            min: 0,
          }),
        ],
      },
      {
        title: 'Errors and expert cache',
        panels: [
          timeseriesPanel({
            title: 'Error rate',
            description: `Share of failed requests per replica, 0–100 %; ${errorText}.`,
            unit: 'percent',
            queries: [{ expr: byPod(inferenceMetric('moe_lab_inference_error_rate')), legend: perPod }],
            threshold: errorPercent,
            min: 0,
          }),
          timeseriesPanel({
            title: 'Expert cache hit rate',
            description: `Share of expert lookups served from the replica's cache, 0–100 %; ${cacheText}.`,
            unit: 'percent',
            queries: [{ expr: byPod(inferenceMetric('moe_lab_expert_cache_hit_rate')), legend: perPod }],
            threshold: cacheHitPercent,
            min: 0,
            max: 100,
          }),
        ],
      },
      {
        title: 'Model loading and fleet',
        panels: [
          timeseriesPanel({
            title: 'Model load time',
            description: `How long each replica took to load the model when it last started; ${loadText}.`,
            unit: 'seconds',
            queries: [{ expr: byPod(inferenceMetric('moe_lab_model_load_time')), legend: perPod }],
            threshold: modelLoad,
            min: 0,
          }),
          timeseriesPanel({
            title: 'Fleet error ratio',
            description: `Failed requests over all requests of each inference app, weighted by traffic: what users see overall. The dashed line is the ${INFERENCE.maxErrorRatePercent} % at which InferenceErrorRateHigh pages for a single replica.`,
            unit: 'ratio',
            queries: [{ expr: recorded('namespace_app:moe_lab_inference_error_rate:ratio'), legend: '{{namespace}}/{{app}}' }],
            threshold: { value: INFERENCE.maxErrorRatePercent / 100, bad: 'above' },
            min: 0,
          }),
        ],
      },
      {
        title: 'Per-replica breakdown',
        panels: [
          tablePanel({
            title: 'Inference replicas',
            description: 'Latest values per inference pod, coloured red where the alert threshold of that column is crossed.',
            rowLabels: ['namespace', 'pod'],
            columns: [
              { title: 'p99 latency', expr: byPod(inferenceMetric('moe_lab_inference_latency_p99')), unit: 'seconds', threshold: latency },
              {
                title: 'Requests/s',
                expr: byPod(inferenceMetric('moe_lab_inference_requests_per_second')),
                unit: 'requests_per_second',
                threshold: requestRate,
              },
              {
                title: 'Error rate',
                expr: byPod(inferenceMetric('moe_lab_inference_error_rate')),
                unit: 'percent',
                threshold: errorPercent,
              },
              {
                title: 'Cache hit rate',
                expr: byPod(inferenceMetric('moe_lab_expert_cache_hit_rate')),
                unit: 'percent',
                threshold: cacheHitPercent,
              },
              { title: 'Model load time', expr: byPod(inferenceMetric('moe_lab_model_load_time')), unit: 'seconds', threshold: modelLoad },
            ],
          }),
        ],
      },
      // Serving computes no loss, so the loss pattern stays on Training Overview.
      logsRow(inferenceLogs, { extra: [gpuMemoryWarnings(inferenceLogs)], omit: ['lossNotFinite'] }),
    ],
  });
}
