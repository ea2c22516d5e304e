import type { RuleGroup } from '../types';

/** Seed-named GPU series, computed from the DCGM exporter's `DCGM_FI_DEV_*` fields. */
export const gpuRecordingRules: RuleGroup = {
  name: 'gpu.recording',
  file: 'gpu',
  rules: [
    { record: 'nvidia_gpu_temperature', expr: 'DCGM_FI_DEV_GPU_TEMP' },
    {
      // DCGM reports framebuffer sizes in MiB; the seed metric is in bytes.
      record: 'nvidia_gpu_memory_total_bytes',
      expr: '(DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE + DCGM_FI_DEV_FB_RESERVED) * 1048576',
    },
  ],
};
