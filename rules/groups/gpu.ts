import { JOBS } from '../../contracts/jobs';
import { GPU } from '../thresholds';
import type { RuleGroup } from '../types';

const dcgm = (field: string) => `${field}{job="${JOBS.dcgmExporter}"}`;

// Alerts keep the GPU's identity and its node; the exporter pod's own namespace/pod labels would
// only say where dcgm-exporter runs, and they change every time it restarts.
const perGpu = 'node, gpu, UUID, modelName';

/** Framebuffer in use per GPU, 0–1; the driver's reserved share is neither used nor usable. */
const memoryUsed = `max by (node, gpu) (${dcgm('DCGM_FI_DEV_FB_USED')})`;
const memoryUsable = `(${memoryUsed} + max by (node, gpu) (${dcgm('DCGM_FI_DEV_FB_FREE')}))`;

/** GPU health from the DCGM exporter's `DCGM_FI_DEV_*` fields: seed-named series, fleet aggregates, alerts. */
export const gpuGroups: readonly RuleGroup[] = [
  {
    name: 'gpu.recording',
    file: 'gpu',
    rules: [
      { record: 'nvidia_gpu_temperature', expr: 'DCGM_FI_DEV_GPU_TEMP' },
      {
        // DCGM reports framebuffer sizes in MiB; the seed metric is in bytes.
        record: 'nvidia_gpu_memory_total_bytes',
        expr: '(DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE + DCGM_FI_DEV_FB_RESERVED) * 1048576',
      },
      // DCGM_FI_DEV_GPU_UTIL is 0–100; the recorded series are ratios (0–1).
      { record: 'node:DCGM_FI_DEV_GPU_UTIL:avg_ratio', expr: `avg by (node) (${dcgm('DCGM_FI_DEV_GPU_UTIL')}) / 100` },
      { record: 'cluster:DCGM_FI_DEV_GPU_UTIL:avg_ratio', expr: `avg(${dcgm('DCGM_FI_DEV_GPU_UTIL')}) / 100` },
      { record: 'node_gpu:DCGM_FI_DEV_FB_USED:ratio', expr: `${memoryUsed} / ${memoryUsable}` },
      {
        // Sums per node, like the cluster ratio below, so a node with mixed GPU sizes weighs each by its framebuffer.
        record: 'node:DCGM_FI_DEV_FB_USED:ratio',
        expr: `sum by (node) (${dcgm('DCGM_FI_DEV_FB_USED')}) / (sum by (node) (${dcgm('DCGM_FI_DEV_FB_USED')}) + sum by (node) (${dcgm('DCGM_FI_DEV_FB_FREE')}))`,
      },
      {
        // The fleet's framebuffer in use over all usable framebuffer, so large GPUs weigh more.
        record: 'cluster:DCGM_FI_DEV_FB_USED:ratio',
        expr: `sum(${dcgm('DCGM_FI_DEV_FB_USED')}) / (sum(${dcgm('DCGM_FI_DEV_FB_USED')}) + sum(${dcgm('DCGM_FI_DEV_FB_FREE')}))`,
      },
      { record: 'node:DCGM_FI_DEV_GPU_TEMP:max', expr: `max by (node) (${dcgm('DCGM_FI_DEV_GPU_TEMP')})` },
      { record: 'node:DCGM_FI_DEV_POWER_USAGE:sum', expr: `sum by (node) (${dcgm('DCGM_FI_DEV_POWER_USAGE')})` },
      { record: 'cluster:DCGM_FI_DEV_POWER_USAGE:sum', expr: `sum(${dcgm('DCGM_FI_DEV_POWER_USAGE')})` },
    ],
  },
  {
    name: 'gpu.alerts',
    file: 'gpu',
    rules: [
      {
        alert: 'GPUTemperatureHigh',
        expr: `max by (${perGpu}) (nvidia_gpu_temperature) > ${GPU.maxTemperatureCelsius}`,
        for: '5m',
        severity: 'warning',
        priority: 'P2',
        dashboard: 'gpu',
        summary: 'GPU {{ $labels.gpu }} on {{ $labels.node }} is running hot',
        description: `GPU {{ $labels.gpu }} ({{ $labels.modelName }}) on node {{ $labels.node }} is at {{ $value }}°C (above ${GPU.maxTemperatureCelsius}°C); it will throttle its clocks and slow every job on it.`,
      },
      {
        // The field holds the code of the last XID, not a count, and stays set until dcgm-exporter
        // restarts: the alert resolves only after the GPU is fixed and the exporter pod is recreated.
        alert: 'GPUXidError',
        expr: `max by (${perGpu}) (${dcgm('DCGM_FI_DEV_XID_ERRORS')}) != 0`,
        severity: 'critical',
        priority: 'P1',
        dashboard: 'gpu',
        summary: 'GPU {{ $labels.gpu }} on {{ $labels.node }} reported an XID error',
        description:
          'GPU {{ $labels.gpu }} ({{ $labels.modelName }}, {{ $labels.UUID }}) on node {{ $labels.node }} reported XID {{ $value }} (any XID other than 0 alerts); jobs on it may have crashed or be hanging in NCCL.',
      },
    ],
  },
];
