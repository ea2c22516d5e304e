import { App } from 'cdk8s';
import { stringify } from 'yaml';
import type { EnvironmentConfig } from '../../config';
import type { ComponentChart } from './component-chart';
import { buildEnvironment } from './environment';
import { GENERATED_HEADER } from '../../contracts/generated-header';

/** Apply order, as Helm uses it: what others depend on comes first. Unlisted kinds sort last, by name. */
const KIND_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PriorityClass',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
];

interface KubeObject {
  kind: string;
  metadata: { name: string; namespace?: string };
}

const kindRank = (kind: string) => (KIND_ORDER.includes(kind) ? KIND_ORDER.indexOf(kind) : KIND_ORDER.length);

/** Stable order so re-synthesis gives the same bytes and PR diffs stay small. */
export function sortObjects<T extends KubeObject>(objects: readonly T[]): T[] {
  const key = (o: T) => [o.metadata.namespace ?? '', o.metadata.name].join('/');
  return [...objects].sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || a.kind.localeCompare(b.kind) || key(a).localeCompare(key(b)));
}

export function renderManifest(chart: ComponentChart): string {
  const objects = sortObjects(chart.toJson() as KubeObject[]);
  return GENERATED_HEADER + objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

/** Every file of dist/<env>/, keyed by path relative to it, sorted by path. */
export function renderEnvironment(env: EnvironmentConfig): Map<string, string> {
  const charts = buildEnvironment(new App(), env);
  const files = new Map<string, string>();
  for (const chart of charts) {
    files.set(`${chart.component}.yaml`, renderManifest(chart));
    for (const [path, content] of chart.configFiles) files.set(`config/${path}`, content);
  }
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
