// cdk8s-plus-27 has no API for a few fields we need. Each gap is patched here, in one named helper,
// so constructs stay declarative and the patches are easy to drop when cdk8s-plus grows the API.
import { ApiObject, JsonPatch } from 'cdk8s';
import type { Service } from 'cdk8s-plus-27';
import { Quantity } from 'cdk8s-plus-27/lib/imports/k8s';
import type { IConstruct } from 'constructs';

export interface ClaimTemplate {
  readonly name: string;
  readonly storageClass: string;
  readonly size: string;
  readonly labels: Record<string, string>;
}

/** StatefulSet `volumeClaimTemplates`: one PVC per replica, which cdk8s-plus cannot express. */
export function addVolumeClaimTemplate(statefulSet: IConstruct, claim: ClaimTemplate): void {
  ApiObject.of(statefulSet).addJsonPatch(
    JsonPatch.add('/spec/volumeClaimTemplates', [
      {
        metadata: { name: claim.name, labels: claim.labels },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: claim.storageClass,
          // The generated KubeStatefulSet serialiser runs after patches and expects Quantity objects here.
          resources: { requests: { storage: Quantity.fromString(claim.size) } },
        },
      },
    ]),
  );
}

/**
 * Mounts a claim template into a container; cdk8s-plus only mounts pod volumes, and a template's
 * volume exists only once the StatefulSet controller creates the PVC.
 */
export function mountClaimTemplate(statefulSet: IConstruct, containerIndex: number, claimName: string, mountPath: string): void {
  ApiObject.of(statefulSet).addJsonPatch(
    JsonPatch.add(`/spec/template/spec/containers/${containerIndex}/volumeMounts/-`, { name: claimName, mountPath }),
  );
}

/**
 * Pod-level `seccompProfile: RuntimeDefault`, required by the restricted Pod Security Standard; a
 * CronJob keeps its pod template under `spec.jobTemplate.spec.template`.
 */
export function useRuntimeDefaultSeccomp(workload: IConstruct): void {
  // An `add` of the same value: calling it once per container of a pod writes the same field again.
  const object = ApiObject.of(workload);
  const template = object.kind === 'CronJob' ? '/spec/jobTemplate/spec/template' : '/spec/template';
  object.addJsonPatch(JsonPatch.add(`${template}/spec/securityContext/seccompProfile`, { type: 'RuntimeDefault' }));
}

/**
 * cdk8s-plus-27's Service has no `publishNotReadyAddresses`. Peers must resolve each other's DNS
 * names before they are ready, because readiness waits for the cluster to settle.
 */
export function publishNotReadyAddresses(service: Service): void {
  ApiObject.of(service).addJsonPatch(JsonPatch.add('/spec/publishNotReadyAddresses', true));
}

export interface ProjectedConfigMaps {
  /** Volume name in the pod spec. */
  readonly name: string;
  /** ConfigMaps whose keys all land side by side in one directory. */
  readonly configMaps: readonly string[];
  readonly mountPath: string;
}

/**
 * A read-only `projected` volume of several ConfigMaps, mounted into the first container;
 * cdk8s-plus-27 has no projected volumes. It lets one directory hold many ConfigMaps, each kept
 * under the per-object size limit.
 */
export function mountProjectedConfigMaps(workload: IConstruct, volume: ProjectedConfigMaps): void {
  const sources = volume.configMaps.map((name) => ({ configMap: { name } }));
  ApiObject.of(workload).addJsonPatch(
    JsonPatch.add('/spec/template/spec/volumes/-', { name: volume.name, projected: { sources } }),
    JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', { name: volume.name, mountPath: volume.mountPath, readOnly: true }),
  );
}

/**
 * Pod `priorityClassName`, which cdk8s-plus-27 cannot set: the scheduler preempts lower-priority
 * pods for this one, and node-critical agents are evicted last.
 */
export function usePriorityClass(workload: IConstruct, priorityClassName: string): void {
  ApiObject.of(workload).addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', priorityClassName));
}
