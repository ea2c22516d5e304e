import { addHostAgentContainer, hostAgentDaemonSet } from '../k8s/host-agent';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { ImageSettings, ResourceSettings } from '../../config';
import type { TimeSlicingSettings } from '../../config/schema/agents';
import type { GpuNodeSettings } from '../../config/schema/gpu-nodes';
import { grantHostAccess } from '../k8s/agent-patches';
import { ComponentChart } from '../assembly/component-chart';
import { usePriorityClass } from '../k8s/escape-hatches';
import { GPU_RESOURCE, onGpuNodes } from '../k8s/gpu-scheduling';
import { standardLabels, type ComponentIdentity } from '../k8s/labels';
import { addConfigChecksum } from '../k8s/pod-metadata';

export interface NvidiaDevicePluginProps {
  /** Namespace of the DaemonSet and its ConfigMap; it must admit privileged Pod Security (host mounts). */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  /** `nvcr.io/nvidia/k8s-device-plugin`, pinned to a v0.17 tag. */
  readonly image: ImageSettings;
  readonly resources: ResourceSettings;
  /** How GPU nodes are labelled and tainted; the plugin runs on them only. */
  readonly gpu: GpuNodeSettings;
  /** Whether, and how many ways, each GPU is shared. */
  readonly timeSlicing: TimeSlicingSettings;
  /**
   * Without the plugin no GPU pod starts on the node, so it is the last to be evicted.
   * @default 'system-node-critical'
   */
  readonly priorityClassName?: string;
}

const NAME = 'nvidia-device-plugin';
const CONFIG_DIR = '/etc/nvidia-device-plugin';
const MAX_TIME_SLICES = 16;

/** The plugin's config file (version v1): flags, plus time-slicing when enabled. */
export function renderDevicePluginConfig(timeSlicing: TimeSlicingSettings): string {
  const { enabled, replicas } = timeSlicing;
  if (enabled && (!Number.isInteger(replicas) || replicas < 2 || replicas > MAX_TIME_SLICES)) {
    throw new Error(
      `NvidiaDevicePlugin timeSlicing.replicas: got ${replicas}; with enabled: true must be a whole number of 2-${MAX_TIME_SLICES}`,
    );
  }
  const config = {
    version: 'v1',
    flags: { migStrategy: 'none' },
    // failRequestsGreaterThanOne: a pod asking for 2 slices would get one GPU, not the two it expects.
    ...(enabled ? { sharing: { timeSlicing: { failRequestsGreaterThanOne: true, resources: [{ name: GPU_RESOURCE, replicas }] } } } : {}),
  };
  return stringify(config);
}

/** The NVIDIA device plugin on every GPU node: advertises `nvidia.com/gpu` to the kubelet. */
export class NvidiaDevicePlugin extends Construct {
  public readonly configText: string;
  public readonly daemonSet: kplus.DaemonSet;
  public readonly priorityClassName: string;

  constructor(scope: Construct, id: string, props: NvidiaDevicePluginProps) {
    super(scope, id);
    this.configText = renderDevicePluginConfig(props.timeSlicing);
    this.priorityClassName = props.priorityClassName ?? 'system-node-critical';
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(this.priorityClassName)) {
      throw new Error(
        `NvidiaDevicePlugin priorityClassName: got "${this.priorityClassName}"; must be a PriorityClass name such as system-node-critical`,
      );
    }
    const identity: ComponentIdentity = { name: NAME, component: 'gpu-device-plugin', instance: props.instance, version: props.image.tag };
    const metadata = { name: NAME, namespace: props.namespace, labels: standardLabels(identity) };

    const config = new kplus.ConfigMap(this, 'Config', {
      metadata: { ...metadata, name: `${NAME}-config` },
      data: { 'config.yaml': this.configText },
    });
    ComponentChart.addConfigFiles(this, { 'nvidia-device-plugin/config.yaml': this.configText });

    this.daemonSet = hostAgentDaemonSet(this, NAME, identity, metadata);
    addConfigChecksum(this.daemonSet, this.configText);
    onGpuNodes(this.daemonSet, props.gpu);
    usePriorityClass(this.daemonSet, this.priorityClassName);

    const container = addHostAgentContainer(this.daemonSet, NAME, {
      name: 'nvidia-device-plugin',
      image: props.image,
      envVariables: { CONFIG_FILE: kplus.EnvValue.fromValue(`${CONFIG_DIR}/config.yaml`) },
      resources: props.resources,
    });
    container.mount(CONFIG_DIR, kplus.Volume.fromConfigMap(this, 'ConfigVolume', config, { name: 'config' }), { readOnly: true });
    grantHostAccess(this, this.daemonSet, container, NAME);
  }
}
