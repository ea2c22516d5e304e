import { LOG_METRIC_LABELS, LOG_PATTERNS, logMetricName, type LogPatternId } from '../log-patterns';
import type { MetricDefinition } from './types';

/**
 * One counter per log pattern, as Fluent Bit's log_to_metrics filter exposes it: generated from
 * LOG_PATTERNS, so the catalog cannot drift from the filter, the alerts or the panels. Scraped with
 * honor_labels, its namespace/pod/container/app name the pod that logged the line, not Fluent Bit.
 */
const logDerivedMetrics: MetricDefinition[] = (Object.keys(LOG_PATTERNS) as LogPatternId[]).map((id) => ({
  name: logMetricName(id),
  type: 'counter',
  unit: 'count',
  source: 'fluent-bit',
  labels: LOG_METRIC_LABELS,
  help: `${LOG_PATTERNS[id].help} Created at the first matching line, with value 1.`,
}));

// Fluent Bit's own output metrics, one series per output plugin instance (`name`: its alias, such as
// `loki`, else `loki.0`). They start at 0 when the output starts.
const fluentBitOutput = (name: string, unit: MetricDefinition['unit'], help: string): MetricDefinition => ({
  name,
  type: 'counter',
  unit,
  source: 'fluent-bit',
  labels: ['name'],
  help,
});

/** Log-derived counters and the Fluent Bit self metrics that tell whether logs reach Loki. */
export const logMetrics: readonly MetricDefinition[] = [
  ...logDerivedMetrics,
  fluentBitOutput(
    'fluentbit_output_dropped_records_total',
    'count',
    'Records an output dropped: the destination refused them, or their chunk ran out of retries. Chunks discarded from a full disk buffer are not counted.',
  ),
  fluentBitOutput(
    'fluentbit_output_retries_failed_total',
    'count',
    'Chunks an output gave up on after its retry limit; their records are dropped (and counted there too).',
  ),
  fluentBitOutput(
    'fluentbit_output_retries_total',
    'count',
    'Retries an output scheduled for chunks it could not deliver (destination down, slow or rate limiting).',
  ),
  fluentBitOutput('fluentbit_output_proc_records_total', 'count', 'Records an output delivered successfully.'),
];
