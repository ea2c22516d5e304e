// Values a healthy cluster reports: on the safe side of every alert threshold (taken from
// rules/thresholds.ts, never repeated), in each metric's unit, counters rising, losses falling.
import type { MetricDefinition, MetricUnit } from '../../rules/catalog';
import { GPU, INFERENCE, MAGE, TRAINING } from '../../rules/thresholds';
import { ALERTMANAGER_REPLICAS } from './synthetic-topology';

const GIB = 2 ** 30;
/** One 80 GB GPU's framebuffer, in MiB as DCGM reports it. */
const FRAMEBUFFER_MIB = 81920;
const FRAMEBUFFER_RESERVED_MIB = 512;
/** The share of a resource in use on a healthy node or GPU (somewhere in 20–60 %). */
const IN_USE = 0.4;

/** A level for gauges of each unit, when a metric has no value of its own below. */
const GAUGE_LEVEL: Readonly<Record<MetricUnit, number>> = {
  seconds: 1.5,
  bytes: 2 * GIB,
  mebibytes: IN_USE * FRAMEBUFFER_MIB,
  percent: IN_USE * 100,
  ratio: IN_USE,
  celsius: 60,
  watts: 250,
  megahertz: 1410,
  cores: 2,
  tokens_per_second: 1000,
  requests_per_second: 50,
  episodes_per_second: 1,
  samples_per_second: 200,
  updates_per_second: 2,
  errors_per_second: 0,
  tokens: 1000000,
  episodes: 1000,
  samples: 100000,
  updates: 1000,
  checkpoints: 10,
  errors: 0,
  restarts: 0,
  count: 3,
  none: 1,
};

/** Per-second increase of counters of these units; others rise by 1/s, and errors and restarts not at all. */
const COUNTER_RATE: Partial<Readonly<Record<MetricUnit, number>>> = {
  seconds: 0.5,
  episodes: MAGE.minEpisodesPerSecond * 10,
  samples: 200,
  tokens: 5000,
  updates: 2,
  errors: 0,
  restarts: 0,
};

/** Units of measured quantities, which wiggle a little; counts and codes stay whole numbers. */
const CONTINUOUS = new Set<MetricUnit>([
  'seconds',
  'bytes',
  'mebibytes',
  'percent',
  'ratio',
  'celsius',
  'watts',
  'megahertz',
  'cores',
  'tokens_per_second',
  'requests_per_second',
  'episodes_per_second',
  'samples_per_second',
  'updates_per_second',
]);

type Value = (seconds: number) => number;
type Labels = Readonly<Record<string, string>>;

const constant =
  (value: number): Value =>
  () =>
    value;
/** A counter that started at `start` and rises by `perSecond`. */
const counter =
  (perSecond: number, start = 100): Value =>
  (t) =>
    start + perSecond * t;
/** A loss that falls by `perHour`, so "lower than an hour ago" holds at every point. */
const falling =
  (start: number, perHour: number): Value =>
  (t) =>
    start - (perHour * t) / 3600;

// Per-mode share of each CPU's time: idle 60 %, so the node is 40 % busy.
const CPU_MODE_SHARE: Readonly<Record<string, number>> = { idle: 1 - IN_USE, user: 0.25, system: 0.1, iowait: 0.05 };
const nodeMemoryBytes = 256 * GIB;
const filesystemBytes = 500e9;
const containerLimitBytes = 8 * GIB;

/** Values of specific metrics; every other metric gets its unit's level or rate. */
const SPECIFIC: Readonly<Record<string, (labels: Labels) => Value>> = {
  moe_lab_training_tokens_per_second: () => constant(TRAINING.minTokensPerSecond * 3),
  moe_lab_training_step_duration: () => constant(TRAINING.maxStepDurationSeconds / 5),
  moe_lab_training_loss: () => falling(2.2, 0.1),
  moe_lab_expert_utilization_variance: () => constant(TRAINING.maxExpertUtilizationVariance / 6),
  moe_lab_gpu_memory_utilization: () => constant(TRAINING.maxGpuMemoryUtilizationPercent * 0.6),
  moe_lab_inference_latency_p99: () => constant(INFERENCE.maxLatencyP99Seconds / 4),
  moe_lab_inference_requests_per_second: () => constant(INFERENCE.minRequestsPerSecond * 5),
  moe_lab_inference_error_rate: () => constant(INFERENCE.maxErrorRatePercent / 10),
  moe_lab_expert_cache_hit_rate: () => constant((100 + INFERENCE.minExpertCacheHitRatePercent) / 2),
  moe_lab_model_load_time: () => constant(INFERENCE.maxModelLoadTimeSeconds / 3),
  mage_training_loss: () => falling(1.8, MAGE.maxLossIncrease / 10),
  mage_gpu_memory_used_bytes: () => constant((MAGE.maxLearnerGpuMemoryRatio / 2) * FRAMEBUFFER_MIB * 2 ** 20),
  mage_win_rate: () => constant(0.55),
  mage_optimal_batch_size: () => constant(256),
  mage_current_batch_size: () => constant(256),
  // One checkpoint every 10 minutes: never stale.
  mage_checkpoints_saved_total: () => (t) => 10 + Math.floor(t / 600),
  DCGM_FI_DEV_GPU_TEMP: () => constant(GPU.maxTemperatureCelsius - 25),
  DCGM_FI_DEV_FB_USED: () => constant(IN_USE * FRAMEBUFFER_MIB),
  DCGM_FI_DEV_FB_FREE: () => constant((1 - IN_USE) * FRAMEBUFFER_MIB - FRAMEBUFFER_RESERVED_MIB),
  DCGM_FI_DEV_FB_RESERVED: () => constant(FRAMEBUFFER_RESERVED_MIB),
  DCGM_FI_DEV_XID_ERRORS: () => constant(0),
  node_cpu_seconds_total: (labels) => counter(CPU_MODE_SHARE[labels.mode] ?? 0.01, 1e6),
  node_memory_MemTotal_bytes: () => constant(nodeMemoryBytes),
  node_memory_MemAvailable_bytes: () => constant((1 - IN_USE) * nodeMemoryBytes),
  node_filesystem_size_bytes: () => constant(filesystemBytes),
  node_filesystem_avail_bytes: () => constant((1 - IN_USE) * filesystemBytes),
  // The working set (what the OOM killer compares with the limit) and usage, which adds the page cache.
  container_memory_working_set_bytes: () => constant(IN_USE * containerLimitBytes),
  container_memory_usage_bytes: () => constant((IN_USE + 0.1) * containerLimitBytes),
  kube_pod_container_resource_limits: (labels) => constant(labels.resource === 'memory' ? containerLimitBytes : 4),
  // Ready is true and every pressure condition false: 1 on that status series, 0 on the others.
  kube_node_status_condition: (labels) => constant(Number(labels.status === (labels.condition === 'Ready' ? 'true' : 'false'))),
  kube_pod_container_status_restarts_total: () => constant(1),
  // Every Alertmanager replica sees all the others, and Prometheus knows them all.
  alertmanager_cluster_members: () => constant(ALERTMANAGER_REPLICAS),
  prometheus_notifications_alertmanagers_discovered: () => constant(ALERTMANAGER_REPLICAS),
};

// Counters of bad things (failed sends, dropped alerts, missed evaluations) stay flat while healthy.
const BAD_THINGS = /(error|fail|drop|miss)/;
// Metrics that are 1 while all is well: scrapes succeed, reloads succeed, info series exist.
const ONE_WHILE_HEALTHY = /^(up|.*_last_reload_successful|.*_info|.*_last_terminated_reason)$/;

/** A small, steady wiggle per series, so series differ and a flat line is not mistaken for a stuck exporter. */
const wiggle =
  (value: Value, index: number): Value =>
  (t) =>
    value(t) * (1 + 0.02 * Math.sin(t / 600 + index));

/** The value over time of the `index`th series of `metric` in a healthy cluster. */
export function healthyValue(metric: MetricDefinition, labels: Labels, index: number): Value {
  const specific = SPECIFIC[metric.name];
  if (specific) return specific(labels);
  if (ONE_WHILE_HEALTHY.test(metric.name)) return constant(1);
  if (metric.type === 'counter') return BAD_THINGS.test(metric.name) ? constant(0) : counter(COUNTER_RATE[metric.unit] ?? 1);
  const level = constant(GAUGE_LEVEL[metric.unit]);
  return CONTINUOUS.has(metric.unit) ? wiggle(level, index) : level;
}
