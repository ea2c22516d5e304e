import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE_VARIABLE, DATASOURCES, PROMETHEUS_REF, type DatasourceDefinition } from './datasources';

/** Labels a dashboard can filter on; cluster and namespace are on every dashboard. */
export type FilterLabel = 'cluster' | 'namespace' | 'node' | 'gpu' | 'pod' | 'expert';

const LABEL_TEXT: Readonly<Record<FilterLabel, string>> = {
  cluster: 'Cluster',
  namespace: 'Namespace',
  node: 'Node',
  gpu: 'GPU',
  pod: 'Pod',
  expert: 'Expert',
};

/**
 * "All" matches every value, including a missing label: a single cluster's Prometheus has no
 * `cluster` label (it is an external label, added only on federation), so All still shows its data.
 */
export const ALL_VALUE = '.*';

/** `label=~"$label"` per label; multi-value variables are substituted as a regex alternation. */
export function filters(...labels: readonly FilterLabel[]): string[] {
  return labels.map((label) => `${label}=~"$${label}"`);
}

/**
 * A second variable on the same label, listing only some of its values: e.g. `worker` and
 * `learner` both filter `pod`, so picking a learner does not empty the worker panels.
 */
export interface NamedFilter {
  readonly name: string;
  readonly label: FilterLabel;
  readonly text: string;
  /** Narrows the dashboard's source metric to this variable's values, e.g. `app="mage-worker"`. */
  readonly matchers: readonly string[];
}

/** `label=~"$name"` for a named filter. */
export const filterBy = (variable: NamedFilter): string => `${variable.label}=~"$${variable.name}"`;

/** `metric{m1, m2}` (or just `metric` when there are no matchers). */
export function selector(metric: string, ...matchers: readonly string[]): string {
  return matchers.length === 0 ? metric : `${metric}{${matchers.join(', ')}}`;
}

/**
 * What `cluster` lists its values from, whatever the dashboard shows: every Prometheus has `up`. On
 * the global Prometheus the federation job's `up` names each member by `cluster` (down or not) and
 * every federated series carries it; a dashboard's own source metric may never be federated (raw
 * DCGM fields are not), so it would list no cluster there. On a member `cluster` is only an external
 * label: nothing is listed and All (`ALL_VALUE`) matches the missing label.
 */
export const CLUSTER_VALUES_QUERY = 'label_values(up, cluster)';

/** What a dashboard's variables list their values from: a metric every row of the dashboard has. */
export interface VariableSource {
  /** Lists namespace and the dashboard's own filters; `cluster` uses `CLUSTER_VALUES_QUERY`. */
  readonly metric: string;
  /** Narrows the metric to the dashboard's workload, e.g. `app="moe-trainer"`. */
  readonly matchers?: readonly string[];
  /** Filters after cluster and namespace, in the order they are chained. */
  readonly labels?: ReadonlyArray<FilterLabel | NamedFilter>;
  /**
   * The Prometheus `$datasource` starts at; any other Prometheus datasource can be picked.
   * @default DATASOURCES.prometheus
   */
  readonly datasource?: DatasourceDefinition;
}

function datasourceVariable(initial: DatasourceDefinition): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE)
    .label('Data source')
    .type(DATASOURCES.prometheus.type)
    .current({ selected: true, text: initial.name, value: initial.uid });
}

const asNamed = (filter: FilterLabel | NamedFilter): NamedFilter =>
  typeof filter === 'string' ? { name: filter, label: filter, text: LABEL_TEXT[filter], matchers: [] } : filter;

/** Each variable lists the values left by the ones before it, so picking a namespace narrows the pods. */
function labelVariable(variable: NamedFilter, source: VariableSource, before: readonly NamedFilter[]): dashboard.QueryVariableBuilder {
  // A named filter does not narrow the filters after it: its values belong to a subset of the source.
  const chained = before.filter((b) => b.matchers.length === 0).map(filterBy);
  const query =
    variable.name === 'cluster'
      ? CLUSTER_VALUES_QUERY
      : `label_values(${selector(source.metric, ...(source.matchers ?? []), ...variable.matchers, ...chained)}, ${variable.label})`;
  return new dashboard.QueryVariableBuilder(variable.name)
    .label(variable.text)
    .datasource(PROMETHEUS_REF)
    .query({ query, refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 })
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(ALL_VALUE)
    .current({ selected: true, text: 'All', value: '$__all' });
}

/** `datasource`, `cluster`, `namespace` and the dashboard's own filters, chained in that order. */
export function templateVariables(source: VariableSource): Array<dashboard.DatasourceVariableBuilder | dashboard.QueryVariableBuilder> {
  const variables = (['cluster', 'namespace', ...(source.labels ?? [])] as const).map(asNamed);
  return [
    datasourceVariable(source.datasource ?? DATASOURCES.prometheus),
    ...variables.map((variable, i) => labelVariable(variable, source, variables.slice(0, i))),
  ];
}
