import type { MetricDefinition } from '../types';

/** Series the node rules record, with their unit and the metrics they are computed from. */
export const nodeRecorded: readonly MetricDefinition[] = [
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
];
