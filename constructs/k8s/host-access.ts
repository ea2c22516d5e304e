// THE list of pods allowed host access. The agent constructs read their host namespaces, host
// mounts, user and added capabilities from here, and `hostAccessViolations` checks any set of
// manifests against it, so what is deployed and what is allowed cannot drift apart.
import type { Capability, ContainerSecurityContextProps, PodSecurityContextProps } from 'cdk8s-plus-27';
import { NOBODY } from './container-defaults';
import { podTemplateOf } from './pod-template';

/** One host directory a host agent mounts, and why. */
export interface HostPathAllowance {
  /** Volume name in the pod spec. */
  readonly name: string;
  /** Directory on the node. */
  readonly path: string;
  /** Where the container sees it. */
  readonly mountPath: string;
  /** Whether the agent must write there; everything else is mounted read-only. */
  readonly writable: boolean;
  /**
   * The kubelet creates the directory when it is missing (`DirectoryOrCreate`): for state the agent
   * owns, which no other software on the node creates.
   * @default false - the directory must already exist (`Directory`)
   */
  readonly create?: boolean;
  readonly reason: string;
}

/** Everything one component may do beyond the restricted Pod Security Standard, with the reason for each. */
export interface HostAccess {
  /** Sees every process of the node. */
  readonly hostPID: boolean;
  /** Shares the node's network namespace (and so its interfaces and ports). */
  readonly hostNetwork: boolean;
  readonly hostPaths: readonly HostPathAllowance[];
  /** Runs as UID 0 (still with every capability dropped unless `addCapabilities` names one). */
  readonly runAsRoot: boolean;
  /** Capabilities added back after dropping ALL, without the `CAP_` prefix. */
  readonly addCapabilities: readonly string[];
  /** Why the component needs any of this at all. */
  readonly reason: string;
}

/**
 * Components (by `app.kubernetes.io/name`) allowed host access. No entry may be privileged: each
 * asks for the narrowest grant that works.
 */
export const HOST_ACCESS = {
  'nvidia-device-plugin': {
    hostPID: false,
    hostNetwork: false,
    hostPaths: [
      {
        name: 'device-plugins',
        path: '/var/lib/kubelet/device-plugins',
        mountPath: '/var/lib/kubelet/device-plugins',
        writable: true,
        reason: 'the plugin creates its gRPC socket here and dials the kubelet socket beside it to register nvidia.com/gpu',
      },
    ],
    runAsRoot: true,
    addCapabilities: [],
    reason:
      'advertises the GPUs of its node to the kubelet; the device-plugins directory and the kubelet socket are owned by root with mode 0755, ' +
      'so only root can create the socket. It needs no capability: file ownership alone lets root write there.',
  },
  'dcgm-exporter': {
    hostPID: false,
    hostNetwork: false,
    hostPaths: [
      {
        name: 'pod-resources',
        path: '/var/lib/kubelet/pod-resources',
        mountPath: '/var/lib/kubelet/pod-resources',
        writable: false,
        reason: 'the kubelet PodResources API says which pod holds which GPU, so GPU series carry the consumer namespace/pod/container',
      },
    ],
    runAsRoot: true,
    addCapabilities: ['SYS_ADMIN'],
    reason:
      'reads GPU telemetry through the NVIDIA driver. The profiling fields (DCGM_FI_PROF_*: PCIe and NVLink throughput, tensor activity) ' +
      'need CAP_SYS_ADMIN; the PodResources socket is root-only. Not privileged: the NVIDIA runtime injects the GPU devices.',
  },
  'node-exporter': {
    hostPID: true,
    hostNetwork: true,
    hostPaths: [
      { name: 'proc', path: '/proc', mountPath: '/host/proc', writable: false, reason: 'CPU, memory, load, process and network counters' },
      { name: 'sys', path: '/sys', mountPath: '/host/sys', writable: false, reason: 'hardware, thermal, disk and interface statistics' },
      { name: 'root', path: '/', mountPath: '/host/root', writable: false, reason: 'filesystem sizes and free space of every node mount' },
    ],
    runAsRoot: false,
    addCapabilities: [],
    reason:
      'reports on the node, not on itself: hostNetwork so the network collectors see the node interfaces (/proc/net is per network namespace), ' +
      'hostPID so per-process collectors see every node process. Runs as nobody with all host mounts read-only.',
  },
  'fluent-bit': {
    hostPID: false,
    hostNetwork: false,
    hostPaths: [
      {
        name: 'container-logs',
        path: '/var/log/containers',
        mountPath: '/var/log/containers',
        writable: false,
        reason: 'the tail input reads <pod>_<namespace>_<container>-<id>.log here; the name carries the pod metadata key',
      },
      {
        name: 'pod-logs',
        path: '/var/log/pods',
        mountPath: '/var/log/pods',
        writable: false,
        reason: 'the files the container-logs symlinks point to, mounted at the same path so the absolute links resolve',
      },
      {
        name: 'state',
        path: '/var/lib/fluent-bit',
        mountPath: '/var/lib/fluent-bit',
        writable: true,
        create: true,
        reason:
          'tail positions (db) and the filesystem buffer outlive the pod, so a restart resumes where it stopped instead of losing or re-reading a file',
      },
    ],
    runAsRoot: true,
    addCapabilities: [],
    reason:
      'ships every container log of its node to Loki. The container runtime writes the log files as root with mode 0640, so only ' +
      'root reads them; as their owner it needs no capability (no DAC_READ_SEARCH), and it owns the state directory the kubelet creates. ' +
      'Only the two log directories are mounted, read-only, not the rest of /var/log. Not privileged, no host namespaces.',
  },
} as const satisfies Readonly<Record<string, HostAccess>>;

export type HostAgentName = keyof typeof HOST_ACCESS;

/** Strips the optional `CAP_` prefix: Kubernetes accepts both spellings of a capability. */
export const capabilityName = (capability: string): string => capability.replace(/^CAP_/, '');

/**
 * The container security context a host agent runs with: its registry entry decides the user and
 * the capabilities added back; everything else stays as restricted as for any other container.
 */
export function hostAgentSecurityContext(component: HostAgentName): ContainerSecurityContextProps {
  const access: HostAccess = HOST_ACCESS[component];
  const user = access.runAsRoot ? 0 : NOBODY;
  // cdk8s-plus-27's Capability enum lacks ALL and spells names with CAP_; Kubernetes takes both.
  const asCapability = (name: string) => name as Capability;
  return {
    user,
    group: user,
    ensureNonRoot: !access.runAsRoot,
    privileged: false,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: {
      drop: [asCapability('ALL')],
      ...(access.addCapabilities.length > 0 ? { add: access.addCapabilities.map(asCapability) } : {}),
    },
  };
}

/** The pod-level identity matching `hostAgentSecurityContext`: root only where the registry allows it. */
export function hostAgentPodSecurityContext(component: HostAgentName): PodSecurityContextProps {
  const access: HostAccess = HOST_ACCESS[component];
  const user = access.runAsRoot ? 0 : NOBODY;
  return { ensureNonRoot: !access.runAsRoot, user, group: user };
}

/** The parts of a manifest object the host-access check reads; any parsed Kubernetes object fits. */
export interface ManifestObject {
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec?: unknown;
}

interface SecurityContext {
  readonly runAsUser?: number;
  readonly runAsNonRoot?: boolean;
  readonly privileged?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
  readonly seccompProfile?: { readonly type?: string };
}
interface ContainerSpec {
  readonly name: string;
  readonly securityContext?: SecurityContext;
  readonly volumeMounts?: ReadonlyArray<{ readonly name: string; readonly readOnly?: boolean }>;
}
interface PodSpec {
  readonly hostPID?: boolean;
  readonly hostNetwork?: boolean;
  readonly hostIPC?: boolean;
  readonly securityContext?: SecurityContext;
  readonly volumes?: ReadonlyArray<{ readonly name: string; readonly hostPath?: { readonly path: string } }>;
  readonly containers?: readonly ContainerSpec[];
  readonly initContainers?: readonly ContainerSpec[];
  readonly ephemeralContainers?: readonly ContainerSpec[];
}

const NO_ACCESS: HostAccess = { hostPID: false, hostNetwork: false, hostPaths: [], runAsRoot: false, addCapabilities: [], reason: '' };

/**
 * Every way the pods of `objects` exceed the host-access registry, one line each; empty when they
 * comply. A pod's component is its `app.kubernetes.io/name`; a component the registry does not list
 * gets no host access at all. Every container (host agents included) must also keep a read-only root
 * filesystem, drop ALL capabilities, forbid privilege escalation and use the RuntimeDefault seccomp
 * profile; every container of an unlisted component must run as non-root.
 */
export function hostAccessViolations(
  objects: readonly ManifestObject[],
  registry: Readonly<Record<string, HostAccess>> = HOST_ACCESS,
): string[] {
  return objects.flatMap((object) => {
    const template = podTemplateOf<PodSpec>(object);
    if (!template?.spec) return [];
    const component = template.metadata?.labels?.['app.kubernetes.io/name'] ?? object.metadata?.labels?.['app.kubernetes.io/name'] ?? '';
    const where = `${object.kind}/${object.metadata?.name ?? '?'}`;
    return podViolations(template.spec, registry[component] ?? NO_ACCESS).map(
      (problem) => `${where} (${component || 'no name'}): ${problem}`,
    );
  });
}

function podViolations(pod: PodSpec, access: HostAccess): string[] {
  const problems: string[] = [];
  if (pod.hostPID && !access.hostPID) problems.push('hostPID is not allowed');
  if (pod.hostNetwork && !access.hostNetwork) problems.push('hostNetwork is not allowed');
  if (pod.hostIPC) problems.push('hostIPC is never allowed');
  const hostVolumes = new Map<string, HostPathAllowance | undefined>();
  for (const volume of pod.volumes ?? []) {
    if (!volume.hostPath) continue;
    const allowed = access.hostPaths.find((entry) => entry.path === volume.hostPath?.path);
    if (!allowed) problems.push(`hostPath ${volume.hostPath.path} is not allowed`);
    hostVolumes.set(volume.name, allowed);
  }
  const containers = [...(pod.containers ?? []), ...(pod.initContainers ?? []), ...(pod.ephemeralContainers ?? [])];
  for (const container of containers) {
    problems.push(
      ...containerViolations(container, pod.securityContext ?? {}, access, hostVolumes).map((p) => `container ${container.name}: ${p}`),
    );
  }
  return problems;
}

function containerViolations(
  container: ContainerSpec,
  podContext: SecurityContext,
  access: HostAccess,
  hostVolumes: ReadonlyMap<string, HostPathAllowance | undefined>,
): string[] {
  const problems: string[] = [];
  const context = container.securityContext ?? {};
  const runAsUser = context.runAsUser ?? podContext.runAsUser;
  const runAsNonRoot = context.runAsNonRoot ?? podContext.runAsNonRoot;
  if (!access.runAsRoot && (runAsUser === 0 || runAsNonRoot !== true))
    problems.push('must run as non-root (runAsNonRoot: true, runAsUser not 0)');
  if (context.privileged) problems.push('privileged is never allowed');
  if (context.readOnlyRootFilesystem !== true) problems.push('readOnlyRootFilesystem must be true');
  if (context.allowPrivilegeEscalation !== false) problems.push('allowPrivilegeEscalation must be false');
  if (!(context.capabilities?.drop ?? []).includes('ALL')) problems.push('capabilities must drop ALL');
  const allowedCapabilities = new Set(access.addCapabilities.map(capabilityName));
  for (const added of context.capabilities?.add ?? []) {
    if (!allowedCapabilities.has(capabilityName(added))) problems.push(`capability ${added} is not allowed`);
  }
  if ((context.seccompProfile ?? podContext.seccompProfile)?.type !== 'RuntimeDefault')
    problems.push('seccompProfile must be RuntimeDefault');
  for (const mount of container.volumeMounts ?? []) {
    const allowed = hostVolumes.get(mount.name);
    if (allowed && !allowed.writable && mount.readOnly !== true) problems.push(`hostPath ${allowed.path} must be mounted read-only`);
  }
  return problems;
}
