// How GPU nodes are labelled and tainted. A fragment of the environment schema.
import { z } from 'zod';

const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const labelKey = z.string().regex(LABEL_KEY, { error: 'must be a Kubernetes label key such as nvidia.com/gpu.present' });
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

/**
 * How GPU nodes are told apart: the node group labels them and taints them, so only pods that
 * tolerate the taint (GPU workloads and GPU agents) land there, and CPU pods keep off by affinity.
 */
export const gpuNodesSchema = z.strictObject({
  /** Node label every GPU node carries, e.g. `nvidia.com/gpu.present=true` (set by the node group). */
  label: z.strictObject({ key: labelKey, value: z.string().min(1, { error: 'must not be empty' }) }),
  /** Taint of the GPU node group; `nvidia.com/gpu` is what EKS GPU AMIs and the device plugin expect. */
  taint: z.strictObject({
    key: labelKey,
    effect: z.enum(TAINT_EFFECTS, { error: `must be one of ${TAINT_EFFECTS.join(', ')}` }),
  }),
});

export type GpuNodeSettings = z.output<typeof gpuNodesSchema>;
