/** Where a series comes from; `recording-rule` series are computed by this stack from another source. */
export type MetricSource =
  | 'application'
  | 'node-exporter'
  | 'dcgm-exporter'
  | 'cadvisor'
  | 'kubelet'
  | 'kube-state-metrics'
  | 'fluent-bit'
  | 'prometheus'
  | 'recording-rule';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/**
 * Units as the values are on the wire. `percent` is 0–100 (as the seed thresholds are written),
 * `ratio` is 0–1 (new recording rules use ratios).
 */
export type MetricUnit =
  | 'seconds'
  | 'bytes'
  | 'mebibytes'
  | 'percent'
  | 'ratio'
  | 'celsius'
  | 'watts'
  | 'megahertz'
  /** CPU-seconds per second, as rate() of a CPU-seconds counter gives them. */
  | 'cores'
  | 'tokens_per_second'
  | 'requests_per_second'
  | 'episodes_per_second'
  | 'samples_per_second'
  | 'updates_per_second'
  | 'errors_per_second'
  | 'tokens'
  | 'episodes'
  | 'samples'
  | 'updates'
  | 'checkpoints'
  | 'errors'
  | 'restarts'
  | 'count'
  | 'none';

export interface MetricDefinition {
  readonly name: string;
  readonly type: MetricType;
  readonly unit: MetricUnit;
  readonly help: string;
  readonly source: MetricSource;
  /** Labels callers may rely on beyond the target labels (namespace, pod, container, node, app). */
  readonly labels?: readonly string[];
  /**
   * The values an enumerated label takes, as the exporter documents them; rules and dashboards may
   * select only these (`reason="OOMKilled"`), so a misspelt value is caught before it silently matches nothing.
   */
  readonly labelValues?: Readonly<Record<string, readonly string[]>>;
  /** For `recording-rule` metrics: the exporter metrics it is computed from. */
  readonly recordedFrom?: readonly string[];
}
