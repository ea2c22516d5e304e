import { mageMetrics } from './mage';
import { moeLabMetrics } from './moe-lab';
import { exporterMetrics, recordedSeedMetrics } from './platform';
import type { MetricDefinition } from './types';

export * from './types';

/** Every metric the stack's rules and dashboards may read. */
export const METRIC_CATALOG: readonly MetricDefinition[] = [...moeLabMetrics, ...mageMetrics, ...exporterMetrics, ...recordedSeedMetrics];

export function catalogByName(catalog: readonly MetricDefinition[] = METRIC_CATALOG): ReadonlyMap<string, MetricDefinition> {
  const byName = new Map<string, MetricDefinition>();
  for (const metric of catalog) {
    if (byName.has(metric.name)) throw new Error(`metric catalog: "${metric.name}" is listed twice`);
    byName.set(metric.name, metric);
  }
  return byName;
}
