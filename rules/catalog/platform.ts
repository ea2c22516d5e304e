import type { MetricDefinition } from './types';

/** Metrics of the cluster agents (node-exporter, DCGM exporter, kubelet/cAdvisor, kube-state-metrics, Prometheus). */
export const exporterMetrics: readonly MetricDefinition[] = [
  { name: 'up', type: 'gauge', unit: 'none', source: 'prometheus', help: '1 when the last scrape of a target succeeded.' },
  {
    name: 'node_cpu_seconds_total',
    type: 'counter',
    unit: 'seconds',
    source: 'node-exporter',
    help: 'CPU time per core and mode.',
    labels: ['cpu', 'mode'],
  },
  { name: 'node_memory_MemAvailable_bytes', type: 'gauge', unit: 'bytes', source: 'node-exporter', help: 'Memory available for new work.' },
  { name: 'node_memory_MemTotal_bytes', type: 'gauge', unit: 'bytes', source: 'node-exporter', help: 'Total usable memory.' },
  {
    name: 'node_filesystem_avail_bytes',
    type: 'gauge',
    unit: 'bytes',
    source: 'node-exporter',
    help: 'Filesystem space available to non-root users.',
    labels: ['device', 'fstype', 'mountpoint'],
  },
  {
    name: 'node_filesystem_size_bytes',
    type: 'gauge',
    unit: 'bytes',
    source: 'node-exporter',
    help: 'Filesystem size.',
    labels: ['device', 'fstype', 'mountpoint'],
  },
  {
    name: 'DCGM_FI_DEV_GPU_TEMP',
    type: 'gauge',
    unit: 'celsius',
    source: 'dcgm-exporter',
    help: 'GPU temperature.',
    labels: ['gpu', 'UUID', 'modelName', 'Hostname'],
  },
  {
    name: 'DCGM_FI_DEV_FB_USED',
    type: 'gauge',
    unit: 'mebibytes',
    source: 'dcgm-exporter',
    help: 'Framebuffer memory used.',
    labels: ['gpu', 'UUID', 'modelName', 'Hostname'],
  },
  {
    name: 'DCGM_FI_DEV_FB_FREE',
    type: 'gauge',
    unit: 'mebibytes',
    source: 'dcgm-exporter',
    help: 'Framebuffer memory free.',
    labels: ['gpu', 'UUID', 'modelName', 'Hostname'],
  },
  {
    name: 'DCGM_FI_DEV_FB_RESERVED',
    type: 'gauge',
    unit: 'mebibytes',
    source: 'dcgm-exporter',
    help: 'Framebuffer memory reserved by the driver.',
    labels: ['gpu', 'UUID', 'modelName', 'Hostname'],
  },
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
  },
];

/**
 * Seed names that no exporter emits: users query them, so recording rules produce them from the
 * exporter metrics named in `recordedFrom`.
 */
export const recordedSeedMetrics: readonly MetricDefinition[] = [
  {
    name: 'node_cpu_utilization',
    type: 'gauge',
    unit: 'percent',
    source: 'recording-rule',
    recordedFrom: ['node_cpu_seconds_total'],
    help: 'Non-idle CPU per node, 0–100.',
  },
  {
    name: 'node_memory_utilization',
    type: 'gauge',
    unit: 'percent',
    source: 'recording-rule',
    recordedFrom: ['node_memory_MemAvailable_bytes', 'node_memory_MemTotal_bytes'],
    help: 'Memory in use per node, 0–100.',
  },
  {
    name: 'node_disk_utilization',
    type: 'gauge',
    unit: 'percent',
    source: 'recording-rule',
    recordedFrom: ['node_filesystem_avail_bytes', 'node_filesystem_size_bytes'],
    help: 'Filesystem space in use per node and mountpoint, 0–100.',
  },
  {
    name: 'nvidia_gpu_temperature',
    type: 'gauge',
    unit: 'celsius',
    source: 'recording-rule',
    recordedFrom: ['DCGM_FI_DEV_GPU_TEMP'],
    help: 'GPU temperature per GPU.',
  },
  {
    name: 'nvidia_gpu_memory_total_bytes',
    type: 'gauge',
    unit: 'bytes',
    source: 'recording-rule',
    recordedFrom: ['DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_FB_FREE', 'DCGM_FI_DEV_FB_RESERVED'],
    help: 'Total framebuffer memory per GPU (DCGM reports MiB; converted to bytes).',
  },
  {
    name: 'container_memory_usage',
    type: 'gauge',
    unit: 'bytes',
    source: 'recording-rule',
    recordedFrom: ['container_memory_working_set_bytes'],
    help: 'Working-set memory per container.',
  },
];
