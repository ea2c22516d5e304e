// Synthetic series for every exporter metric of the catalog, as a healthy cluster reports them
// (synthetic-topology.ts), written as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`.
import { METRIC_CATALOG, type MetricDefinition } from '../../rules/catalog';
import { APPS, JOBS } from '../../contracts/jobs';
import { equalityMatchers, selectorsIn } from './dashboard-queries';
import { healthyValue } from './synthetic-values';
import {
  ALL_PODS,
  ALL_TARGETS,
  WORKLOAD_PODS,
  GPUS_PER_NODE,
  NODES,
  applicationTargets,
  monitoringTargets,
  nodeIp,
  nodeTargets,
  type Target,
} from './synthetic-topology';

/**
 * Series Prometheus writes itself while it evaluates alerting rules; synthetic copies would be
 * overwritten by, or clash with, the real ones of the Prometheus under test.
 */
export const WRITTEN_BY_PROMETHEUS = new Set(['ALERTS', 'ALERTS_FOR_STATE']);

/** Labels every target carries (after relabelling) or that are external; never a metric's own dimension. */
const TARGET_LABELS = new Set(['cluster', 'job', 'instance', 'namespace', 'pod', 'container', 'node', 'app', 'service']);

export interface SyntheticSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The value `seconds` after the start of the data. */
  value(seconds: number): number;
}

type LabelSet = Readonly<Record<string, string>>;

/** Label values queries select with `label="value"`, per metric: the series a query expects to exist. */
export function matchedValues(exprs: readonly string[]): Map<string, Map<string, Set<string>>> {
  const byMetric = new Map<string, Map<string, Set<string>>>();
  for (const selector of exprs.flatMap(selectorsIn)) {
    if (!selector.metric) continue;
    const labels = byMetric.get(selector.metric) ?? new Map<string, Set<string>>();
    for (const [label, value] of Object.entries(equalityMatchers(selector))) labels.set(label, (labels.get(label) ?? new Set()).add(value));
    byMetric.set(selector.metric, labels);
  }
  return byMetric;
}

// Labels whose values belong together are one dimension; a query may only pick values listed here,
// so a misspelt `mode="Idle"` or `condition="ready"` finds no series and fails the e2e test.
const CLOSED_DIMENSIONS: ReadonlyArray<{ readonly labels: readonly string[]; readonly values: readonly LabelSet[] }> = [
  { labels: ['cpu'], values: ['0', '1', '2', '3'].map((cpu) => ({ cpu })) },
  { labels: ['mode'], values: ['idle', 'user', 'system', 'iowait'].map((mode) => ({ mode })) },
  { labels: ['condition'], values: ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].map((condition) => ({ condition })) },
  { labels: ['status'], values: ['true', 'false', 'unknown'].map((status) => ({ status })) },
  {
    labels: ['resource', 'unit'],
    values: [
      { resource: 'cpu', unit: 'core' },
      { resource: 'memory', unit: 'byte' },
    ],
  },
  {
    // The root and container filesystems, and a tmpfs that the disk rules must ignore.
    labels: ['device', 'fstype', 'mountpoint'],
    values: [
      { device: '/dev/nvme0n1p1', fstype: 'ext4', mountpoint: '/' },
      { device: '/dev/nvme1n1', fstype: 'xfs', mountpoint: '/var/lib/containerd' },
      { device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run' },
    ],
  },
  {
    labels: ['rule_group'],
    // As Prometheus names them: `<rules file>;<group>`; a handful is enough for per-group panels.
    values: ['gpu', 'node', 'kubernetes', 'meta'].map((file) => ({ rule_group: `/etc/prometheus/rules/${file}.yml;${file}.alerts` })),
  },
];

// Values of labels the catalog does not enumerate (enumerated ones come from its `labelValues`).
// Keyed `<metric>.<label>` where one label means different things on different metrics, else `<label>`.
const OPEN_DEFAULTS: Readonly<Record<string, readonly string[]>> = {
  'alertmanager_notifications_failed_total.reason': ['other'],
  area: ['heap', 'nonheap'],
  integration: ['pagerduty', 'email', 'slack', 'webhook'],
  expert: ['0', '1', '2', '3', '4', '5', '6', '7'],
  alertmanager: monitoringTargets(JOBS.alertmanager).map((t) => `http://${t.labels.instance}/api/v2/alerts`),
};

/** Labels a series takes from the pod, node or GPU it describes rather than from a dimension. */
const DERIVED = new Set([
  'gpu',
  'UUID',
  'modelName',
  'Hostname',
  'uid',
  'host_ip',
  'pod_ip',
  'created_by_kind',
  'created_by_name',
  'priority_class',
  'host_network',
]);

/** The sources a metric's series come from, before its own dimensions are crossed in. */
function baseLabelSets(metric: MetricDefinition, matched: ReadonlyMap<string, ReadonlySet<string>>): LabelSet[] {
  const labelsOf = (targets: readonly Target[]) => targets.map((target) => target.labels);
  switch (metric.source) {
    case 'application': {
      // The apps queries name; otherwise every app of the metric's family (moe_lab_* → moe-*, mage_* → mage-*).
      const family = Object.values(APPS).filter((app) => app.split('-')[0] === metric.name.split('_')[0]);
      const named = [...(matched.get('app') ?? [])];
      return labelsOf(applicationTargets(named.length > 0 ? named : family.length > 0 ? family : Object.values(APPS)));
    }
    case 'node-exporter':
      return labelsOf(monitoringTargets(JOBS.nodeExporter));
    case 'dcgm-exporter':
      return labelsOf(monitoringTargets(JOBS.dcgmExporter)).flatMap((target) =>
        Array.from({ length: GPUS_PER_NODE }, (_, gpu) => ({
          ...target,
          gpu: String(gpu),
          UUID: `GPU-${target.node}-${gpu}`,
          modelName: 'NVIDIA A100-SXM4-80GB',
          Hostname: target.node,
        })),
      );
    case 'cadvisor':
      return ALL_PODS.map((pod) => ({
        ...nodeTargets(JOBS.cadvisor).find((t) => t.labels.node === pod.node)!.labels,
        namespace: pod.namespace,
        pod: pod.pod,
        container: pod.container,
      }));
    case 'kubelet':
      return labelsOf(nodeTargets(JOBS.kubelet));
    case 'kube-state-metrics':
      return kubeStateMetricsLabelSets(metric);
    case 'prometheus':
      if (metric.name === 'up') return labelsOf(ALL_TARGETS);
      return labelsOf(monitoringTargets(metric.name.startsWith('alertmanager_') ? JOBS.alertmanager : JOBS.prometheus));
    case 'fluent-bit':
      return fluentBitLabelSets(metric);
    default:
      // A source this generator does not know yet: one series per node.
      return NODES.map((node) => ({ job: metric.source, instance: `${nodeIp(node)}:2020`, node }));
  }
}

/**
 * Fluent Bit is scraped with honor_labels: a log-derived counter carries the pod that logged the
 * line, counted by the Fluent Bit of that pod's node; its own metrics carry only the target labels.
 */
function fluentBitLabelSets(metric: MetricDefinition): LabelSet[] {
  const shippers = monitoringTargets(JOBS.fluentBit).map((t) => t.labels);
  if (!metric.labels?.includes('pod')) return shippers;
  return WORKLOAD_PODS.map((pod) => ({
    ...shippers.find((shipper) => shipper.node === pod.node)!,
    namespace: pod.namespace,
    pod: pod.pod,
    container: pod.container,
    app: pod.app,
  }));
}

/** kube-state-metrics is scraped with honor_labels: the pod or node a series describes wins over its own target labels. */
function kubeStateMetricsLabelSets(metric: MetricDefinition): LabelSet[] {
  const [ksm] = monitoringTargets(JOBS.kubeStateMetrics).map((t) => t.labels);
  const declares = (label: string) => metric.labels?.includes(label) ?? false;
  if (metric.name.startsWith('kube_node_')) return NODES.map((node) => ({ ...ksm, node }));
  if (!metric.name.startsWith('kube_pod_')) return [ksm];
  return ALL_PODS.map((pod) => ({
    ...ksm,
    namespace: pod.namespace,
    pod: pod.pod,
    ...(metric.name.startsWith('kube_pod_container_') ? { container: pod.container } : {}),
    ...(declares('node') ? { node: pod.node } : {}),
    ...(declares('uid') ? { uid: `uid-${pod.namespace}-${pod.pod}` } : {}),
    ...(declares('host_ip') ? { host_ip: nodeIp(pod.node) } : {}),
    ...(declares('pod_ip') ? { pod_ip: pod.ip } : {}),
    ...(declares('created_by_kind') ? { created_by_kind: 'StatefulSet', created_by_name: pod.app } : {}),
    ...(declares('priority_class') ? { priority_class: 'default' } : {}),
    ...(declares('host_network') ? { host_network: 'false' } : {}),
  }));
}

/** Every combination of a metric's own dimensions, each crossed with every base label set. */
function labelSetsOf(metric: MetricDefinition, matched: ReadonlyMap<string, ReadonlySet<string>>): LabelSet[] {
  // Only what the catalog declares: a query matching a label or value it does not declare must come back empty.
  const own = (metric.labels ?? []).filter((l) => !TARGET_LABELS.has(l) && !DERIVED.has(l));
  const dimensions: LabelSet[][] = [];
  // A label the catalog enumerates for this metric takes the catalog's values (kube_job_failed's
  // `condition` is true/false/unknown, not a node condition).
  const enumerated = (label: string) => metric.labelValues?.[label] !== undefined;
  const closedHere = CLOSED_DIMENSIONS.filter((d) => d.labels.some((label) => own.includes(label) && !enumerated(label)));
  for (const closed of closedHere) dimensions.push([...closed.values]);
  const closedLabels = new Set(closedHere.flatMap((d) => d.labels));
  for (const label of own.filter((l) => !closedLabels.has(l))) {
    const values = metric.labelValues?.[label] ?? OPEN_DEFAULTS[`${metric.name}.${label}`] ?? OPEN_DEFAULTS[label] ?? [`${label}-a`];
    dimensions.push(values.map((value) => ({ [label]: value })));
  }
  return dimensions.reduce<LabelSet[]>(
    (sets, dimension) => sets.flatMap((set) => dimension.map((value) => ({ ...set, ...value }))),
    baseLabelSets(metric, matched),
  );
}

/**
 * Series for every catalog metric an exporter provides (recorded ones come from the rules), with
 * the label values that `exprs` select by equality added to the metric's open dimensions.
 */
export function syntheticSeries(exprs: readonly string[]): SyntheticSeries[] {
  const matched = matchedValues(exprs);
  return METRIC_CATALOG.filter((metric) => metric.source !== 'recording-rule' && !WRITTEN_BY_PROMETHEUS.has(metric.name)).flatMap(
    (metric) =>
      labelSetsOf(metric, matched.get(metric.name) ?? new Map()).map((labels, i) => ({
        name: metric.name,
        labels,
        value: healthyValue(metric, labels, i),
      })),
  );
}

const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** OpenMetrics text: every series sampled every `stepSeconds` from `startSeconds` to `endSeconds`, ending in `# EOF`. */
export function toOpenMetrics(series: readonly SyntheticSeries[], startSeconds: number, endSeconds: number, stepSeconds: number): string {
  const lines: string[] = [];
  for (const s of [...series].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const labels = Object.keys(s.labels)
      .sort()
      .map((key) => `${key}="${escape(s.labels[key])}"`)
      .join(',');
    for (let t = startSeconds; t <= endSeconds; t += stepSeconds) lines.push(`${s.name}{${labels}} ${s.value(t - startSeconds)} ${t}`);
  }
  return `${lines.join('\n')}\n# EOF\n`;
}
