// LogQL for the Logs rows: stream selectors on the labels Fluent Bit sets, line filters quoted the way
// Loki unquotes them, and the panels that show them. The failure patterns come from one list
// (rules/log-patterns.ts), so a Logs panel shows exactly the lines its alert's counter counts.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import {
  LOG_JOBS,
  LOG_METRIC_LABELS,
  LOG_PATTERNS,
  LOKI_STREAM_LABELS,
  logMetricName,
  type LogJob,
  type LogPattern,
  type LogPatternId,
  type LokiStreamLabel,
} from '../../rules/log-patterns';
import { linesWithin } from '../../rules/groups/logs';
import { JOBS } from '../../contracts/jobs';
import { LOGS } from '../../rules/thresholds';
import { LOKI_REF } from './datasources';
import { timeseriesPanel } from './panels';
import { filters, selector } from './variables';

export const LOGS_ROW_TITLE = 'Logs';
/** Lines per Logs panel: enough to see a burst, few enough to keep the dashboard responsive. */
export const LOGS_MAX_LINES = 500;

/**
 * A LogQL string literal. Loki unquotes it with Go's rules, which read every escape JSON writes
 * (`\\`, `\"`, `\n`, `\uXXXX`) the same way, so a regex's backslashes reach RE2 as written.
 */
export const logqlString = (value: string): string => JSON.stringify(value);

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface StreamMatcher {
  readonly label: LokiStreamLabel;
  readonly op: MatchOp;
  /** A value or regex; dashboard variables such as `$pod` are substituted by Grafana. */
  readonly value: string;
}

/** The streams a dashboard's Logs row reads. */
export interface LogScope {
  readonly job: LogJob;
  /** Matchers after `job` and `namespace=~"$namespace"`, e.g. the dashboard's app and pod. @default - none */
  readonly matchers?: readonly StreamMatcher[];
}

const MATCH_OPS: readonly string[] = ['=', '!=', '=~', '!~'];

/** `{job="<job>", namespace=~"$namespace", …}`; only labels Fluent Bit puts on streams are allowed. */
export function streamSelector(scope: LogScope): string {
  if (!(Object.values(LOG_JOBS) as string[]).includes(scope.job))
    throw new Error(`LogScope.job: "${scope.job}" is not a log job; allowed: ${Object.values(LOG_JOBS).join(', ')}`);
  const matchers: StreamMatcher[] = [
    { label: 'job', op: '=', value: scope.job },
    { label: 'namespace', op: '=~', value: '$namespace' },
    ...(scope.matchers ?? []),
  ];
  for (const { label, op } of matchers) {
    if (!(LOKI_STREAM_LABELS as readonly string[]).includes(label))
      throw new Error(`LogScope.matchers: label "${label}" is not a Loki stream label; allowed: ${LOKI_STREAM_LABELS.join(', ')}`);
    if (!MATCH_OPS.includes(op)) throw new Error(`LogScope.matchers: operator "${op}" of ${label}; allowed: ${MATCH_OPS.join(' ')}`);
  }
  return `{${matchers.map((m) => `${m.label}${m.op}${logqlString(m.value)}`).join(', ')}}`;
}

/** The streams of some apps of a job, narrowed by the dashboard's pod variable(s), e.g. `$pod`. */
export function appScope(job: LogJob, apps: readonly string[], pods: string): LogScope {
  const app: StreamMatcher =
    apps.length === 1 ? { label: 'app', op: '=', value: apps[0] } : { label: 'app', op: '=~', value: apps.join('|') };
  return { job, matchers: [app, { label: 'pod', op: '=~', value: pods }] };
}

/** `|= "<text>"`: lines containing the text. */
export const containsFilter = (text: string): string => `|= ${logqlString(text)}`;
/** `|~ "<regex>"`: lines matching the RE2 regex. */
export const regexFilter = (regex: string): string => `|~ ${logqlString(regex)}`;
/** A log query: the scope's stream selector, then the pipeline stages in order. */
export const logQuery = (scope: LogScope, ...stages: readonly string[]): string => [streamSelector(scope), ...stages].join(' ');

/** The alerts of the failure patterns whose `|~` filter a LogQL query applies: their runbooks belong on its panel. */
export function patternAlertsIn(logql: string): string[] {
  const patterns: readonly LogPattern[] = Object.values(LOG_PATTERNS);
  return patterns.filter((pattern) => logql.includes(regexFilter(pattern.regex))).map((pattern) => pattern.alert);
}

const patternOf = (id: LogPatternId): LogPattern => LOG_PATTERNS[id];

function lokiTarget(expr: string, legend?: string): loki.DataqueryBuilder {
  const target = new loki.DataqueryBuilder()
    .datasource(LOKI_REF)
    .refId('A')
    .expr(expr)
    .queryType(loki.LokiQueryType.Range)
    .editorMode(loki.QueryEditorMode.Code);
  return legend ? target.legendFormat(legend) : target;
}

export interface LogsPanelSpec {
  readonly title: string;
  /** What the lines mean and what to do about them; shown as the panel's (i) tooltip. */
  readonly description: string;
  /** A LogQL log query (no range aggregation). */
  readonly expr: string;
  /** Grid columns out of 24. @default 12 */
  readonly width?: number;
  /** Grid rows. @default 8 */
  readonly height?: number;
}

/** Newest lines first, wrapped, with the labels that tell the streams apart and a link to each line's context. */
export function logsPanel(spec: LogsPanelSpec): logs.PanelBuilder {
  return new logs.PanelBuilder()
    .datasource(LOKI_REF)
    .title(spec.title)
    .description(spec.description)
    .span(spec.width ?? 12)
    .height(spec.height ?? 8)
    .showTime(true)
    .showLabels(true)
    .showCommonLabels(false)
    .wrapLogMessage(true)
    .prettifyLogMessage(false)
    .enableLogDetails(true)
    .showLogContextToggle(true)
    .sortOrder(common.LogsSortOrder.Descending)
    .dedupStrategy(common.LogsDedupStrategy.None)
    .withTarget(lokiTarget(spec.expr).maxLines(LOGS_MAX_LINES));
}

/** A pattern's Logs panel: the lines Fluent Bit counts for it, in the scope's streams; titled as the pattern. */
export function patternLogsPanel(id: LogPatternId, scope: LogScope): logs.PanelBuilder {
  const pattern = patternOf(id);
  if (!pattern.jobs.includes(scope.job))
    throw new Error(`patternLogsPanel: pattern "${id}" applies to job(s) ${pattern.jobs.join(', ')}, not to job "${scope.job}"`);
  return logsPanel({
    title: pattern.title,
    description: `${pattern.help} The same lines Fluent Bit counts as ${logMetricName(id)}, on which ${pattern.alert} fires; open a line's context to see what led up to it.`,
    expr: logQuery(scope, regexFilter(pattern.regex)),
  });
}

/** The seed's "error rate by service": ERROR lines per second of each app of a job. */
export function errorRatePerApp(job: LogJob): timeseries.PanelBuilder {
  const expr = `sum by (app) (rate(${logQuery({ job }, containsFilter('ERROR'))} [$__auto]))`;
  // The shared time series styling, with Loki as datasource and target instead of Prometheus.
  return timeseriesPanel({
    title: 'ERROR lines per app',
    description: `Log lines containing ERROR per second, per app of the ${job} job in the selected namespaces (Loki; the pod filters do not apply). A step up points at the app to read the logs of below.`,
    unit: 'errors_per_second',
    queries: [],
    min: 0,
  })
    .datasource(LOKI_REF)
    .withTarget(lokiTarget(expr, '{{app}}'));
}

/** The seed's "GPU memory warnings". */
export const gpuMemoryWarnings = (scope: LogScope): logs.PanelBuilder =>
  logsPanel({
    title: 'GPU memory warnings',
    description:
      'Lines mentioning GPU memory at warning level: the framework reports memory pressure (fragmentation, near-full allocator) before it runs out of memory.',
    expr: logQuery(scope, containsFilter('GPU memory'), containsFilter('warning')),
  });

/** The seed's "expert routing statistics": the JSON lines with expert utilization, fields extracted. */
export const expertRoutingStatistics = (scope: LogScope): logs.PanelBuilder =>
  logsPanel({
    title: 'Expert routing statistics',
    description:
      'Structured lines reporting expert utilization, parsed as JSON: open a line to see its fields (per-expert token shares, overflow counts) next to the routing metrics.',
    expr: logQuery(scope, containsFilter('expert_utilization'), '| json'),
  });

const ERROR_LINES: LogPatternId = 'errorLine';

/** The log counter's series for a scope: Fluent Bit's scrape job, then the dashboard's filters on the same labels as the streams. */
function counterSelector(id: LogPatternId, matchers: readonly StreamMatcher[]): string {
  const outside = matchers.filter((m) => !(LOG_METRIC_LABELS as readonly string[]).includes(m.label)).map((m) => m.label);
  if (outside.length > 0)
    throw new Error(`log counter matchers: ${outside.join(', ')} not among its labels ${LOG_METRIC_LABELS.join(', ')}`);
  const narrowing = matchers.map((m) => `${m.label}${m.op}${JSON.stringify(m.value)}`);
  return selector(logMetricName(id), `job="${JOBS.fluentBit}"`, ...filters('cluster', 'namespace'), ...narrowing);
}

/** ERROR lines per second per app, as ErrorLogRateHigh judges them (all pods of an app), against its threshold. */
export function errorLinesCounted(): timeseries.PanelBuilder {
  return timeseriesPanel({
    title: 'ERROR lines per app, counted',
    description: `${LOG_PATTERNS.errorLine.help} Counted by Fluent Bit (${logMetricName(ERROR_LINES)}, ${LOGS.errorRateWindow} rate, all pods of each app); above the dashed ${LOGS.maxErrorLinesPerSecond} line/s for 15 minutes ErrorLogRateHigh fires.`,
    unit: 'errors_per_second',
    queries: [
      {
        expr: `sum by (namespace, app) (rate(${counterSelector(ERROR_LINES, [])}[${LOGS.errorRateWindow}]))`,
        legend: '{{namespace}}/{{app}}',
      },
    ],
    threshold: { value: LOGS.maxErrorLinesPerSecond, bad: 'above' },
    min: 0,
  });
}

/** Matches of each failure pattern per app, as Fluent Bit counts them for the alerts. */
export function failureLinesCounted(scope: LogScope, ids: readonly LogPatternId[]): timeseries.PanelBuilder {
  return timeseriesPanel({
    title: 'Failure lines counted',
    description:
      'Lines matching each failure pattern per app within each rate interval of the graph (about one step), as Fluent Bit counts them and the alerts read them (Prometheus), the line that creates a counter included; the panels below show the lines themselves.',
    unit: 'errors',
    queries: ids.map((id) => ({
      expr: `sum by (app) (${linesWithin(counterSelector(id, scope.matchers ?? []), '$__rate_interval', filters('cluster'))})`,
      legend: `{{app}}: ${patternOf(id).title}`,
    })),
    min: 0,
  });
}

export interface LogsRowOptions {
  /** Panels after the counts and before the pattern panels, e.g. the seed's log queries. @default - none */
  readonly extra?: ReadonlyArray<cog.Builder<dashboard.Panel>>;
  /** Patterns of the scope's job that make no sense on this dashboard. @default - none */
  readonly omit?: readonly LogPatternId[];
}

/**
 * The Logs row: ERROR lines per app (Loki, and counted against ErrorLogRateHigh's threshold), the
 * failure patterns' counts, the extra panels, then one Logs panel per failure pattern of the scope's job.
 * Collapsed, so Loki is queried only when someone opens it, not on every 30 s refresh.
 */
export function logsRow(scope: LogScope, options: LogsRowOptions = {}) {
  const applies = (Object.keys(LOG_PATTERNS) as LogPatternId[]).filter((id) => patternOf(id).jobs.includes(scope.job));
  const unknown = (options.omit ?? []).filter((id) => !applies.includes(id));
  if (unknown.length > 0)
    throw new Error(`logsRow.omit: ${unknown.join(', ')} not among the patterns of job "${scope.job}": ${applies.join(', ')}`);
  const patterns = applies.filter((id) => !(options.omit ?? []).includes(id));
  const counted = patterns.filter((id) => id !== ERROR_LINES);
  return {
    title: LOGS_ROW_TITLE,
    collapsed: true,
    panels: [
      errorRatePerApp(scope.job),
      errorLinesCounted(),
      ...(counted.length > 0 ? [failureLinesCounted(scope, counted)] : []),
      ...(options.extra ?? []),
      ...patterns.map((id) => patternLogsPanel(id, scope)),
    ],
  } as const;
}
