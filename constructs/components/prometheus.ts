import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IntOrString, KubePodDisruptionBudget } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import type { ImageSettings, ResourceSettings } from '../../config';
import { ComponentChart } from '../assembly/component-chart';
import { addPinnedContainer } from '../k8s/container';
import { nonRootPodSecurityContext } from '../k8s/container-defaults';
import { selectorLabels, standardLabels, type ComponentIdentity } from '../k8s/labels';
import { addConfigChecksum, selectPodsByStableLabels } from '../k8s/pod-metadata';
import { validateReplicas } from '../k8s/prop-checks';
import { addDataVolumePerReplica, headlessService } from '../k8s/stateful-set';
import { POD_NAME_ENV, renderPrometheusConfig, type PrometheusConfigProps } from '../config-files/prometheus-config';
import { PROMETHEUS_SERVICE } from '../../contracts/services';

export interface PrometheusProps {
  /** Namespace of every namespaced object. */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  readonly image: ImageSettings;
  /** Identical replicas scraping the same targets, for HA. */
  readonly replicas: number;
  /** `--storage.tsdb.retention.time`, e.g. `30d`. */
  readonly retention: string;
  /** `--storage.tsdb.retention.size` in bytes; keeps the volume from filling before time retention. */
  readonly retentionSizeBytes: number;
  readonly storage: { readonly storageClass: string; readonly size: string };
  readonly resources: ResourceSettings;
  /** Everything that goes into prometheus.yml except the rule file globs, which this construct owns. */
  readonly config: Omit<PrometheusConfigProps, 'ruleFiles'>;
  /** Rule files keyed by file name (`node.yml`), mounted under `rules/` beside prometheus.yml. */
  readonly ruleFiles: ReadonlyMap<string, string>;
  /**
   * Port of the web UI and API.
   * @default 9090
   */
  readonly port?: number;
  /**
   * Names every object (`<name>`, `<name>-headless`, `<name>-config`, …) and `app.kubernetes.io/name`,
   * so a second Prometheus (the global one) can run beside the cluster's own.
   * @default 'prometheus'
   */
  readonly name?: string;
  /**
   * Directory under the chart's config/ where prometheus.yml and rules/ are written for checking.
   * @default - the config root
   */
  readonly configFilesDir?: string;
  /**
   * Grants the ClusterRole that Kubernetes discovery and the kubelet jobs need, and mounts the token.
   * A Prometheus with only static targets turns it off: no ClusterRole and no token in the pod.
   * @default true
   */
  readonly kubernetesDiscovery?: boolean;
}

const prefixKeys = (prefix: string, data: Record<string, string>) =>
  Object.fromEntries(Object.entries(data).map(([key, value]) => [prefix + key, value]));

const CONFIG_DIR = '/etc/prometheus';
const DATA_DIR = '/prometheus';

/** Prometheus as a StatefulSet with one volume per replica, least-privilege discovery RBAC (if any) and a ClusterIP Service. */
export class Prometheus extends Construct {
  public readonly port: number;
  /** Name of the StatefulSet, its ServiceAccount, PodDisruptionBudget and NetworkPolicy. */
  public readonly name: string;
  public readonly serviceName: string;
  /** Headless Service giving each replica a stable DNS name (`prometheus-0.prometheus-headless`). */
  public readonly headlessServiceName: string;
  public readonly configText: string;
  public readonly statefulSet: kplus.StatefulSet;
  /** The Prometheus container, for mounts a caller adds (e.g. scrape credentials). */
  public readonly container: kplus.Container;

  constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    validateReplicas('Prometheus', props.replicas);
    this.port = props.port ?? 9090;
    this.name = props.name ?? PROMETHEUS_SERVICE.name;
    this.serviceName = this.name;
    this.headlessServiceName = `${this.name}-headless`;
    const discovery = props.kubernetesDiscovery ?? true;
    const configFilesPrefix = props.configFilesDir ? `${props.configFilesDir}/` : '';
    const identity: ComponentIdentity = { name: this.name, component: 'metrics', instance: props.instance, version: props.image.tag };
    const labels = standardLabels(identity);
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels });
    const selector = selectorLabels(identity);
    // Select on our stable labels rather than cdk8s-plus's path-derived `cdk8s.io/metadata.addr`.
    const pods = kplus.Pods.select(this, 'Pods', { labels: selector });

    this.configText = renderPrometheusConfig({ ...props.config, ruleFiles: ['rules/*.yml'] });
    const ruleData = Object.fromEntries([...props.ruleFiles.entries()].sort(([a], [b]) => a.localeCompare(b)));
    const config = new kplus.ConfigMap(this, 'Config', {
      metadata: metadata(`${this.name}-config`),
      data: { 'prometheus.yml': this.configText },
    });
    const rules = new kplus.ConfigMap(this, 'Rules', { metadata: metadata(`${this.name}-rules`), data: ruleData });
    ComponentChart.addConfigFiles(this, {
      [`${configFilesPrefix}prometheus.yml`]: this.configText,
      ...prefixKeys(`${configFilesPrefix}rules/`, ruleData),
    });

    // Without discovery the pod talks to no Kubernetes API, so it gets no token (least privilege).
    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: metadata(this.name), automountToken: discovery });
    if (discovery) this.bindDiscoveryRole(serviceAccount, props.namespace, labels);

    const headless = headlessService(this, metadata(this.headlessServiceName), pods, [
      { name: PROMETHEUS_SERVICE.webPort, port: this.port, targetPort: this.port },
    ]);
    this.statefulSet = new kplus.StatefulSet(this, 'StatefulSet', {
      metadata: metadata(this.name),
      service: headless,
      replicas: props.replicas,
      // Replicas are independent copies; starting them in parallel halves recovery time.
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      select: false,
      serviceAccount,
      automountServiceAccountToken: discovery,
      // Lets the TSDB head be written out on shutdown instead of replayed from the WAL.
      terminationGracePeriod: Duration.seconds(300),
      securityContext: nonRootPodSecurityContext(),
    });
    selectPodsByStableLabels(this.statefulSet, identity);
    addConfigChecksum(this.statefulSet, this.configText, JSON.stringify(ruleData));
    // Two replicas on one node would fail together.
    this.statefulSet.scheduling.separate(pods, { topology: kplus.Topology.HOSTNAME });

    this.container = addPinnedContainer(this.statefulSet, {
      name: 'prometheus',
      image: props.image,
      args: [
        `--config.file=${CONFIG_DIR}/prometheus.yml`,
        `--storage.tsdb.path=${DATA_DIR}`,
        `--storage.tsdb.retention.time=${props.retention}`,
        `--storage.tsdb.retention.size=${Math.floor(props.retentionSizeBytes / 2 ** 20)}MB`,
        `--web.listen-address=:${this.port}`,
        '--enable-feature=expand-external-labels',
      ],
      envVariables: { [POD_NAME_ENV]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME) },
      ports: [{ name: PROMETHEUS_SERVICE.webPort, number: this.port }],
      resources: props.resources,
      readiness: kplus.Probe.fromHttpGet('/-/ready', { port: this.port, periodSeconds: Duration.seconds(5), failureThreshold: 3 }),
      liveness: kplus.Probe.fromHttpGet('/-/healthy', { port: this.port, periodSeconds: Duration.seconds(15), failureThreshold: 4 }),
      // WAL replay after a crash can take minutes on a large head block; liveness waits for it.
      startup: kplus.Probe.fromHttpGet('/-/ready', { port: this.port, periodSeconds: Duration.seconds(15), failureThreshold: 60 }),
    });
    const container = this.container;
    container.mount(CONFIG_DIR, kplus.Volume.fromConfigMap(this, 'ConfigVolume', config, { name: 'config' }), { readOnly: true });
    container.mount(`${CONFIG_DIR}/rules`, kplus.Volume.fromConfigMap(this, 'RulesVolume', rules, { name: 'rules' }), { readOnly: true });
    addDataVolumePerReplica(this.statefulSet, props.storage, labels, DATA_DIR);

    new kplus.Service(this, 'Service', {
      metadata: metadata(this.serviceName),
      selector: pods,
      ports: [{ name: PROMETHEUS_SERVICE.webPort, port: this.port, targetPort: this.port }],
    });
    new KubePodDisruptionBudget(this, 'Budget', {
      metadata: metadata(this.name),
      spec: { maxUnavailable: IntOrString.fromNumber(1), selector: { matchLabels: selector } },
    });
    this.allowIngressFromNamespace(props.namespace, labels, pods);
  }

  /** Read-only access to exactly what Kubernetes discovery and the kubelet scrape jobs need. */
  private bindDiscoveryRole(serviceAccount: kplus.ServiceAccount, namespace: string, labels: Record<string, string>): void {
    const role = new kplus.ClusterRole(this, 'ClusterRole', { metadata: { name: `${namespace}-${this.name}`, labels } });
    const R = kplus.ApiResource;
    role.allow(['get', 'list', 'watch'], R.PODS, R.SERVICES, R.ENDPOINTS, R.ENDPOINT_SLICES, R.NODES);
    role.allow(['get'], R.custom({ apiGroup: '', resourceType: 'nodes/metrics' }), kplus.NonApiResource.of('/metrics'));
    const binding = new kplus.ClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: `${namespace}-${this.name}`, labels },
      role,
    });
    binding.addSubjects(serviceAccount);
  }

  /** Only pods of the monitoring namespace (Grafana, the other replica, federation) reach the API. */
  private allowIngressFromNamespace(namespace: string, labels: Record<string, string>, pods: kplus.Pods): void {
    const peers = kplus.Pods.all(this, 'MonitoringPods', {
      namespaces: kplus.Namespaces.select(this, 'MonitoringNamespace', { names: [namespace] }),
    });
    new kplus.NetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, namespace, labels },
      selector: pods,
      ingress: { rules: [{ peer: peers, ports: [kplus.NetworkPolicyPort.tcp(this.port)] }] },
    });
  }
}
