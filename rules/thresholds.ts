// Alert thresholds, shared with the dashboards' threshold lines: change a value here and both move.
// Percentages are 0–100 where the seed metric is a percentage; ratios (0–1) where a rule computes one.

export const TRAINING = {
  /** Throughput below this many tokens/s means the job is stalled or starved. */
  minTokensPerSecond: 500,
  /** A step slower than this many seconds. */
  maxStepDurationSeconds: 10,
  /** moe_lab_gpu_memory_utilization above this percentage is about to OOM. */
  maxGpuMemoryUtilizationPercent: 95,
  /** moe_lab_expert_utilization_variance above this means the router sends most tokens to few experts. */
  maxExpertUtilizationVariance: 0.3,
  /** The loss must have decreased at least once within this window. */
  lossTrendWindow: '1h',
} as const;

export const INFERENCE = {
  /** moe_lab_inference_latency_p99 above this many seconds. */
  maxLatencyP99Seconds: 1,
  /** An inference pod serving fewer requests per second is cut off from its traffic or stuck. */
  minRequestsPerSecond: 10,
  /** moe_lab_inference_error_rate (0–100) above this percentage of failed requests. */
  maxErrorRatePercent: 5,
  /** moe_lab_expert_cache_hit_rate (0–100) below this percentage puts expert loads on the request path. */
  minExpertCacheHitRatePercent: 80,
  /** moe_lab_model_load_time above this many seconds makes restarts and scale-out slow. */
  maxModelLoadTimeSeconds: 30,
} as const;

export const MAGE = {
  /** Episodes per second a single worker must complete. */
  minEpisodesPerSecond: 0.1,
  /** Learner GPU memory in use, as a ratio of the GPU's framebuffer. */
  maxLearnerGpuMemoryRatio: 0.9,
  /** mage_training_loss rising by more than this within `lossDivergenceWindow`. */
  maxLossIncrease: 1.0,
  lossDivergenceWindow: '10m',
  /** A learner that has not saved a checkpoint for this long risks losing that much training. */
  maxCheckpointAge: '2h',
  /** Window in which Java↔Python bridge failures are counted; failures must recur in it to keep the alert pending. */
  bridgeErrorWindow: '5m',
  /** Window in which a failed checkpoint save keeps CheckpointFailures firing; longer than the `for` of most alerts so it is seen. */
  checkpointErrorWindow: '15m',
} as const;

export const KUBERNETES = {
  /** Container restarts within `restartWindow`. */
  maxRestarts: 3,
  restartWindow: '1h',
  /** Working set as a ratio of the memory limit at which the OOM killer is near. */
  maxMemoryLimitRatio: 0.95,
  /** An OOM-killed container counts while its restart falls within this window. */
  oomKillWindow: '10m',
  /** How long a node may report Ready≠true before it counts as down. */
  nodeNotReadyFor: '5m',
} as const;

export const NODE = {
  maxCpuUtilizationPercent: 90,
  maxMemoryUtilizationPercent: 90,
  maxDiskUtilizationPercent: 85,
  /** The critical tier of the disk alert: this full, a node has minutes before writes fail. */
  criticalDiskUtilizationPercent: 95,
} as const;

export const GPU = {
  maxTemperatureCelsius: 85,
} as const;

export const BACKUP = {
  /** The backups run daily; a day and a half allows one late or retried run before BackupTooOld fires. */
  maxAgeSeconds: 36 * 3600,
} as const;

/** Alerts on the log-derived counters (rules/log-patterns.ts) and on Fluent Bit itself (rules/groups/logs.ts). */
export const LOGS = {
  /** A one-off line (a NaN loss, an OOM, an NCCL fault, a failed checkpoint) keeps its alert firing this long, so it is seen and routed. */
  oneOffWindow: '15m',
  /** Lines that are noise once (an expert overflow, a bridge timeout) must recur within every such window for the alert's `for`. */
  recurringWindow: '5m',
  /** How far back a counter's earlier value is looked for; a scrape gap shorter than this is not taken for a new counter. */
  counterLookback: '1h',
  /** ERROR lines per second one app (all its pods) may log, averaged over `errorRateWindow`. */
  maxErrorLinesPerSecond: 1,
  errorRateWindow: '5m',
  /** A record Fluent Bit drops keeps FluentBitDroppingLogs firing this long. */
  droppedRecordsWindow: '10m',
  /** FluentBitOutputRetrying: an output retried within every such window, for `outputRetryingFor`. */
  outputRetryWindow: '5m',
  outputRetryingFor: '15m',
} as const;

/** The monitoring system watching itself (rules/groups/meta/). */
export const META = {
  /** Share of a job's targets in one namespace that may be down; kube-prometheus's TargetDown uses 10 %. */
  maxTargetsDownPercent: 10,
  /** How long every target of a scrape job may be missing before its `<Job>Down` alert fires. */
  jobDownFor: '10m',
  /** Share of alerts a Prometheus may fail to send to one Alertmanager (prometheus-mixin: 1 %). */
  maxAlertSendErrorPercent: 1,
  /** The same share towards every Alertmanager at once: that replica's alerts are lost (prometheus-mixin: 3 %). */
  maxAlertSendErrorPercentToAll: 3,
  /** Share of notifications one Alertmanager integration (pager, e-mail, chat, webhook) may fail. */
  maxNotificationFailurePercent: 1,
} as const;

/** The global Prometheus watching the federation (rules/groups/federation.ts). */
export const FLEET = {
  /** How long a member's /federate may fail before FederationTargetDown fires. */
  federationDownFor: '5m',
  /**
   * Age of a member's newest federated sample at which its data counts as stale. Members record every
   * 15 s and are federated every 15 s, so a healthy member's newest sample is under 1.5 minutes old.
   */
  maxFederatedDataAgeSeconds: 300,
  /** How far back the newest sample is looked for; a member with none that recent counts as this stale. */
  federatedDataLookback: '1h',
  federatedDataStaleFor: '5m',
  /**
   * Episodes per second of every Mage worker in the fleet together. The 22 workers of dev, staging and
   * prod at the per-worker floor (MAGE.minEpisodesPerSecond) make 2.2/s: below 1/s over half of them stalled.
   */
  minEpisodesPerSecond: 1,
  episodeRateLowFor: '15m',
} as const;
