import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as table from '@grafana/grafana-foundation-sdk/table';
import type { MetricUnit } from '../../rules/catalog';
import { PROMETHEUS_REF } from './datasources';
import { applyCommon, targets, thresholdSteps, type PanelSpec, type Threshold } from './panels';
import { GRAFANA_UNITS } from './units';

export interface TableColumn {
  readonly title: string;
  /** Must aggregate `by` the table's row labels, so the columns merge into one row per key. */
  readonly expr: string;
  readonly unit: MetricUnit;
  /** Colours the cell by the alert threshold. */
  readonly threshold?: Threshold;
}

export interface TableSpec {
  readonly title: string;
  readonly description: string;
  /** Labels that identify a row (e.g. namespace, pod); shown as the first columns. */
  readonly rowLabels: readonly string[];
  readonly columns: readonly TableColumn[];
  readonly width?: number;
  readonly height?: number;
}

/** One row per `rowLabels` key, one column per instant query, joined by Grafana's merge transformation. */
export function tablePanel(spec: TableSpec): table.PanelBuilder {
  const queries = spec.columns.map((column) => ({ expr: column.expr, legend: column.title }));
  // Grafana names the value field of a table-format query `Value` when it is the only query, `Value #<refId>` otherwise.
  const valueField = (i: number) => (spec.columns.length === 1 ? 'Value' : `Value #${refId(i)}`);
  const panel = new table.PanelBuilder()
    .datasource(PROMETHEUS_REF)
    .title(spec.title)
    .description(spec.description)
    .unit(GRAFANA_UNITS[spec.columns[0].unit])
    .span(spec.width ?? 24)
    .height(spec.height ?? 8)
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true },
        indexByName: Object.fromEntries([...spec.rowLabels, ...spec.columns.map((_, i) => valueField(i))].map((name, i) => [name, i])),
        renameByName: Object.fromEntries(spec.columns.map((column, i) => [valueField(i), column.title])),
      },
    })
    .sortBy([new common.TableSortByFieldStateBuilder().displayName(spec.rowLabels[spec.rowLabels.length - 1])]);
  for (const target of targets(queries, { instant: true, table: true })) panel.withTarget(target);
  for (const column of spec.columns) {
    panel.overrideByName(column.title, [
      { id: 'unit', value: GRAFANA_UNITS[column.unit] },
      ...(column.threshold
        ? [
            { id: 'thresholds', value: thresholdSteps(column.threshold).build() },
            { id: 'custom.cellOptions', value: { type: common.TableCellDisplayMode.ColorText } },
          ]
        : []),
    ]);
  }
  return panel;
}

const refId = (i: number) => String.fromCharCode(65 + i);

/** Horizontal bars, one per series: for comparing many experts, pods or GPUs at a glance. */
export function barGaugePanel(spec: PanelSpec & { readonly threshold?: Threshold }): bargauge.PanelBuilder {
  return applyCommon(new bargauge.PanelBuilder(), spec, true)
    .thresholds(thresholdSteps(spec.threshold))
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .orientation(common.VizOrientation.Horizontal)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
}

/** Series × time as colour: shows which expert (or GPU) carries the load, and when that changed. */
export function heatmapPanel(spec: PanelSpec): heatmap.PanelBuilder {
  return (
    applyCommon(new heatmap.PanelBuilder(), spec)
      .calculate(false)
      // Cells take the panel unit; yAxis.unit would format the row names (series labels), so it stays unset.
      .color(new heatmap.HeatmapColorOptionsBuilder().mode(heatmap.HeatmapColorMode.Scheme).scheme('Oranges').steps(64))
  );
}
