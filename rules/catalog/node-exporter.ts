import type { MetricDefinition } from './types';

/** Metrics of node-exporter on every node. */
export const nodeExporterMetrics: readonly MetricDefinition[] = [
  {
    name: 'node_cpu_seconds_total',
    type: 'counter',
    unit: 'seconds',
    source: 'node-exporter',
    help: 'CPU time per core and mode.',
    labels: ['cpu', 'mode'],
    labelValues: { mode: ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'] },
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
];
