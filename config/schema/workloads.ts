// Settings of the ML workloads (MoE trainer and inference, dashboard, Mage worker and learner):
// a fragment of the environment schema, and the rule that depends on the environment's role.
import { z } from 'zod';
import { image, resources } from './primitives';

const MAX_GPUS_PER_POD = 8;
/** Lowest `replicas.min` that keeps inference serving while one pod is drained or rescheduled. */
export const HA_MIN_INFERENCE_REPLICAS = 2;

const gpuCount = z
  .int({ error: `must be a whole number of GPUs from 1 to ${MAX_GPUS_PER_POD}` })
  .min(1, { error: `must be at least 1 (allowed: 1–${MAX_GPUS_PER_POD}); a GPU workload without a GPU cannot start` })
  .max(MAX_GPUS_PER_POD, { error: `must be at most ${MAX_GPUS_PER_POD} (allowed: 1–${MAX_GPUS_PER_POD}), the GPUs of one node` });
const replicaCount = (max: number) =>
  z
    .int({ error: `must be a whole number from 1 to ${max}` })
    .min(1, { error: `must be at least 1 (allowed: 1–${max})` })
    .max(max, { error: `must be at most ${max} (allowed: 1–${max})` });
const positiveCount = (what: string, max: number) =>
  z
    .int({ error: `must be a whole number of ${what} from 1 to ${max}` })
    .min(1, { error: `must be at least 1 (allowed: 1–${max})` })
    .max(max, { error: `must be at most ${max} (allowed: 1–${max})` });

export const moeTrainerSchema = z.strictObject({
  image,
  /** `nvidia.com/gpu` of the single trainer pod. */
  gpus: gpuCount,
  resources,
  /**
   * PodDisruptionBudget `maxUnavailable`: 0 makes node drains wait until an operator stops the
   * trainer after a checkpoint; 1 lets a drain evict it and lose the steps since the last checkpoint.
   */
  maxUnavailable: z.union([z.literal(0), z.literal(1)], { error: 'must be 0 or 1' }),
});

export const moeInferenceSchema = z
  .strictObject({
    image,
    /** `nvidia.com/gpu` per inference pod. */
    gpus: gpuCount,
    resources,
    /** HorizontalPodAutoscaler bounds; the Deployment leaves `replicas` to it. */
    replicas: z.strictObject({ min: replicaCount(20), max: replicaCount(20) }),
    /** Average CPU utilization (percent of the request) the autoscaler steers towards. */
    targetCpuUtilization: z
      .int({ error: 'must be a whole percentage from 10 to 95' })
      .min(10, { error: 'must be at least 10 (allowed: 10–95)' })
      .max(95, { error: 'must be at most 95 (allowed: 10–95)' }),
  })
  .superRefine((value, ctx) => {
    if (value.replicas.min > value.replicas.max) {
      ctx.addIssue({
        code: 'custom',
        path: ['replicas', 'min'],
        message: `${value.replicas.min} is above replicas.max ${value.replicas.max}; the autoscaler needs min <= max`,
      });
    }
  });

export const dashboardSchema = z.strictObject({ image, replicas: replicaCount(5), resources });

export const mageWorkerSchema = z.strictObject({
  image,
  replicas: replicaCount(100),
  /** `NUM_GAME_RUNNERS`: self-play games each worker runs in parallel. */
  numGameRunners: positiveCount('game runners', 256),
  resources,
});

export const mageLearnerSchema = z.strictObject({
  image,
  replicas: replicaCount(8),
  /** `nvidia.com/gpu` per learner pod. */
  gpus: gpuCount,
  /** `MAX_SAMPLES_PER_BATCH`: samples the learner takes from the replay buffer per training step. */
  maxSamplesPerBatch: positiveCount('samples', 65536),
  resources,
});

export const workloadsSchema = z.strictObject({
  moeTrainer: moeTrainerSchema,
  moeInference: moeInferenceSchema,
  dashboard: dashboardSchema,
  mageWorker: mageWorkerSchema,
  mageLearner: mageLearnerSchema,
});

export type WorkloadsInput = z.input<typeof workloadsSchema>;
export type WorkloadsSettings = z.output<typeof workloadsSchema>;
export type MoeTrainerSettings = z.output<typeof moeTrainerSchema>;
export type MoeInferenceSettings = z.output<typeof moeInferenceSchema>;
export type DashboardSettings = z.output<typeof dashboardSchema>;
export type MageWorkerSettings = z.output<typeof mageWorkerSchema>;
export type MageLearnerSettings = z.output<typeof mageLearnerSchema>;

/**
 * Rules that depend on the environment's role rather than on one value: production inference must
 * survive a node drain, so its autoscaler never goes below HA_MIN_INFERENCE_REPLICAS. `highlyAvailable`
 * is true for prod; the caller decides, so no environment name is compared here.
 */
export function workloadsProblems(
  workloads: WorkloadsSettings,
  highlyAvailable: boolean,
): Array<{ readonly path: string; readonly message: string }> {
  const min = workloads.moeInference.replicas.min;
  if (!highlyAvailable || min >= HA_MIN_INFERENCE_REPLICAS) return [];
  return [
    {
      path: 'workloads.moeInference.replicas.min',
      message: `${min} is too few for a highly available environment; must be at least ${HA_MIN_INFERENCE_REPLICAS} so inference keeps serving while a pod is drained`,
    },
  ];
}
