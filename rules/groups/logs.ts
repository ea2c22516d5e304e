import { durationSeconds } from '../../config/quantities';
import type { DashboardUid } from '../../contracts/dashboards';
import { LOG_PATTERNS, logMetricName, type LogPatternId } from '../log-patterns';
import { JOBS } from '../../contracts/jobs';
import { LOGS } from '../thresholds';
import type { AlertRule, Priority, RuleGroup, Severity } from '../types';

const fluentBit = `job="${JOBS.fluentBit}"`;

/**
 * The lines a log counter (a selector) counted in the last `window`, per series, exactly (no extrapolation;
 * 0 when none).
 * log_to_metrics creates a series at its first matching line, with value 1, so increase() never sees
 * that line: a series with no earlier value counts in full. The earlier value is the last one within
 * LOGS.counterLookback before the window, so a scrape gap shorter than that is not taken for a new
 * series; a value below it means Fluent Bit restarted, and the new value counts. A series counts as
 * new only if its node's Fluent Bit was scraped in that lookback: after a longer Prometheus outage, or
 * on the first install (when Fluent Bit reads the kubelet's existing logs from the start), old lines
 * must not page as new ones. `upMatchers` narrow the Fluent Bit targets as the counter is narrowed.
 */
export function linesWithin(counter: string, window: string, upMatchers: readonly string[] = []): string {
  const before = `(last_over_time(${counter}[${LOGS.counterLookback}] offset ${window}) <= ${counter})`;
  const up = `up{${[fluentBit, ...upMatchers].join(', ')}}`;
  const watchedBefore = `max by (cluster, node) (max_over_time(${up}[${LOGS.counterLookback}] offset ${window})) > 0`;
  return `(${counter} - ${before}) or ((${counter} unless ${before}) and on (cluster, node) (${watchedBefore}))`;
}

/** A log counter as the alerts select it: scraped by the Fluent Bit job. */
const counterOf = (id: LogPatternId) => `${logMetricName(id)}{${fluentBit}}`;

/**
 * Per logging container. Fluent Bit reads the logs of the node it runs on, so the `node` label of its
 * target is the node of the pod that logged the line: node-outage inhibition works as for pod alerts.
 */
const PER_CONTAINER = 'namespace, app, pod, container, node';
const container = '{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }})';

interface PatternAlert {
  readonly severity: Severity;
  readonly priority: Priority;
  readonly dashboard: DashboardUid;
  /** How long a matching line keeps the expression true. */
  readonly window: string;
  /** @default - the first matching line fires */
  readonly for?: string;
  readonly summary: string;
  /** Why the lines matter; ends the description. */
  readonly impact: string;
}

/** Every pattern but the ERROR lines, which alert on a rate per app instead. */
const PATTERN_ALERTS: Readonly<Record<Exclude<LogPatternId, 'errorLine'>, PatternAlert>> = {
  lossNotFinite: {
    // A NaN or inf loss does not recover by itself: every further step wastes the job's GPUs.
    severity: 'critical',
    priority: 'P1',
    dashboard: 'training',
    window: LOGS.oneOffWindow,
    summary: 'Training loss of {{ $labels.pod }} is NaN or infinite',
    impact: 'the run has diverged, and every further step wastes its GPUs',
  },
  expertRouting: {
    // Single overflow lines are routine at capacity; only recurring ones are worth a look.
    severity: 'warning',
    priority: 'P2',
    dashboard: 'training',
    window: LOGS.recurringWindow,
    for: '15m',
    summary: 'Expert overflow or routing failures keep appearing in the logs of {{ $labels.pod }}',
    impact: 'overflowing experts drop tokens, so the model learns from less of its data',
  },
  gpuOutOfMemory: {
    severity: 'warning',
    priority: 'P2',
    dashboard: 'training',
    window: LOGS.oneOffWindow,
    summary: '{{ $labels.pod }} ran out of GPU memory',
    impact: 'the step or request that hit it failed, and a trainer restarts from its last checkpoint',
  },
  ncclError: {
    // A failed collective stalls every rank of a distributed job, each holding its GPUs.
    severity: 'warning',
    priority: 'P1',
    dashboard: 'training',
    window: LOGS.oneOffWindow,
    summary: 'NCCL errors in the logs of {{ $labels.pod }}',
    impact: 'a failed collective stalls every rank of the job until the NCCL watchdog aborts it',
  },
  bridgeError: {
    // As PythonBridgeErrors: one failure loses one episode, recurring ones stop the worker.
    severity: 'warning',
    priority: 'P2',
    dashboard: 'mage-training',
    window: LOGS.recurringWindow,
    for: '10m',
    summary: 'The Java↔Python bridge of {{ $labels.pod }} keeps failing, per its logs',
    impact: 'every failure loses the episode in flight',
  },
  checkpointFailure: {
    severity: 'warning',
    priority: 'P2',
    dashboard: 'training',
    window: LOGS.oneOffWindow,
    summary: '{{ $labels.pod }} failed to save or load a checkpoint',
    impact: 'a crash now would lose the training since the last good checkpoint',
  },
};

function patternAlert(id: keyof typeof PATTERN_ALERTS): AlertRule {
  const { window, impact, ...rule } = PATTERN_ALERTS[id];
  const pattern = LOG_PATTERNS[id];
  return {
    ...rule,
    alert: pattern.alert,
    expr: `sum by (${PER_CONTAINER}) (${linesWithin(counterOf(id), window)}) > 0`,
    scope: 'pod',
    description: `${container} logged {{ $value | printf "%.0f" }} line(s) matching "${pattern.title}" in the last ${window}${rule.for ? ` (and has kept logging them for ${rule.for})` : ''}; ${impact}.`,
  };
}

const errorLines = LOG_PATTERNS.errorLine;

/** Alerts on the log lines Fluent Bit counts (rules/log-patterns.ts), and on Fluent Bit losing logs. */
export const logGroups: readonly RuleGroup[] = [
  {
    name: 'logs.alerts',
    file: 'logs',
    rules: [
      ...(Object.keys(PATTERN_ALERTS) as Array<keyof typeof PATTERN_ALERTS>).map(patternAlert),
      {
        // Per app: many pods logging a few errors each add up, one pod alone rarely matters.
        alert: errorLines.alert,
        expr: `sum by (namespace, app) (${linesWithin(counterOf('errorLine'), LOGS.errorRateWindow)}) / ${durationSeconds(LOGS.errorRateWindow)} > ${LOGS.maxErrorLinesPerSecond}`,
        for: '15m',
        severity: 'warning',
        priority: 'P3',
        dashboard: 'training',
        summary: '{{ $labels.app }} logs many ERROR lines',
        description: `The pods of {{ $labels.namespace }}/{{ $labels.app }} logged {{ $value | printf "%.2f" }} ERROR lines per second over the last ${LOGS.errorRateWindow} (above ${LOGS.maxErrorLinesPerSecond}), for 15 minutes.`,
      },
    ],
  },
  {
    name: 'logs.fluent-bit',
    file: 'logs',
    rules: [
      {
        // Records Loki refused outright, or whose retries ran out: lost for good. Chunks dropped from a
        // full disk buffer are not counted here (fluent-bit#7887); FluentBitOutputRetrying warns of those.
        alert: 'FluentBitDroppingLogs',
        expr: `increase(fluentbit_output_dropped_records_total{${fluentBit}}[${LOGS.droppedRecordsWindow}]) > 0`,
        severity: 'warning',
        priority: 'P2',
        dashboard: 'system',
        summary: 'Fluent Bit {{ $labels.pod }} is dropping log records',
        description: `Fluent Bit {{ $labels.namespace }}/{{ $labels.pod }} on {{ $labels.node }} dropped about {{ $value | printf "%.0f" }} records bound for output {{ $labels.name }} in the last ${LOGS.droppedRecordsWindow}; those lines never reach Loki.`,
      },
      {
        // Outputs may retry without limit, buffering on the node's disk: lines are late, not yet lost.
        // A Loki restart makes a few minutes of retries; the `for` waits them out.
        alert: 'FluentBitOutputRetrying',
        expr: `increase(fluentbit_output_retries_total{${fluentBit}}[${LOGS.outputRetryWindow}]) > 0`,
        for: LOGS.outputRetryingFor,
        severity: 'warning',
        priority: 'P2',
        dashboard: 'system',
        summary: 'Fluent Bit {{ $labels.pod }} keeps retrying output {{ $labels.name }}',
        description: `Fluent Bit {{ $labels.namespace }}/{{ $labels.pod }} on {{ $labels.node }} retried about {{ $value | printf "%.0f" }} chunks for output {{ $labels.name }} in the last ${LOGS.outputRetryWindow}, and has kept retrying for ${LOGS.outputRetryingFor}; its lines are late and pile up in the node's buffer, whose oldest chunks are dropped once it is full.`,
      },
    ],
  },
];
