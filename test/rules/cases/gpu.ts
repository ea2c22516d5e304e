import { series, type Labels } from './targets';
import type { RuleTestCase } from './types';

/** A dcgm-exporter target as the `dcgm-exporter` service job labels it. */
const dcgmExporter = (node: string, ip: string, pod: string): Labels => ({
  job: 'dcgm-exporter',
  instance: `${ip}:9400`,
  service: 'dcgm-exporter',
  namespace: 'monitoring',
  pod,
  container: 'dcgm-exporter',
  node,
  app: 'dcgm-exporter',
});

const MODEL = 'NVIDIA H100 80GB HBM3';

/** One GPU's series labels: the target's plus the labels dcgm-exporter sets per GPU. */
const gpu = (target: Labels, index: number, uuid: string): Labels => ({
  ...target,
  gpu: String(index),
  UUID: uuid,
  modelName: MODEL,
  Hostname: target.node,
});

const NODE_1 = dcgmExporter('gpu-node-1', '10.0.1.31', 'dcgm-exporter-8hq4m');
const NODE_2 = dcgmExporter('gpu-node-2', '10.0.1.32', 'dcgm-exporter-t2w9c');
const N1_GPU0 = gpu(NODE_1, 0, 'GPU-5b6c1f0e-3a2d-4f7b-9c1e-0d8a7b6c5d4e');
const N1_GPU1 = gpu(NODE_1, 1, 'GPU-9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b');
const N2_GPU0 = gpu(NODE_2, 0, 'GPU-1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b');

/** The labels a GPU alert keeps: the GPU's identity and its node. */
const alertLabels = (labels: Labels) => ({ node: labels.node, gpu: labels.gpu, UUID: labels.UUID, modelName: labels.modelName });

export const gpuCases: readonly RuleTestCase[] = [
  {
    // Per GPU: utilization 80/40 % on node 1 and 30 % on node 2; framebuffer used+free is 80000 MiB
    // on every GPU, with 559 MiB reserved; power 350.5 W, 300 W and 120.25 W.
    name: 'gpu recording rules keep the seed series and aggregate utilization, memory, temperature and power per node and cluster',
    series: [
      { series: series('DCGM_FI_DEV_GPU_UTIL', N1_GPU0), values: '80x5' },
      { series: series('DCGM_FI_DEV_GPU_UTIL', N1_GPU1), values: '40x5' },
      { series: series('DCGM_FI_DEV_GPU_UTIL', N2_GPU0), values: '30x5' },
      { series: series('DCGM_FI_DEV_FB_USED', N1_GPU0), values: '60000x5' },
      { series: series('DCGM_FI_DEV_FB_FREE', N1_GPU0), values: '20000x5' },
      { series: series('DCGM_FI_DEV_FB_RESERVED', N1_GPU0), values: '559x5' },
      { series: series('DCGM_FI_DEV_FB_USED', N1_GPU1), values: '20000x5' },
      { series: series('DCGM_FI_DEV_FB_FREE', N1_GPU1), values: '60000x5' },
      { series: series('DCGM_FI_DEV_FB_RESERVED', N1_GPU1), values: '559x5' },
      { series: series('DCGM_FI_DEV_FB_USED', N2_GPU0), values: '40000x5' },
      { series: series('DCGM_FI_DEV_FB_FREE', N2_GPU0), values: '40000x5' },
      { series: series('DCGM_FI_DEV_FB_RESERVED', N2_GPU0), values: '559x5' },
      { series: series('DCGM_FI_DEV_GPU_TEMP', N1_GPU0), values: '70x5' },
      { series: series('DCGM_FI_DEV_GPU_TEMP', N1_GPU1), values: '78x5' },
      { series: series('DCGM_FI_DEV_GPU_TEMP', N2_GPU0), values: '65x5' },
      { series: series('DCGM_FI_DEV_POWER_USAGE', N1_GPU0), values: '350.5x5' },
      { series: series('DCGM_FI_DEV_POWER_USAGE', N1_GPU1), values: '300x5' },
      { series: series('DCGM_FI_DEV_POWER_USAGE', N2_GPU0), values: '120.25x5' },
    ],
    expressions: [
      {
        expr: 'nvidia_gpu_temperature',
        at: '2m',
        samples: [
          { labels: series('nvidia_gpu_temperature', N1_GPU0), value: 70 },
          { labels: series('nvidia_gpu_temperature', N1_GPU1), value: 78 },
          { labels: series('nvidia_gpu_temperature', N2_GPU0), value: 65 },
        ],
      },
      {
        // (60000 + 20000 + 559) MiB × 1048576 = 84472233984 bytes, the same on every GPU.
        expr: 'nvidia_gpu_memory_total_bytes',
        at: '2m',
        samples: [
          { labels: series('nvidia_gpu_memory_total_bytes', N1_GPU0), value: 84472233984 },
          { labels: series('nvidia_gpu_memory_total_bytes', N1_GPU1), value: 84472233984 },
          { labels: series('nvidia_gpu_memory_total_bytes', N2_GPU0), value: 84472233984 },
        ],
      },
      {
        expr: 'node:DCGM_FI_DEV_GPU_UTIL:avg_ratio',
        at: '2m',
        samples: [
          { labels: 'node:DCGM_FI_DEV_GPU_UTIL:avg_ratio{node="gpu-node-1"}', value: 0.6 },
          { labels: 'node:DCGM_FI_DEV_GPU_UTIL:avg_ratio{node="gpu-node-2"}', value: 0.3 },
        ],
      },
      {
        // (80 + 40 + 30) / 3 = 50 %.
        expr: 'cluster:DCGM_FI_DEV_GPU_UTIL:avg_ratio',
        at: '2m',
        samples: [{ labels: 'cluster:DCGM_FI_DEV_GPU_UTIL:avg_ratio', value: 0.5 }],
      },
      {
        expr: 'node_gpu:DCGM_FI_DEV_FB_USED:ratio',
        at: '2m',
        samples: [
          { labels: 'node_gpu:DCGM_FI_DEV_FB_USED:ratio{node="gpu-node-1", gpu="0"}', value: 0.75 },
          { labels: 'node_gpu:DCGM_FI_DEV_FB_USED:ratio{node="gpu-node-1", gpu="1"}', value: 0.25 },
          { labels: 'node_gpu:DCGM_FI_DEV_FB_USED:ratio{node="gpu-node-2", gpu="0"}', value: 0.5 },
        ],
      },
      {
        // 120000 MiB used of 240000 MiB used + free.
        expr: 'cluster:DCGM_FI_DEV_FB_USED:ratio',
        at: '2m',
        samples: [{ labels: 'cluster:DCGM_FI_DEV_FB_USED:ratio', value: 0.5 }],
      },
      {
        expr: 'node:DCGM_FI_DEV_GPU_TEMP:max',
        at: '2m',
        samples: [
          { labels: 'node:DCGM_FI_DEV_GPU_TEMP:max{node="gpu-node-1"}', value: 78 },
          { labels: 'node:DCGM_FI_DEV_GPU_TEMP:max{node="gpu-node-2"}', value: 65 },
        ],
      },
      {
        expr: 'node:DCGM_FI_DEV_POWER_USAGE:sum',
        at: '2m',
        samples: [
          { labels: 'node:DCGM_FI_DEV_POWER_USAGE:sum{node="gpu-node-1"}', value: 650.5 },
          { labels: 'node:DCGM_FI_DEV_POWER_USAGE:sum{node="gpu-node-2"}', value: 120.25 },
        ],
      },
      {
        expr: 'cluster:DCGM_FI_DEV_POWER_USAGE:sum',
        at: '2m',
        samples: [{ labels: 'cluster:DCGM_FI_DEV_POWER_USAGE:sum', value: 770.75 }],
      },
    ],
  },
  {
    // Node 1 has an 80 GB GPU 75 % full and a 48 GB one 1/12 full: 64000 of 128000 MiB, where the
    // mean of the two ratios would be 0.42. Node 2's only GPU is a quarter full.
    name: 'node:DCGM_FI_DEV_FB_USED:ratio weighs each GPU of a node by its usable framebuffer',
    series: [
      { series: series('DCGM_FI_DEV_FB_USED', N1_GPU0), values: '60000x5' },
      { series: series('DCGM_FI_DEV_FB_FREE', N1_GPU0), values: '20000x5' },
      { series: series('DCGM_FI_DEV_FB_USED', N1_GPU1), values: '4000x5' },
      { series: series('DCGM_FI_DEV_FB_FREE', N1_GPU1), values: '44000x5' },
      { series: series('DCGM_FI_DEV_FB_USED', N2_GPU0), values: '20000x5' },
      { series: series('DCGM_FI_DEV_FB_FREE', N2_GPU0), values: '60000x5' },
    ],
    expressions: [
      {
        expr: 'node:DCGM_FI_DEV_FB_USED:ratio',
        at: '2m',
        samples: [
          { labels: 'node:DCGM_FI_DEV_FB_USED:ratio{node="gpu-node-1"}', value: 0.5 },
          { labels: 'node:DCGM_FI_DEV_FB_USED:ratio{node="gpu-node-2"}', value: 0.25 },
        ],
      },
    ],
  },
  {
    name: 'GPUTemperatureHigh: 86 °C for 5 minutes fires, 85 °C does not',
    series: [
      { series: series('DCGM_FI_DEV_GPU_TEMP', N1_GPU0), values: '86x10' },
      { series: series('DCGM_FI_DEV_GPU_TEMP', N1_GPU1), values: '85x10' },
    ],
    alerts: [
      { alert: 'GPUTemperatureHigh', at: '4m', fires: [] },
      {
        alert: 'GPUTemperatureHigh',
        at: '6m',
        fires: [
          {
            labels: { ...alertLabels(N1_GPU0), severity: 'warning', priority: 'P2' },
            summary: 'GPU 0 on gpu-node-1 is running hot',
            description: `GPU 0 (${MODEL}) on node gpu-node-1 is at 86°C (above 85°C); it will throttle its clocks and slow every job on it.`,
            dashboard: 'gpu',
          },
        ],
      },
    ],
  },
  {
    name: 'GPUXidError: XID 79 on one GPU fires at once; 0 on the others stays silent',
    series: [
      { series: series('DCGM_FI_DEV_XID_ERRORS', N1_GPU0), values: '0x5 79x10' },
      { series: series('DCGM_FI_DEV_XID_ERRORS', N1_GPU1), values: '0x15' },
      { series: series('DCGM_FI_DEV_XID_ERRORS', N2_GPU0), values: '0x15' },
    ],
    alerts: [
      { alert: 'GPUXidError', at: '5m', fires: [] },
      {
        alert: 'GPUXidError',
        at: '6m',
        fires: [
          {
            labels: { ...alertLabels(N1_GPU0), severity: 'critical', priority: 'P1' },
            summary: 'GPU 0 on gpu-node-1 reported an XID error',
            description: `GPU 0 (${MODEL}, ${N1_GPU0.UUID}) on node gpu-node-1 reported XID 79 (any XID other than 0 alerts); jobs on it may have crashed or be hanging in NCCL.`,
            dashboard: 'gpu',
          },
        ],
      },
    ],
  },
];
