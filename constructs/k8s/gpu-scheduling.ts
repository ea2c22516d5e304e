// Placing pods on or off GPU nodes, and requesting GPUs. Placement uses cdk8s-plus scheduling;
// cdk8s-plus-27 has no extended-resource API (`nvidia.com/gpu`), so the GPU request is a JSON patch.
import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Quantity } from 'cdk8s-plus-27/lib/imports/k8s';
import type { IConstruct } from 'constructs';
import type { GpuNodeSettings } from '../../config/schema/gpu-nodes';

const TAINT_EFFECT: Readonly<Record<GpuNodeSettings['taint']['effect'], kplus.TaintEffect>> = {
  NoSchedule: kplus.TaintEffect.NO_SCHEDULE,
  PreferNoSchedule: kplus.TaintEffect.PREFER_NO_SCHEDULE,
  NoExecute: kplus.TaintEffect.NO_EXECUTE,
};

/** The extended resource the NVIDIA device plugin advertises. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/** Requires a GPU node (by its label) and tolerates the GPU taint. */
export function onGpuNodes(workload: kplus.Workload, gpu: GpuNodeSettings): void {
  workload.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is(gpu.label.key, gpu.label.value)));
  workload.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.exists(gpu.taint.key, { effect: TAINT_EFFECT[gpu.taint.effect] })));
}

/** Keeps a CPU workload off GPU nodes even where the taint is missing: GPU capacity is too dear for it. */
export function offGpuNodes(workload: kplus.Workload, gpu: GpuNodeSettings): void {
  workload.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.notIn(gpu.label.key, [gpu.label.value])));
}

/**
 * `nvidia.com/gpu` as request and limit of one container (Kubernetes requires them equal for
 * extended resources). Throws unless `count` is a whole number of at least 1.
 */
export function requestGpus(workload: IConstruct, containerIndex: number, count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new Error(`GPU count: got ${count}; must be a whole number of at least 1`);
  const resources = `/spec/template/spec/containers/${containerIndex}/resources`;
  ApiObject.of(workload).addJsonPatch(
    // The generated serialiser runs after patches and expects Quantity objects here.
    JsonPatch.add(`${resources}/requests/${GPU_RESOURCE.replace('/', '~1')}`, Quantity.fromNumber(count)),
    JsonPatch.add(`${resources}/limits/${GPU_RESOURCE.replace('/', '~1')}`, Quantity.fromNumber(count)),
  );
}
