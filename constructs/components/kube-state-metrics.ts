import { allowClients } from '../k8s/network-policies';
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { KubeClusterRole, KubeClusterRoleBinding } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import type { ImageSettings, ResourceSettings } from '../../config';
import type { GpuNodeSettings } from '../../config/schema/gpu-nodes';
import { addPinnedContainer } from '../k8s/container';
import { nonRootPodSecurityContext } from '../k8s/container-defaults';
import { offGpuNodes } from '../k8s/gpu-scheduling';
import { selectorLabels, standardLabels, type ComponentIdentity } from '../k8s/labels';
import { selectPodsByStableLabels } from '../k8s/pod-metadata';
import { KUBE_STATE_METRICS_SERVICE } from '../../contracts/services';

/** The API group and resource name of each kube-state-metrics resource (its `--resources` names). */
export const KUBE_STATE_RESOURCES = {
  pods: { group: '', resource: 'pods' },
  nodes: { group: '', resource: 'nodes' },
  namespaces: { group: '', resource: 'namespaces' },
  persistentvolumeclaims: { group: '', resource: 'persistentvolumeclaims' },
  deployments: { group: 'apps', resource: 'deployments' },
  statefulsets: { group: 'apps', resource: 'statefulsets' },
  daemonsets: { group: 'apps', resource: 'daemonsets' },
  jobs: { group: 'batch', resource: 'jobs' },
  cronjobs: { group: 'batch', resource: 'cronjobs' },
} as const;

export type KubeStateResource = keyof typeof KUBE_STATE_RESOURCES;

/**
 * Pods and nodes feed the catalog's kube_pod_* and kube_node_* series; the workload kinds let rules
 * see rollouts, DaemonSet coverage of GPU nodes, training Jobs and backup CronJobs.
 */
export const DEFAULT_KUBE_STATE_RESOURCES: readonly KubeStateResource[] = Object.keys(KUBE_STATE_RESOURCES) as KubeStateResource[];

export interface KubeStateMetricsProps {
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  /** `registry.k8s.io/kube-state-metrics/kube-state-metrics`, pinned. */
  readonly image: ImageSettings;
  readonly resources: ResourceSettings;
  /** Keeps it off GPU nodes, which are too dear for a CPU workload. */
  readonly gpu: GpuNodeSettings;
  /**
   * Resources to export; the ClusterRole may list and watch exactly these and nothing else.
   * @default DEFAULT_KUBE_STATE_RESOURCES
   */
  readonly exportedResources?: readonly KubeStateResource[];
}

const NAME = 'kube-state-metrics';
const METRICS_PORT = 8080;
const TELEMETRY_PORT = 8081;

/** kube-state-metrics as one Deployment with read-only (list/watch) access to the objects it reports on. */
export class KubeStateMetrics extends Construct {
  public readonly port = METRICS_PORT;
  public readonly serviceName: string;
  public readonly exportedResources: readonly KubeStateResource[];
  public readonly deployment: kplus.Deployment;

  constructor(scope: Construct, id: string, props: KubeStateMetricsProps) {
    super(scope, id);
    this.exportedResources = [...new Set(props.exportedResources ?? DEFAULT_KUBE_STATE_RESOURCES)].sort();
    const unknown = this.exportedResources.filter((name) => !(name in KUBE_STATE_RESOURCES));
    if (this.exportedResources.length === 0 || unknown.length > 0) {
      throw new Error(
        `KubeStateMetrics exportedResources: got [${(props.exportedResources ?? []).join(', ')}]; ` +
          `must be a non-empty subset of ${Object.keys(KUBE_STATE_RESOURCES).join(', ')}`,
      );
    }
    this.serviceName = KUBE_STATE_METRICS_SERVICE.name;
    const identity: ComponentIdentity = { name: NAME, component: 'cluster-metrics', instance: props.instance, version: props.image.tag };
    const labels = standardLabels(identity);
    const metadata = { name: NAME, namespace: props.namespace, labels };

    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata, automountToken: true });
    this.grantListWatch(serviceAccount.name, props.namespace, labels);

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata,
      // Two replicas would export every series twice; a restart costs one scrape gap.
      replicas: 1,
      select: false,
      serviceAccount,
      automountServiceAccountToken: true,
      securityContext: nonRootPodSecurityContext(),
    });
    selectPodsByStableLabels(this.deployment, identity);
    offGpuNodes(this.deployment, props.gpu);
    const probe = (path: string, port: number) =>
      kplus.Probe.fromHttpGet(path, { port, periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(5) });
    addPinnedContainer(this.deployment, {
      name: 'kube-state-metrics',
      image: props.image,
      args: [`--port=${METRICS_PORT}`, `--telemetry-port=${TELEMETRY_PORT}`, `--resources=${this.exportedResources.join(',')}`],
      ports: [
        { name: KUBE_STATE_METRICS_SERVICE.metricsPort, number: METRICS_PORT },
        { name: KUBE_STATE_METRICS_SERVICE.telemetryPort, number: TELEMETRY_PORT },
      ],
      resources: props.resources,
      liveness: probe('/livez', METRICS_PORT),
      readiness: probe('/readyz', TELEMETRY_PORT),
    });

    const pods = kplus.Pods.select(this, 'Pods', { labels: selectorLabels(identity) });
    // Only Prometheus, in this namespace, scrapes the metrics port; the telemetry port stays closed.
    allowClients(this, { namespace: props.namespace, labels, pods, port: METRICS_PORT, clientNamespaces: [] });
    new kplus.Service(this, 'Service', {
      metadata: { ...metadata, name: this.serviceName },
      selector: pods,
      ports: [
        { name: KUBE_STATE_METRICS_SERVICE.metricsPort, port: METRICS_PORT, targetPort: METRICS_PORT },
        { name: KUBE_STATE_METRICS_SERVICE.telemetryPort, port: TELEMETRY_PORT, targetPort: TELEMETRY_PORT },
      ],
    });
  }

  /** A ClusterRole with list and watch, per API group, on the exported resources only: no get, no writes, no Secrets. */
  private grantListWatch(serviceAccountName: string, namespace: string, labels: Record<string, string>): void {
    const byGroup = new Map<string, string[]>();
    for (const name of this.exportedResources) {
      const { group, resource } = KUBE_STATE_RESOURCES[name];
      byGroup.set(group, [...(byGroup.get(group) ?? []), resource]);
    }
    const rules = [...byGroup.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([group, resources]) => ({ apiGroups: [group], resources: resources.sort(), verbs: ['list', 'watch'] }));
    const role = new KubeClusterRole(this, 'ClusterRole', { metadata: { name: NAME, labels }, rules });
    new KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: NAME, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccountName, namespace }],
    });
  }
}
