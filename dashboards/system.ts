import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { TARGET_DOWN_JOBS } from '../rules/groups/meta/targets';
import { JOBS } from '../contracts/jobs';
import { KUBERNETES, META, NODE } from '../rules/thresholds';
import { stackDashboard } from './lib/dashboard';
import { backupPanels } from './lib/backup-panels';
import { monitoringPipelinePanels } from './lib/monitoring-pipeline';
import { statPanel, timeseriesPanel, type Threshold } from './lib/panels';
import { filters, selector } from './lib/variables';

const ksm = `job="${JOBS.kubeStateMetrics}"`;

// The selection is a set of pods, as kube_pod_info (the variables' source) lists them. Node-level
// series carry the exporter pod's namespace, not the workloads', so a node counts as selected when
// it runs a selected pod; per-container recorded series have no node, so they are joined the same way.
const selectedPods = selector('kube_pod_info', ksm, ...filters('cluster', 'namespace', 'node', 'pod'));
const ofSelectedNodes = (metric: string, ...matchers: string[]) =>
  `${selector(metric, ...matchers, ...filters('cluster', 'node'))} and on (cluster, node) ${selectedPods}`;
const ofSelectedPods = (metric: string) =>
  `${selector(metric, ...filters('cluster', 'namespace', 'pod'))} and on (cluster, namespace, pod) ${selectedPods}`;
const byContainer = (expr: string) => `max by (cluster, namespace, pod, container) (${expr})`;

const cpu = ofSelectedNodes('node_cpu_utilization');
const memory = ofSelectedNodes('node_memory_utilization');
const disk = ofSelectedNodes('node_disk_utilization');
// Ready=true reads 0 both when the node reports NotReady and when its kubelet stopped reporting.
const nodeReady = `max by (cluster, node) (${ofSelectedNodes('kube_node_status_condition', ksm, 'condition="Ready"', 'status="true"')})`;
const memoryToLimit = ofSelectedPods('namespace_pod_container:container_memory_usage:limit_ratio');
const restarts = ofSelectedPods(`namespace_pod_container:kube_pod_container_status_restarts:increase${KUBERNETES.restartWindow}`);
const oomKills = ofSelectedPods(`namespace_pod_container:kube_pod_container_status_restarts_oomkilled:increase${KUBERNETES.oomKillWindow}`);
// cAdvisor and kube-state-metrics name the pod's own node on these, so every variable applies directly.
const workingSet = selector('container_memory_usage', ...filters('cluster', 'namespace', 'node', 'pod'));
const memoryLimit = selector(
  'kube_pod_container_resource_limits',
  ksm,
  'resource="memory"',
  ...filters('cluster', 'namespace', 'node', 'pod'),
);
// The jobs TargetDown counts: a Prometheus replica down has its own alert and would read 50 % here.
const targets = selector('up', TARGET_DOWN_JOBS, ...filters('cluster', 'namespace', 'node', 'pod'));
const allTargets = selector('up', ...filters('cluster', 'namespace', 'node', 'pod'));
// avg of up is the share up; TargetDown counts instead, which only matters exactly at its threshold.
const targetsDownPercent = `100 * (1 - avg by (cluster, job, namespace) (${targets}))`;

const cpuHigh = { value: NODE.maxCpuUtilizationPercent, bad: 'above' } as const;
const memoryHigh = { value: NODE.maxMemoryUtilizationPercent, bad: 'above' } as const;
// Two tiers, as the alert has: a warning at the first, a page at the second.
const diskHigh = { value: NODE.maxDiskUtilizationPercent, bad: 'above', critical: NODE.criticalDiskUtilizationPercent } as const;
const nearLimit = { value: KUBERNETES.maxMemoryLimitRatio, bad: 'above' } as const;
const tooManyRestarts = { value: KUBERNETES.maxRestarts, bad: 'above' } as const;
const targetsDown = { value: META.maxTargetsDownPercent, bad: 'above' } as const;
// Counts of nodes or containers in a bad state: the alert fires for the first one.
const anyBad: Threshold = { value: 1, bad: 'above' };
const notReady: Threshold = { value: 1, bad: 'below' };

const nodeLegend = '{{node}}';
const containerLegend = '{{namespace}}/{{pod}}/{{container}}';

/** Are the nodes and pods of the selection healthy: CPU, memory, disk, readiness, memory limits, restarts, scraping? */
export function systemDashboard(): DashboardBuilder {
  return stackDashboard({
    uid: 'system',
    description:
      'Node CPU, memory and disk, node readiness, container memory against limits, restarts, OOM kills and scrape target health for the nodes and pods of the selection, and the health of Prometheus and Alertmanager themselves.',
    tags: ['kubernetes', 'nodes'],
    variables: { metric: 'kube_pod_info', matchers: [ksm], labels: ['node', 'pod'] },
    rows: [
      {
        title: 'At a glance',
        panels: [
          statPanel({
            title: 'Busiest node CPU',
            description: `Highest CPU utilization among the selected nodes; red above ${NODE.maxCpuUtilizationPercent} %, where NodeCPUUsageHigh fires after 15 minutes.`,
            unit: 'percent',
            queries: [{ expr: `max(${cpu})` }],
            threshold: cpuHigh,
          }),
          statPanel({
            title: 'Fullest node memory',
            description: `Highest memory utilization among the selected nodes; red above ${NODE.maxMemoryUtilizationPercent} %, where NodeMemoryUsageHigh fires after 15 minutes and the kubelet starts evicting.`,
            unit: 'percent',
            queries: [{ expr: `max(${memory})` }],
            threshold: memoryHigh,
          }),
          statPanel({
            title: 'Fullest filesystem',
            description: `Fullest real filesystem on the selected nodes; red above ${NODE.maxDiskUtilizationPercent} %, where NodeDiskUsageHigh warns (critical above ${NODE.criticalDiskUtilizationPercent} %).`,
            unit: 'percent',
            queries: [{ expr: `max(${disk})` }],
            threshold: diskHigh,
          }),
          statPanel({
            title: 'Nodes not Ready',
            description: `Selected nodes whose Ready condition is not true; red from the first, for which KubeNodeNotReady fires after ${KUBERNETES.nodeNotReadyFor}.`,
            unit: 'count',
            queries: [{ expr: `count(${nodeReady} == 0) or vector(0)` }],
            threshold: anyBad,
          }),
          statPanel({
            title: 'Closest to its memory limit',
            description: `Highest working set over memory limit among the selected containers; red above ${KUBERNETES.maxMemoryLimitRatio * 100} %, where ContainerMemoryNearLimit fires after 15 minutes.`,
            unit: 'ratio',
            queries: [{ expr: `max(${memoryToLimit})` }],
            threshold: nearLimit,
          }),
          statPanel({
            title: `Most restarts in ${KUBERNETES.restartWindow}`,
            description: `Most restarts of one selected container in the last ${KUBERNETES.restartWindow}; FrequentPodRestarts fires above ${KUBERNETES.maxRestarts}.`,
            unit: 'restarts',
            queries: [{ expr: `max(${restarts})` }],
            threshold: tooManyRestarts,
          }),
          statPanel({
            title: `OOM-killed containers (${KUBERNETES.oomKillWindow})`,
            description: `Selected containers restarted after an OOM kill in the last ${KUBERNETES.oomKillWindow}; red from the first, each one fires ContainerOOMKilled.`,
            unit: 'count',
            queries: [{ expr: `count((${oomKills}) > 0) or vector(0)` }],
            threshold: anyBad,
          }),
          statPanel({
            title: 'Most targets down',
            description: `Highest share of a scrape job's targets down in one namespace; red above ${META.maxTargetsDownPercent} %, where TargetDown fires after 10 minutes.`,
            unit: 'percent',
            queries: [{ expr: `max(${targetsDownPercent})` }],
            threshold: targetsDown,
          }),
        ],
      },
      {
        title: 'Nodes',
        panels: [
          timeseriesPanel({
            title: 'CPU utilization',
            description: `Non-idle CPU per node. Above the dashed ${NODE.maxCpuUtilizationPercent} % line for 15 minutes NodeCPUUsageHigh fires: data loaders and exporters on the node fall behind.`,
            unit: 'percent',
            queries: [{ expr: `max by (cluster, node) (${cpu})`, legend: nodeLegend }],
            threshold: cpuHigh,
            min: 0,
            max: 100,
          }),
          timeseriesPanel({
            title: 'Memory utilization',
            description: `Memory not available for new work, per node. Above ${NODE.maxMemoryUtilizationPercent} % for 15 minutes NodeMemoryUsageHigh fires; the kubelet evicts pods soon after.`,
            unit: 'percent',
            queries: [{ expr: `max by (cluster, node) (${memory})`, legend: nodeLegend }],
            threshold: memoryHigh,
            min: 0,
            max: 100,
          }),
          timeseriesPanel({
            title: 'Filesystem utilization',
            description: `Space in use per node and mountpoint (tmpfs and overlays left out). NodeDiskUsageHigh warns above ${NODE.maxDiskUtilizationPercent} % for 15 minutes and pages above ${NODE.criticalDiskUtilizationPercent} % for 5.`,
            unit: 'percent',
            queries: [{ expr: `max by (cluster, node, mountpoint) (${disk})`, legend: '{{node}} {{mountpoint}}' }],
            threshold: diskHigh,
            min: 0,
            max: 100,
          }),
          timeseriesPanel({
            title: 'Node Ready',
            description: `1 while the node reports Ready, 0 when it reports NotReady or has stopped reporting; KubeNodeNotReady fires after ${KUBERNETES.nodeNotReadyFor} at 0.`,
            unit: 'none',
            queries: [{ expr: nodeReady, legend: nodeLegend }],
            threshold: notReady,
            min: 0,
            max: 1,
          }),
        ],
      },
      {
        title: 'Containers',
        panels: [
          timeseriesPanel({
            title: 'Memory against limit',
            description: `Working set over memory limit per container (containers without a limit are not shown). Above ${KUBERNETES.maxMemoryLimitRatio * 100} % for 15 minutes ContainerMemoryNearLimit fires; at 100 % the kernel OOM-kills the container.`,
            unit: 'ratio',
            queries: [{ expr: byContainer(memoryToLimit), legend: containerLegend }],
            threshold: nearLimit,
            min: 0,
          }),
          timeseriesPanel({
            title: 'Memory working set and limit',
            description: 'Working-set memory per container next to its memory limit, for sizing requests and limits.',
            unit: 'bytes',
            queries: [
              { expr: byContainer(workingSet), legend: `${containerLegend} used` },
              { expr: byContainer(memoryLimit), legend: `${containerLegend} limit` },
            ],
            min: 0,
          }),
          timeseriesPanel({
            title: `Restarts in ${KUBERNETES.restartWindow}`,
            description: `Restarts per container in the last ${KUBERNETES.restartWindow}. Above ${KUBERNETES.maxRestarts} FrequentPodRestarts fires: the container is crash-looping or failing its liveness probe.`,
            unit: 'restarts',
            queries: [{ expr: byContainer(restarts), legend: containerLegend }],
            threshold: tooManyRestarts,
            min: 0,
          }),
          timeseriesPanel({
            title: `OOM kills in ${KUBERNETES.oomKillWindow}`,
            description: `Restarts after an OOM kill in the last ${KUBERNETES.oomKillWindow}, per namespace; each OOM-killed container fires ContainerOOMKilled. Memory against limit shows which one.`,
            unit: 'restarts',
            queries: [{ expr: `sum by (cluster, namespace) (${oomKills})`, legend: '{{namespace}}' }],
            threshold: anyBad,
            min: 0,
          }),
        ],
      },
      {
        title: 'Scrape targets',
        panels: [
          timeseriesPanel({
            title: 'Targets down',
            description: `Share of each scrape job's targets in a namespace whose last scrape failed. Above ${META.maxTargetsDownPercent} % for 10 minutes TargetDown fires; their metrics and alerts are missing meanwhile.`,
            unit: 'percent',
            queries: [{ expr: targetsDownPercent, legend: '{{job}} {{namespace}}' }],
            threshold: targetsDown,
            min: 0,
            max: 100,
          }),
          timeseriesPanel({
            title: 'Targets up and discovered',
            description:
              'Targets per scrape job that answered their last scrape, and all that service discovery found; a drop in discovered targets points at discovery or RBAC rather than the targets.',
            unit: 'count',
            queries: [
              { expr: `sum by (cluster, job) (${allTargets})`, legend: '{{job}} up' },
              { expr: `count by (cluster, job) (${allTargets})`, legend: '{{job}} discovered' },
            ],
            min: 0,
          }),
        ],
      },
      { title: 'Monitoring pipeline', panels: monitoringPipelinePanels() },
      { title: 'Backups', panels: backupPanels() },
    ],
  });
}
