import { addHostAgentContainer, hostAgentDaemonSet } from '../k8s/host-agent';
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { ImageSettings, ResourceSettings } from '../../config';
import { grantHostAccess, tolerateEveryTaint } from '../k8s/agent-patches';
import { validatePort } from '../k8s/prop-checks';
import { HOST_ACCESS } from '../k8s/host-access';
import { selectorLabels, standardLabels, type ComponentIdentity } from '../k8s/labels';
import { NODE_EXPORTER_SERVICE } from '../../contracts/services';

export interface NodeExporterProps {
  /** Namespace of every object; it must admit privileged Pod Security (host namespaces and mounts). */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  /** `quay.io/prometheus/node-exporter`, pinned. */
  readonly image: ImageSettings;
  readonly resources: ResourceSettings;
  /**
   * Port on the node (the pod shares the node's network).
   * @default 9100
   */
  readonly port?: number;
}

const NAME = 'node-exporter';
// Pseudo and container filesystems would add a series per pod volume and say nothing about node disks.
const IGNORED_MOUNT_POINTS = '^/(dev|proc|sys|run/containerd/.+|var/lib/kubelet/.+|var/lib/containerd/.+)($|/)';
const IGNORED_FS_TYPES =
  '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|mqueue|nsfs|overlay|proc|pstore|securityfs|selinuxfs|squashfs|sysfs|tracefs|tmpfs)$';

/** Where each host directory is seen in the container, from the registry, so the flags match the mounts. */
function hostMountPath(name: string): string {
  const entry = HOST_ACCESS[NAME].hostPaths.find((hostPath) => hostPath.name === name);
  if (!entry) throw new Error(`node-exporter host mount "${name}" is missing from the host-access registry`);
  return entry.mountPath;
}

/** node-exporter on every node, GPU nodes included, reading the host's /proc, /sys and filesystems read-only. */
export class NodeExporter extends Construct {
  public readonly port: number;
  public readonly serviceName: string;
  public readonly daemonSet: kplus.DaemonSet;

  constructor(scope: Construct, id: string, props: NodeExporterProps) {
    super(scope, id);
    this.port = props.port ?? 9100;
    validatePort('NodeExporter', this.port);
    this.serviceName = NODE_EXPORTER_SERVICE.name;
    const identity: ComponentIdentity = { name: NAME, component: 'node-metrics', instance: props.instance, version: props.image.tag };
    const metadata = { name: NAME, namespace: props.namespace, labels: standardLabels(identity) };

    this.daemonSet = hostAgentDaemonSet(this, NAME, identity, metadata);
    // Every node, whatever its taints (GPU, CriticalAddonsOnly, …): an unmonitored node is a blind spot.
    tolerateEveryTaint(this.daemonSet);

    const probe = (periodSeconds: number) =>
      kplus.Probe.fromHttpGet('/', { port: this.port, periodSeconds: Duration.seconds(periodSeconds) });
    const root = hostMountPath('root');
    const container = addHostAgentContainer(this.daemonSet, NAME, {
      name: 'node-exporter',
      image: props.image,
      args: [
        `--web.listen-address=:${this.port}`,
        `--path.procfs=${hostMountPath('proc')}`,
        `--path.sysfs=${hostMountPath('sys')}`,
        `--path.rootfs=${root}`,
        `--path.udev.data=${root}/run/udev/data`,
        `--collector.filesystem.mount-points-exclude=${IGNORED_MOUNT_POINTS}`,
        `--collector.filesystem.fs-types-exclude=${IGNORED_FS_TYPES}`,
      ],
      ports: [{ name: NODE_EXPORTER_SERVICE.metricsPort, number: this.port }],
      resources: props.resources,
      readiness: probe(10),
      liveness: probe(20),
    });
    grantHostAccess(this, this.daemonSet, container, NAME);

    new kplus.Service(this, 'Service', {
      metadata: { ...metadata, name: this.serviceName },
      selector: kplus.Pods.select(this, 'Pods', { labels: selectorLabels(identity) }),
      ports: [{ name: NODE_EXPORTER_SERVICE.metricsPort, port: this.port, targetPort: this.port }],
    });
  }
}
