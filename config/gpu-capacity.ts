import type { EnvironmentSettings } from './schema/environment';

export interface GpuCapacityProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Whether the GPU workloads fit the expected GPU fleet: each pod on one node, and all of them at
 * their autoscaling maximum at once. Time-slicing multiplies what the device plugin advertises.
 */
export function gpuCapacityProblems(env: EnvironmentSettings): GpuCapacityProblem[] {
  const { fleet, workloads } = env;
  const slicing = env.agents.devicePlugin.timeSlicing;
  const perNode = fleet.gpusPerNode * (slicing.enabled ? slicing.replicas : 1);
  const pods = [
    { path: 'workloads.moeTrainer.gpus', gpus: workloads.moeTrainer.gpus, replicas: 1 },
    { path: 'workloads.moeInference.gpus', gpus: workloads.moeInference.gpus, replicas: workloads.moeInference.replicas.max },
    { path: 'workloads.mageLearner.gpus', gpus: workloads.mageLearner.gpus, replicas: workloads.mageLearner.replicas },
  ];
  const problems: GpuCapacityProblem[] = pods
    .filter((pod) => pod.gpus > perNode)
    .map((pod) => ({
      path: pod.path,
      message: `${pod.gpus} GPUs per pod, but a node advertises ${perNode} (fleet.gpusPerNode${slicing.enabled ? ' × time-slicing replicas' : ''}); a pod cannot span nodes`,
    }));
  const needed = pods.reduce((sum, pod) => sum + pod.gpus * pod.replicas, 0);
  const available = fleet.gpuNodes * perNode;
  if (needed > available) {
    problems.push({
      path: 'fleet.gpuNodes',
      message: `${fleet.gpuNodes} GPU nodes advertise ${available} GPUs, but the GPU workloads at their maximum replicas request ${needed}; add GPU nodes or lower the requests`,
    });
  }
  return problems;
}
