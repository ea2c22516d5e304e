import { series, type Labels } from './targets';
import type { RuleTestCase } from './types';

/** A node-exporter target as the `node-exporter` service job labels it. */
const nodeExporter = (node: string, ip: string, pod: string): Labels => ({
  job: 'node-exporter',
  instance: `${ip}:9100`,
  service: 'node-exporter',
  namespace: 'monitoring',
  pod,
  container: 'node-exporter',
  node,
  app: 'node-exporter',
});

const GPU_NODE = nodeExporter('gpu-node-1', '10.0.1.21', 'node-exporter-x7k2p');
const CPU_NODE = nodeExporter('cpu-node-1', '10.0.2.14', 'node-exporter-9fdsl');

const GIB = 1073741824;
const TIB = 1099511627776;

const rootFs = { device: '/dev/nvme0n1p1', fstype: 'xfs', mountpoint: '/' };
const dataFs = { device: '/dev/nvme1n1', fstype: 'ext4', mountpoint: '/mnt/data' };
const tmpFs = { device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run' };

const warning = { severity: 'warning', priority: 'P2' };
const critical = { severity: 'critical', priority: 'P1' };

/** The disk alert on the data filesystem of the GPU node, at one tier. */
const dataDiskAlert = (tier: Labels, percent: string, threshold: number) => ({
  labels: { node: 'gpu-node-1', device: dataFs.device, mountpoint: dataFs.mountpoint, ...tier },
  summary: 'Filesystem /mnt/data on gpu-node-1 is filling up',
  description: `Filesystem /mnt/data (/dev/nvme1n1) on node gpu-node-1 is ${percent}% full (above ${threshold}%); the kubelet evicts pods when its filesystem runs low, and writes fail once it is full.`,
  dashboard: 'system' as const,
});

export const nodeCases: readonly RuleTestCase[] = [
  {
    // idle counters rise 0.25 s/s on both cores (15 s per 1 m sample): 75 % busy.
    name: 'node_cpu_utilization is 100 minus the idle share averaged over the cores of each node',
    series: [
      { series: series('node_cpu_seconds_total', { ...GPU_NODE, cpu: '0', mode: 'idle' }), values: '0+15x10' },
      { series: series('node_cpu_seconds_total', { ...GPU_NODE, cpu: '1', mode: 'idle' }), values: '0+15x10' },
      { series: series('node_cpu_seconds_total', { ...GPU_NODE, cpu: '0', mode: 'user' }), values: '0+45x10' },
      // 0.5 s/s idle on the other node: 50 % busy.
      { series: series('node_cpu_seconds_total', { ...CPU_NODE, cpu: '0', mode: 'idle' }), values: '0+30x10' },
    ],
    expressions: [
      {
        expr: 'node_cpu_utilization',
        at: '10m',
        samples: [
          { labels: 'node_cpu_utilization{node="gpu-node-1"}', value: 75 },
          { labels: 'node_cpu_utilization{node="cpu-node-1"}', value: 50 },
        ],
      },
    ],
  },
  {
    name: 'node_memory_utilization is the share of memory not available, per node',
    series: [
      { series: series('node_memory_MemTotal_bytes', GPU_NODE), values: `${16 * GIB}x5` },
      { series: series('node_memory_MemAvailable_bytes', GPU_NODE), values: `${4 * GIB}x5` },
    ],
    expressions: [
      { expr: 'node_memory_utilization', at: '2m', samples: [{ labels: 'node_memory_utilization{node="gpu-node-1"}', value: 75 }] },
    ],
  },
  {
    name: 'node_disk_utilization is the share of each real filesystem in use; tmpfs is left out',
    series: [
      { series: series('node_filesystem_size_bytes', { ...GPU_NODE, ...rootFs }), values: `${TIB}x5` },
      { series: series('node_filesystem_avail_bytes', { ...GPU_NODE, ...rootFs }), values: `${TIB / 4}x5` },
      { series: series('node_filesystem_size_bytes', { ...GPU_NODE, ...tmpFs }), values: `${GIB}x5` },
      { series: series('node_filesystem_avail_bytes', { ...GPU_NODE, ...tmpFs }), values: '0x5' },
    ],
    expressions: [
      {
        expr: 'node_disk_utilization',
        at: '2m',
        samples: [{ labels: series('node_disk_utilization', { ...GPU_NODE, ...rootFs }), value: 75 }],
      },
    ],
  },
  {
    // idle 0.05 s/s (3 s per minute): 95 % busy; the other node idles 0.125 s/s: 87.5 %.
    name: 'NodeCPUUsageHigh: 95 % busy for 15 minutes fires, 87.5 % does not',
    series: [
      { series: series('node_cpu_seconds_total', { ...GPU_NODE, cpu: '0', mode: 'idle' }), values: '0+3x30' },
      { series: series('node_cpu_seconds_total', { ...CPU_NODE, cpu: '0', mode: 'idle' }), values: '0+7.5x30' },
    ],
    alerts: [
      { alert: 'NodeCPUUsageHigh', at: '12m', fires: [] },
      {
        alert: 'NodeCPUUsageHigh',
        at: '25m',
        fires: [
          {
            labels: { node: 'gpu-node-1', ...warning },
            summary: 'CPU of node gpu-node-1 is saturated',
            description: 'CPU utilization of node gpu-node-1 is 95.0% (above 90%); data loaders and exporters on it fall behind.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'NodeMemoryUsageHigh: 93.75 % used for 15 minutes fires, 87.5 % does not',
    series: [
      { series: series('node_memory_MemTotal_bytes', GPU_NODE), values: `${16 * GIB}x30` },
      { series: series('node_memory_MemAvailable_bytes', GPU_NODE), values: `${GIB}x30` },
      { series: series('node_memory_MemTotal_bytes', CPU_NODE), values: `${16 * GIB}x30` },
      { series: series('node_memory_MemAvailable_bytes', CPU_NODE), values: `${2 * GIB}x30` },
    ],
    alerts: [
      { alert: 'NodeMemoryUsageHigh', at: '14m', fires: [] },
      {
        alert: 'NodeMemoryUsageHigh',
        at: '16m',
        fires: [
          {
            labels: { node: 'gpu-node-1', ...warning },
            summary: 'Memory of node gpu-node-1 is almost exhausted',
            description: 'Memory utilization of node gpu-node-1 is 93.8% (above 90%); the kubelet will start evicting pods.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'NodeDiskUsageHigh: 87.5 % full fires the warning tier only; 75 % and a full tmpfs stay silent',
    series: [
      { series: series('node_filesystem_size_bytes', { ...GPU_NODE, ...dataFs }), values: `${TIB}x30` },
      { series: series('node_filesystem_avail_bytes', { ...GPU_NODE, ...dataFs }), values: `${TIB / 8}x30` },
      { series: series('node_filesystem_size_bytes', { ...GPU_NODE, ...rootFs }), values: `${TIB}x30` },
      { series: series('node_filesystem_avail_bytes', { ...GPU_NODE, ...rootFs }), values: `${TIB / 4}x30` },
      { series: series('node_filesystem_size_bytes', { ...GPU_NODE, ...tmpFs }), values: `${GIB}x30` },
      { series: series('node_filesystem_avail_bytes', { ...GPU_NODE, ...tmpFs }), values: '0x30' },
    ],
    alerts: [
      { alert: 'NodeDiskUsageHigh', at: '14m', fires: [] },
      { alert: 'NodeDiskUsageHigh', at: '16m', fires: [dataDiskAlert(warning, '87.5', 85)] },
    ],
  },
  {
    // 1/32 of the filesystem left: 96.875 % full. The critical tier needs 5 minutes, the warning 15.
    name: 'NodeDiskUsageHigh: 96.9 % full fires the critical tier after 5 minutes, then the warning tier too',
    series: [
      { series: series('node_filesystem_size_bytes', { ...GPU_NODE, ...dataFs }), values: `${TIB}x30` },
      { series: series('node_filesystem_avail_bytes', { ...GPU_NODE, ...dataFs }), values: `${TIB / 32}x30` },
    ],
    alerts: [
      { alert: 'NodeDiskUsageHigh', at: '4m', fires: [] },
      { alert: 'NodeDiskUsageHigh', at: '6m', fires: [dataDiskAlert(critical, '96.9', 95)] },
      {
        alert: 'NodeDiskUsageHigh',
        at: '16m',
        fires: [dataDiskAlert(critical, '96.9', 95), dataDiskAlert(warning, '96.9', 85)],
      },
    ],
  },
];
