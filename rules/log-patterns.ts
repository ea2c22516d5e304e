// The log lines that mean trouble, as Fluent Bit counts them (constructs/config-files/fluent-bit-config.ts), the
// alerts read them (rules/groups/logs.ts) and the dashboards show them (the Logs rows). One list,
// so a pattern changed here changes the counter, the alert and the panel together.

/** Loki `job` label of each workload family; Fluent Bit sets it from the pod's namespace. */
export const LOG_JOBS = { moeLab: 'moe-lab', mage: 'mage' } as const;
export type LogJob = (typeof LOG_JOBS)[keyof typeof LOG_JOBS];

/**
 * The only labels Fluent Bit gives Loki streams. Low cardinality by design: everything else
 * (node, level, trace ids, JSON fields) stays in the line, for `| json` and line filters.
 */
export const LOKI_STREAM_LABELS = ['job', 'namespace', 'pod', 'container', 'app'] as const;
export type LokiStreamLabel = (typeof LOKI_STREAM_LABELS)[number];

/**
 * Labels of every log-derived counter. No `job`: Prometheus' own `job` says which scrape job
 * (Fluent Bit's) collected it, as for every other series.
 */
export const LOG_METRIC_LABELS = ['namespace', 'pod', 'container', 'app'] as const;

/**
 * Fluent Bit's log_to_metrics names a counter `<metric_namespace>_<metric_mode>_<metric_name>`,
 * with `log_metric` as the default namespace.
 */
export const LOG_METRIC_PREFIX = 'log_metric_counter_';

export interface LogPattern {
  /** `metric_name` in Fluent Bit; Prometheus sees `LOG_METRIC_PREFIX + metricName`. */
  readonly metricName: string;
  readonly help: string;
  /**
   * Matched against the raw line (`log`). Written in the subset Onigmo (Fluent Bit) and RE2
   * (Loki's `|~`) read alike: no look-around, no back-references.
   */
  readonly regex: string;
  /** The workload families whose logs are counted. */
  readonly jobs: readonly LogJob[];
  /** Dashboard title of the pattern's Logs panel. */
  readonly title: string;
  /** The alert on the pattern's counter (rules/groups/logs.ts). */
  readonly alert: string;
}

const BOTH = [LOG_JOBS.moeLab, LOG_JOBS.mage] as const;

export const LOG_PATTERNS = {
  /** A loss that is NaN or ±inf (also printed as a tensor): the run has diverged. `loss_scale=inf` (AMP's scaler) is not a loss. */
  lossNotFinite: {
    metricName: 'training_loss_not_finite_total',
    help: 'Log lines reporting a training loss of NaN or ±inf.',
    regex: '(?i)\\b(?:[a-z0-9]+_)?loss\\b["\']?\\s*[:=]\\s*["\']?(?:tensor\\()?[-+]?(?:nan|inf|infinity)\\b',
    jobs: [LOG_JOBS.moeLab],
    title: 'Loss NaN / inf',
    alert: 'TrainingLossNaNInLogs',
  },
  /** The seed's expert-routing patterns: `expert.*overflow` and `routing.*failed`. */
  expertRouting: {
    metricName: 'expert_routing_errors_total',
    help: 'Log lines reporting an expert capacity overflow or a failed routing decision.',
    regex: '(?i)expert.*overflow|routing.*failed',
    jobs: [LOG_JOBS.moeLab],
    title: 'Expert overflow / routing failed',
    alert: 'ExpertRoutingErrorsInLogs',
  },
  /** PyTorch's `CUDA out of memory. Tried to allocate …`, `CUDA error: out of memory`, `torch.OutOfMemoryError` and a bare `OOM`;
   * not Java's heap OutOfMemoryError (a Mage game engine), which is no GPU fault. */
  gpuOutOfMemory: {
    metricName: 'gpu_out_of_memory_total',
    help: 'Log lines reporting CUDA out of memory (OOM).',
    regex: '(?i:cuda out of memory|cuda error: out of memory)|torch\\.(?:cuda\\.)?OutOfMemoryError|\\bOOM\\b',
    jobs: BOTH,
    title: 'CUDA out of memory',
    alert: 'CudaOutOfMemoryInLogs',
  },
  /**
   * NCCL failures. `NCCL INFO` is chatter printed at start-up; `NCCL WARN` is printed only for real
   * faults (a closed connection, a timeout) and always precedes the error the job then raises.
   */
  ncclError: {
    metricName: 'nccl_errors_total',
    help: 'Log lines reporting an NCCL error or warning, or a collective operation timeout.',
    regex:
      '\\bNCCL (?:WARN|ERROR)\\b|(?i:nccl error)|nccl(?:System|Internal|UnhandledCuda|Remote|InvalidUsage)Error|Watchdog caught collective operation timeout',
    jobs: BOTH,
    title: 'NCCL errors',
    alert: 'NcclErrorsInLogs',
  },
  /** The Java game engine and the Python policy of a Mage worker talk over a Py4J bridge. */
  bridgeError: {
    metricName: 'python_bridge_errors_total',
    help: 'Log lines reporting a failure of the Java↔Python bridge (Py4J errors, bridge timeouts).',
    regex: 'Py4J(?:Java|Network)?(?:Error|Exception)|(?i:bridge\\b.*\\b(?:error|exception|timed out|timeout|failed|failure))',
    jobs: [LOG_JOBS.mage],
    title: 'Java↔Python bridge errors',
    alert: 'PythonBridgeErrorsInLogs',
  },
  /** A checkpoint that could not be written or loaded, in either word order, or a CheckpointException. */
  checkpointFailure: {
    metricName: 'checkpoint_failures_total',
    help: 'Log lines reporting a failed checkpoint save or load.',
    regex:
      '(?i:checkpoint\\w*\\b.*\\b(?:fail(?:ed|ure)?|error|exception)\\b|checkpoint(?:error|exception)\\b|\\b(?:fail(?:ed|ure)?|error)\\b.*\\bcheckpoint)',
    jobs: BOTH,
    title: 'Checkpoint failures',
    alert: 'CheckpointFailuresInLogs',
  },
  /** ERROR lines: plain text (`ERROR`), JSON (`"level": "error"`) or logfmt (`level=error`). */
  errorLine: {
    metricName: 'error_lines_total',
    help: 'Log lines at level ERROR, per app.',
    regex: '\\bERROR\\b|"level"\\s*:\\s*"(?i:error)"|\\blevel=(?i:error)\\b',
    jobs: BOTH,
    title: 'ERROR lines',
    alert: 'ErrorLogRateHigh',
  },
} as const satisfies Record<string, LogPattern>;

export type LogPatternId = keyof typeof LOG_PATTERNS;

/** The Prometheus name of a pattern's counter. */
export const logMetricName = (id: LogPatternId): string => LOG_METRIC_PREFIX + LOG_PATTERNS[id].metricName;
