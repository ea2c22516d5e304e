import { JOBS } from '../../contracts/jobs';
import { KUBERNETES } from '../thresholds';
import type { RuleGroup } from '../types';

const ksm = (metric: string, matchers = '') => `${metric}{job="${JOBS.kubeStateMetrics}"${matchers ? `, ${matchers}` : ''}}`;

// container="" is the pod-level cgroup and "POD" the pause container; both would double-count.
const cadvisorContainers = `job="${JOBS.cadvisor}", container!="", container!="POD"`;

// Per-container series recorded below, also read by the dashboards.
const restarts = `namespace_pod_container:kube_pod_container_status_restarts:increase${KUBERNETES.restartWindow}`;
const memoryToLimit = 'namespace_pod_container:container_memory_usage:limit_ratio';
const oomKills = `namespace_pod_container:kube_pod_container_status_restarts_oomkilled:increase${KUBERNETES.oomKillWindow}`;

const indent = (expr: string) => expr.replace(/^/gm, '  ');
/** `(expr)`, on lines of their own when the expression spans several, so the rules file stays readable. */
const parenthesised = (expr: string) => (expr.includes('\n') ? `(\n${indent(expr)}\n)` : `(${expr})`);

/**
 * Gives a per-pod expression the `node` its pod runs on, so Alertmanager can inhibit the alert while
 * that node is down. kube-state-metrics' series name the pod but carry the node kube-state-metrics
 * itself runs on; kube_pod_info knows the pod's. `max by` keeps one series per pod when
 * kube-state-metrics runs replicated, and its value 1 leaves the expression's value unchanged.
 */
const onPodNode = (expr: string) =>
  `${parenthesised(expr)}\n* on (namespace, pod) group_left (node)\nmax by (namespace, pod, node) (${ksm('kube_pod_info')})`;

/** Container and pod health from cAdvisor and kube-state-metrics. */
export const kubernetesGroups: readonly RuleGroup[] = [
  {
    name: 'kubernetes.recording',
    file: 'kubernetes',
    rules: [
      {
        // Working set, not usage: it is what the kubelet and the OOM killer compare with the limit.
        record: 'container_memory_usage',
        expr: `container_memory_working_set_bytes{${cadvisorContainers}}`,
      },
      { record: 'namespace:container_memory_usage:sum', expr: 'sum by (namespace) (container_memory_usage)' },
      {
        record: 'namespace:container_cpu_usage_seconds:sum_rate5m',
        expr: `sum by (namespace) (rate(container_cpu_usage_seconds_total{${cadvisorContainers}}[5m]))`,
      },
      {
        // max, not sum: with kube-state-metrics replicated every series arrives once per replica.
        // Rounded: restarts are whole, and increase() extrapolates to the window's edges (3 restarts read
        // as about 3.006 when evaluation and scrapes are not aligned), which would tip a count threshold.
        record: restarts,
        expr: `round(max by (namespace, pod, container) (increase(${ksm('kube_pod_container_status_restarts_total')}[${KUBERNETES.restartWindow}])))`,
      },
      {
        // Containers without a memory limit have no limit series and so no ratio.
        record: memoryToLimit,
        expr: `max by (namespace, pod, container) (container_memory_usage)\n/ max by (namespace, pod, container) (${ksm('kube_pod_container_resource_limits', 'resource="memory"')})`,
      },
      {
        // ContainerOOMKilled's condition, counted per container over the whole cluster once per
        // evaluation instead of in every dashboard refresh. Every container gets a series (0 without
        // an OOM kill), so a panel over healthy pods shows zeros rather than nothing.
        record: oomKills,
        expr: `max by (namespace, pod, container) ${parenthesised(
          `increase(${ksm('kube_pod_container_status_restarts_total')}[${KUBERNETES.oomKillWindow}])\nand ignoring (reason)\n${ksm('kube_pod_container_status_last_terminated_reason', 'reason="OOMKilled"')} == 1`,
        )}\nor\n0 * max by (namespace, pod, container) (${ksm('kube_pod_container_status_restarts_total')})`,
      },
    ],
  },
  {
    name: 'kubernetes.alerts',
    file: 'kubernetes',
    rules: [
      {
        alert: 'FrequentPodRestarts',
        expr: onPodNode(`${restarts} > ${KUBERNETES.maxRestarts}`),
        severity: 'warning',
        priority: 'P2',
        scope: 'pod',
        dashboard: 'system',
        summary: 'Container {{ $labels.container }} of {{ $labels.pod }} restarts frequently',
        description: `Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} restarted {{ $value | printf "%.0f" }} times in the last ${KUBERNETES.restartWindow} (more than ${KUBERNETES.maxRestarts}); it is crash-looping or failing its liveness probe.`,
      },
      {
        // As kube-prometheus does: a restart within the window whose last termination was an OOM kill.
        // The outer max drops kube-state-metrics' own labels (and its replicas) after the node is joined.
        alert: 'ContainerOOMKilled',
        expr: `max by (namespace, pod, container, node) ${parenthesised(
          onPodNode(
            `increase(${ksm('kube_pod_container_status_restarts_total')}[${KUBERNETES.oomKillWindow}]) > 0\nand ignoring (reason)\n${ksm('kube_pod_container_status_last_terminated_reason', 'reason="OOMKilled"')} == 1`,
          ),
        )}`,
        severity: 'warning',
        priority: 'P2',
        scope: 'pod',
        dashboard: 'system',
        summary: 'Container {{ $labels.container }} of {{ $labels.pod }} was OOM-killed',
        description: `Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} was killed for exceeding its memory limit; restarts in the last ${KUBERNETES.oomKillWindow}: {{ $value | printf "%.0f" }}.`,
      },
      {
        alert: 'ContainerMemoryNearLimit',
        expr: onPodNode(`${memoryToLimit} > ${KUBERNETES.maxMemoryLimitRatio}`),
        for: '15m',
        severity: 'warning',
        priority: 'P2',
        scope: 'pod',
        dashboard: 'system',
        summary: 'Container {{ $labels.container }} of {{ $labels.pod }} is close to its memory limit',
        description: `Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} uses {{ $value | humanizePercentage }} of its memory limit (above ${KUBERNETES.maxMemoryLimitRatio * 100}%); the kernel OOM-kills it when it reaches the limit.`,
      },
      {
        // status="true" is 0 both when the node reports NotReady and when the kubelet stopped reporting.
        alert: 'KubeNodeNotReady',
        expr: `max by (node) (${ksm('kube_node_status_condition', 'condition="Ready", status="true"')}) == 0`,
        for: KUBERNETES.nodeNotReadyFor,
        severity: 'critical',
        priority: 'P1',
        scope: 'node',
        dashboard: 'system',
        summary: 'Node {{ $labels.node }} is not Ready',
        description: `Node {{ $labels.node }} has not been Ready for ${KUBERNETES.nodeNotReadyFor} (Ready=true reads {{ $value }}); its pods are down or unreachable, and their own alerts are held back while it is.`,
      },
    ],
  },
];
