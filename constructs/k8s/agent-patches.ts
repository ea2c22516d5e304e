// Node agents need pod fields cdk8s-plus-27 has no API for (hostPID, hostNetwork). Each gap is
// one named helper here; `grantHostAccess` applies exactly what the host-access registry lists.
import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct, IConstruct } from 'constructs';
import { HOST_ACCESS, type HostAccess, type HostAgentName } from './host-access';

/**
 * `hostPID: true`; cdk8s-plus-27 has no such prop. The generated serialiser runs after patches and
 * renames its own `hostPid` field to `hostPID` (dropping any other spelling), so the patch uses that name.
 */
export function useHostPID(workload: IConstruct): void {
  ApiObject.of(workload).addJsonPatch(JsonPatch.add('/spec/template/spec/hostPid', true));
}

/**
 * `hostNetwork: true` as a patch, so it comes from the registry rather than from a constructor prop
 * that could disagree with it; such pods resolve cluster names only with ClusterFirstWithHostNet.
 */
export function useHostNetwork(workload: IConstruct): void {
  ApiObject.of(workload).addJsonPatch(
    JsonPatch.add('/spec/template/spec/hostNetwork', true),
    JsonPatch.add('/spec/template/spec/dnsPolicy', 'ClusterFirstWithHostNet'),
  );
}

/**
 * Gives `workload` the host namespaces and mounts `container` the host directories that the
 * registry lists for `component` — nothing more. Read-only mounts propagate host-to-container so a
 * volume the node mounts later (a new EBS disk) is still seen.
 */
export function grantHostAccess(scope: Construct, workload: kplus.Workload, container: kplus.Container, component: HostAgentName): void {
  const access: HostAccess = HOST_ACCESS[component];
  if (access.hostPID) useHostPID(workload);
  if (access.hostNetwork) useHostNetwork(workload);
  for (const hostPath of access.hostPaths) {
    const volume = kplus.Volume.fromHostPath(scope, `HostPath-${hostPath.name}`, hostPath.name, {
      path: hostPath.path,
      // Only a directory the agent owns may be created; any other missing path is a misconfigured node.
      type: hostPath.create ? kplus.HostPathVolumeType.DIRECTORY_OR_CREATE : kplus.HostPathVolumeType.DIRECTORY,
    });
    container.mount(hostPath.mountPath, volume, {
      readOnly: !hostPath.writable,
      ...(hostPath.writable ? {} : { propagation: kplus.MountPropagation.HOST_TO_CONTAINER }),
    });
  }
}

/** A toleration with no key, which matches every taint; cdk8s-plus-27 requires a key for each one. */
export function tolerateEveryTaint(workload: IConstruct): void {
  ApiObject.of(workload).addJsonPatch(JsonPatch.add('/spec/template/spec/tolerations', [{ operator: 'Exists' }]));
}
