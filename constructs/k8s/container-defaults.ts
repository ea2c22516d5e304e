import { Size } from 'cdk8s';
import {
  Cpu,
  FsGroupChangePolicy,
  type Capability,
  type ContainerResources,
  type ContainerSecurityContextProps,
  type PodSecurityContextProps,
} from 'cdk8s-plus-27';
import type { ResourceSettings } from '../../config';
import { cpuMillis, memoryBytes } from '../../config/quantities';

/** The non-root user most upstream monitoring images already run as ("nobody"). */
export const NOBODY = 65534;

/** Container resources from the env config, spelled out so the manifest says what we mean. */
export function containerResources(settings: ResourceSettings): ContainerResources {
  const mebibytes = (quantity: string) => Size.mebibytes(memoryBytes(quantity) / 2 ** 20);
  return {
    cpu: { request: Cpu.millis(cpuMillis(settings.cpu.request)), limit: Cpu.millis(cpuMillis(settings.cpu.limit)) },
    memory: { request: mebibytes(settings.memory.request), limit: mebibytes(settings.memory.limit) },
  };
}

// cdk8s-plus's Capability enum lacks ALL, the value Kubernetes takes for "every capability".
const ALL_CAPABILITIES = 'ALL' as Capability;

/** Non-root, read-only root filesystem, no privilege escalation, every capability dropped. */
export function restrictedSecurityContext(user = NOBODY): ContainerSecurityContextProps {
  return {
    user,
    group: user,
    ensureNonRoot: true,
    privileged: false,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: [ALL_CAPABILITIES] },
  };
}

/**
 * Pod-level non-root identity for workloads with volumes: fsGroup makes the volume writable for
 * `uid` (an image's own user, else nobody), and ON_ROOT_MISMATCH skips the recursive chown of a
 * large volume on every restart.
 */
export function nonRootPodSecurityContext(uid: number = NOBODY): PodSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: uid,
    group: uid,
    fsGroup: uid,
    fsGroupChangePolicy: FsGroupChangePolicy.ON_ROOT_MISMATCH,
  };
}
