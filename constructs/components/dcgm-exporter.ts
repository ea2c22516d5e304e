import { addHostAgentContainer, hostAgentDaemonSet } from '../k8s/host-agent';
import { allowClients } from '../k8s/network-policies';
import { overrideLabel, type RelabelConfig } from '../config-files/scrape-config';
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { ImageSettings, ResourceSettings } from '../../config';
import type { GpuNodeSettings } from '../../config/schema/gpu-nodes';
import { grantHostAccess } from '../k8s/agent-patches';
import { ComponentChart } from '../assembly/component-chart';
import { validatePort } from '../k8s/prop-checks';
import { DCGM_COUNTERS, renderDcgmCounters, type DcgmCounter } from '../config-files/dcgm-counters';
import { onGpuNodes } from '../k8s/gpu-scheduling';
import { selectorLabels, standardLabels, type ComponentIdentity } from '../k8s/labels';
import { addConfigChecksum } from '../k8s/pod-metadata';
import { DCGM_EXPORTER_SERVICE } from '../../contracts/services';

export interface DcgmExporterProps {
  /** Namespace of every object; it must admit privileged Pod Security (host mount, root, SYS_ADMIN). */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  /** `nvcr.io/nvidia/k8s/dcgm-exporter`, pinned. */
  readonly image: ImageSettings;
  readonly resources: ResourceSettings;
  /** How GPU nodes are labelled and tainted; the exporter runs on them only. */
  readonly gpu: GpuNodeSettings;
  /**
   * Fields to collect; each must be in the metric catalog.
   * @default DCGM_COUNTERS
   */
  readonly counters?: readonly DcgmCounter[];
  /**
   * Metrics port.
   * @default 9400
   */
  readonly port?: number;
}

/** The Service and port name Prometheus's `dcgm-exporter` job selects; named once so they cannot drift. */
/**
 * With the kubelet pod-resources mount DCGM labels each GPU with the namespace, pod and container
 * holding it; Prometheus files those as `exported_*` because the target's own pod labels win. The
 * GPU's consumer is what users filter by, so it replaces the exporter's identity when there is one
 * (an idle GPU keeps the exporter's); `node` and `instance` still say where the GPU is.
 */
export const DCGM_CONSUMER_RELABELING: readonly RelabelConfig[] = [
  overrideLabel('exported_namespace', 'namespace'),
  overrideLabel('exported_pod', 'pod'),
  overrideLabel('exported_container', 'container'),
  { regex: 'exported_(namespace|pod|container)', action: 'labeldrop' },
];

const NAME = 'dcgm-exporter';
const COUNTERS_DIR = '/etc/dcgm-exporter/custom';

/** DCGM exporter on every GPU node: per-GPU telemetry, attributed to the pod that holds each GPU. */
export class DcgmExporter extends Construct {
  public readonly port: number;
  public readonly serviceName: string;
  public readonly countersCsv: string;
  public readonly daemonSet: kplus.DaemonSet;

  constructor(scope: Construct, id: string, props: DcgmExporterProps) {
    super(scope, id);
    this.port = props.port ?? 9400;
    validatePort('DcgmExporter', this.port);
    this.serviceName = DCGM_EXPORTER_SERVICE.name;
    this.countersCsv = renderDcgmCounters(props.counters ?? DCGM_COUNTERS);
    const identity: ComponentIdentity = { name: NAME, component: 'gpu-metrics', instance: props.instance, version: props.image.tag };
    const metadata = { name: NAME, namespace: props.namespace, labels: standardLabels(identity) };

    const counters = new kplus.ConfigMap(this, 'Counters', {
      metadata: { ...metadata, name: `${NAME}-counters` },
      data: { 'counters.csv': this.countersCsv },
    });
    ComponentChart.addConfigFiles(this, { 'dcgm-exporter/counters.csv': this.countersCsv });

    // Pod-to-GPU mapping comes from the kubelet socket.
    this.daemonSet = hostAgentDaemonSet(this, NAME, identity, metadata);
    addConfigChecksum(this.daemonSet, this.countersCsv);
    onGpuNodes(this.daemonSet, props.gpu);

    const health = (periodSeconds: number, failureThreshold: number) =>
      kplus.Probe.fromHttpGet('/health', { port: this.port, periodSeconds: Duration.seconds(periodSeconds), failureThreshold });
    const value = kplus.EnvValue.fromValue;
    const container = addHostAgentContainer(this.daemonSet, NAME, {
      name: 'dcgm-exporter',
      image: props.image,
      envVariables: {
        DCGM_EXPORTER_LISTEN: value(`:${this.port}`),
        DCGM_EXPORTER_COLLECTORS: value(`${COUNTERS_DIR}/counters.csv`),
        // Adds namespace/pod/container of the GPU's consumer, read from the kubelet PodResources API.
        DCGM_EXPORTER_KUBERNETES: value('true'),
        // The `Hostname` label would otherwise be the exporter pod's name.
        NODE_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME),
        // The NVIDIA runtime then mounts every GPU of the node without the exporter requesting (and so holding) one.
        NVIDIA_VISIBLE_DEVICES: value('all'),
      },
      ports: [{ name: DCGM_EXPORTER_SERVICE.metricsPort, number: this.port }],
      resources: props.resources,
      readiness: health(10, 3),
      liveness: health(15, 4),
      // The embedded host engine enumerates GPUs and profiling groups before it answers.
      startup: health(5, 24),
    });
    container.mount(COUNTERS_DIR, kplus.Volume.fromConfigMap(this, 'CountersVolume', counters, { name: 'counters' }), { readOnly: true });
    // The read-only root filesystem leaves /tmp for the host engine's scratch files.
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp'));
    // The embedded host engine writes nv-hostengine.log there; the root filesystem is read-only.
    container.mount('/var/log', kplus.Volume.fromEmptyDir(this, 'LogVolume', 'log'));
    grantHostAccess(this, this.daemonSet, container, NAME);

    const pods = kplus.Pods.select(this, 'Pods', { labels: selectorLabels(identity) });
    // Only Prometheus, in this namespace, needs the metrics port.
    allowClients(this, { namespace: props.namespace, labels: metadata.labels, pods, port: this.port, clientNamespaces: [] });
    new kplus.Service(this, 'Service', {
      metadata: { ...metadata, name: this.serviceName },
      selector: pods,
      ports: [{ name: DCGM_EXPORTER_SERVICE.metricsPort, port: this.port, targetPort: this.port }],
    });
  }
}
