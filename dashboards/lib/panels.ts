import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { MetricUnit } from '../../rules/catalog';
import { PROMETHEUS_REF } from './datasources';
import { GRAFANA_UNITS } from './units';

/** One PromQL expression and how its series are named in the legend. */
export interface Query {
  readonly expr: string;
  /** Grafana legend template, e.g. `{{pod}}`. @default - Grafana's automatic legend */
  readonly legend?: string;
}

/** Where an alert fires: `above` the value (a maximum) or `below` it (a minimum). */
export interface Threshold {
  readonly value: number;
  readonly bad: 'above' | 'below';
  /** A second, critical tier beyond `value`; `value` is then drawn as a warning. @default - one tier */
  readonly critical?: number;
}

export interface PanelSpec {
  readonly title: string;
  /** What the panel answers and what to do about it; shown as the panel's (i) tooltip. */
  readonly description: string;
  readonly unit: MetricUnit;
  readonly queries: readonly Query[];
  /** Grid columns out of 24. @default 12 */
  readonly width?: number;
  /** Grid rows. @default 8 */
  readonly height?: number;
  readonly min?: number;
  readonly max?: number;
}

export interface ThresholdPanelSpec extends PanelSpec {
  /** The alert threshold this panel is drawn against; colours and the line come from it. */
  readonly threshold?: Threshold;
}

export const GOOD = 'green';
export const WARN = 'orange';
export const BAD = 'red';

/**
 * Green on the safe side of the alert threshold and red beyond it (orange between the tiers of a
 * two-tier alert); no threshold means plain green. Steps ascend, as Grafana requires.
 */
export function thresholdSteps(threshold?: Threshold): dashboard.ThresholdsConfigBuilder {
  const tiers = (color: string, value: number) => ({ color, value });
  let steps: dashboard.Threshold[] = [{ value: null, color: GOOD }];
  if (threshold?.bad === 'above') {
    steps =
      threshold.critical === undefined
        ? [{ value: null, color: GOOD }, tiers(BAD, threshold.value)]
        : [{ value: null, color: GOOD }, tiers(WARN, threshold.value), tiers(BAD, threshold.critical)];
  } else if (threshold?.bad === 'below') {
    steps =
      threshold.critical === undefined
        ? [{ value: null, color: BAD }, tiers(GOOD, threshold.value)]
        : [{ value: null, color: BAD }, tiers(WARN, threshold.critical), tiers(GOOD, threshold.value)];
  }
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

/** Range queries with refIds A, B, C… against the dashboard's `$datasource`. */
export function targets(queries: readonly Query[], options: { instant?: boolean; table?: boolean } = {}): prometheus.DataqueryBuilder[] {
  return queries.map((query, i) => {
    const target = new prometheus.DataqueryBuilder()
      .datasource(PROMETHEUS_REF)
      .refId(String.fromCharCode(65 + i))
      .expr(query.expr);
    if (query.legend) target.legendFormat(query.legend);
    if (options.instant) target.instant();
    else target.range();
    if (options.table) target.format(prometheus.PromQueryFormat.Table);
    return target;
  });
}

/** The settings every panel shares: datasource, title, description, unit, size and queries. */
interface CommonPanel<T> {
  datasource(ref: common.DataSourceRef): T;
  title(title: string): T;
  description(description: string): T;
  unit(unit: string): T;
  span(width: number): T;
  height(height: number): T;
  min(min: number): T;
  max(max: number): T;
  withTarget(target: cog.Builder<cog.Dataquery>): T;
}

export function applyCommon<T extends CommonPanel<T>>(panel: T, spec: PanelSpec, instant = false): T {
  panel
    .datasource(PROMETHEUS_REF)
    .title(spec.title)
    .description(spec.description)
    .unit(GRAFANA_UNITS[spec.unit])
    .span(spec.width ?? 12)
    .height(spec.height ?? 8);
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  for (const target of targets(spec.queries, { instant })) panel.withTarget(target);
  return panel;
}

/** A time series; with a threshold, the alert line is drawn dashed and the bad side shaded. */
export function timeseriesPanel(spec: ThresholdPanelSpec): timeseries.PanelBuilder {
  const panel = applyCommon(new timeseries.PanelBuilder(), spec)
    .thresholds(thresholdSteps(spec.threshold))
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .showLegend(true)
        .calcs(['lastNotNull', 'max']),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  if (spec.threshold)
    panel.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.DashedAndArea));
  return panel;
}

/** One number, coloured by the alert threshold. */
export function statPanel(spec: ThresholdPanelSpec): stat.PanelBuilder {
  return applyCommon(new stat.PanelBuilder(), { width: 6, height: 4, ...spec }, true)
    .thresholds(thresholdSteps(spec.threshold))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
}
