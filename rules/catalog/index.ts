import { mageMetrics } from './mage';
import { moeLabMetrics } from './moe-lab';
import { dcgmExporterMetrics } from './dcgm-exporter';
import { kubernetesMetrics } from './kubernetes';
import { nodeExporterMetrics } from './node-exporter';
import { prometheusMetrics } from './prometheus';
import { moeTrainingRecorded } from './recorded/moe-training';
import { moeInferenceRecorded } from './recorded/moe-inference';
import { mageWorkersRecorded } from './recorded/mage-workers';
import { mageLearnersRecorded } from './recorded/mage-learners';
import { gpuRecorded } from './recorded/gpu';
import { nodeRecorded } from './recorded/node';
import { kubernetesRecorded } from './recorded/kubernetes';
import { metaRecorded } from './recorded/meta';
import { federationRecorded } from './recorded/federation';
import { backupMetrics } from './backups';
import { logMetrics } from './logs';
import type { MetricDefinition } from './types';

export * from './types';

/** Every metric the stack's rules and dashboards may read. */
export const METRIC_CATALOG: readonly MetricDefinition[] = [
  ...moeLabMetrics,
  ...mageMetrics,
  ...nodeExporterMetrics,
  ...dcgmExporterMetrics,
  ...kubernetesMetrics,
  ...backupMetrics,
  ...logMetrics,
  ...prometheusMetrics,
  ...moeTrainingRecorded,
  ...moeInferenceRecorded,
  ...mageWorkersRecorded,
  ...mageLearnersRecorded,
  ...gpuRecorded,
  ...nodeRecorded,
  ...kubernetesRecorded,
  ...metaRecorded,
  ...federationRecorded,
];

export function catalogByName(catalog: readonly MetricDefinition[] = METRIC_CATALOG): ReadonlyMap<string, MetricDefinition> {
  const byName = new Map<string, MetricDefinition>();
  for (const metric of catalog) {
    if (byName.has(metric.name)) throw new Error(`metric catalog: "${metric.name}" is listed twice`);
    byName.set(metric.name, metric);
  }
  return byName;
}
