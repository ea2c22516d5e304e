import type { DashboardUid } from '../../../contracts/dashboards';

/** One input series in promtool's expanding notation, e.g. `{ series: 'up{job="x"}', values: '1x30 0x30' }`. */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** An alert expected to fire: every label it carries (except alertname) and its annotations, written out. */
export interface ExpectedAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly summary: string;
  /** The description with the current value rendered, e.g. `... is 97% ...`. */
  readonly description: string;
  readonly dashboard: DashboardUid;
}

export interface AlertExpectation {
  readonly alert: string;
  /** Time since the start of the series, e.g. `10m`. */
  readonly at: string;
  /** Empty: the alert must not be firing at `at`. */
  readonly fires: readonly ExpectedAlert[];
}

export interface ExpressionExpectation {
  readonly expr: string;
  readonly at: string;
  /** Every sample of the result: labels in PromQL selector form (`{node="a"}`) and the value. */
  readonly samples: ReadonlyArray<{ readonly labels: string; readonly value: number }>;
}

/** One promtool `tests:` entry: input series and what must (not) fire or be recorded. */
export interface RuleTestCase {
  /** What the case proves, e.g. "97 % for 5 m fires GPUMemoryUsageHigh". */
  readonly name: string;
  /** @default '1m' */
  readonly interval?: string;
  readonly series: readonly InputSeries[];
  readonly alerts?: readonly AlertExpectation[];
  readonly expressions?: readonly ExpressionExpectation[];
}
