import type { MetricDefinition } from './types';

// kube-state-metrics is scraped with honor_labels: its namespace/pod/container labels name the
// object described. Only series that carry their own `node` (kube_pod_info, kube_node_*, the
// resource requests and limits) say where a pod runs; on the others `node` is where
// kube-state-metrics runs.

/** Metrics of the kubelet, its cAdvisor and kube-state-metrics. */
export const kubernetesMetrics: readonly MetricDefinition[] = [
  {
    name: 'container_cpu_usage_seconds_total',
    type: 'counter',
    unit: 'seconds',
    source: 'cadvisor',
    help: 'Cumulative CPU time consumed by a container.',
  },
  {
    name: 'container_memory_usage_bytes',
    type: 'gauge',
    unit: 'bytes',
    source: 'cadvisor',
    help: 'Container memory including page cache.',
  },
  {
    name: 'container_memory_working_set_bytes',
    type: 'gauge',
    unit: 'bytes',
    source: 'cadvisor',
    help: 'Container memory the kernel will not reclaim; what the OOM killer compares with the limit.',
  },
  {
    name: 'kube_pod_container_status_restarts_total',
    type: 'counter',
    unit: 'restarts',
    source: 'kube-state-metrics',
    help: 'Container restarts.',
    labels: ['uid'],
  },
  {
    name: 'kube_pod_container_status_last_terminated_reason',
    type: 'gauge',
    unit: 'none',
    source: 'kube-state-metrics',
    help: 'Why the container last terminated (OOMKilled, Error, Completed, …): 1 for that reason, absent before the first termination.',
    labels: ['uid', 'reason'],
    labelValues: { reason: ['OOMKilled', 'Error', 'Completed', 'ContainerCannotRun', 'DeadlineExceeded', 'Evicted'] },
  },
  {
    name: 'kube_pod_container_resource_limits',
    type: 'gauge',
    unit: 'none',
    source: 'kube-state-metrics',
    help: 'Resource limit of a container, in the unit its `unit` label names (byte for memory, core for cpu).',
    labels: ['uid', 'node', 'resource', 'unit'],
    labelValues: { resource: ['cpu', 'memory', 'nvidia.com/gpu'], unit: ['core', 'byte', 'integer'] },
  },
  {
    name: 'kube_pod_info',
    type: 'gauge',
    unit: 'none',
    source: 'kube-state-metrics',
    help: 'Always 1; its labels say which node a pod is scheduled on, its IPs and its owner.',
    labels: ['uid', 'node', 'host_ip', 'pod_ip', 'created_by_kind', 'created_by_name', 'priority_class', 'host_network'],
  },
  {
    name: 'kube_node_status_condition',
    type: 'gauge',
    unit: 'none',
    source: 'kube-state-metrics',
    help: 'Node conditions: 1 on the series whose `status` (true, false, unknown) the condition currently has, 0 on the others.',
    labels: ['node', 'condition', 'status'],
    labelValues: {
      condition: ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'],
      status: ['true', 'false', 'unknown'],
    },
  },
];
