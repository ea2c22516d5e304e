import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IntOrString, KubePodDisruptionBudget } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import type { ImageSettings, ResourceSettings } from '../../config';
import { renderAlertmanagerConfig, type AlertmanagerConfigProps } from '../config-files/alertmanager-config';
import { ComponentChart } from '../assembly/component-chart';
import { addPinnedContainer } from '../k8s/container';
import { nonRootPodSecurityContext } from '../k8s/container-defaults';
import { publishNotReadyAddresses } from '../k8s/escape-hatches';
import { selectorLabels, standardLabels, type ComponentIdentity } from '../k8s/labels';
import { addConfigChecksum, selectPodsByStableLabels } from '../k8s/pod-metadata';
import { validateReplicas } from '../k8s/prop-checks';
import { addDataVolumePerReplica, headlessService } from '../k8s/stateful-set';
import { ALERTMANAGER_SERVICE } from '../../contracts/services';

export interface AlertmanagerProps {
  /** Namespace of every namespaced object. */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  readonly image: ImageSettings;
  /** Peers that gossip silences and the notification log; more than one forms a cluster. */
  readonly replicas: number;
  /** `--data.retention`: how long silences and the notification log are kept, e.g. `120h`. */
  readonly retention: string;
  readonly storage: { readonly storageClass: string; readonly size: string };
  readonly resources: ResourceSettings;
  /** Name of the Secret (created by the Pulumi program from secret stack config) holding the receiver credentials as files. */
  readonly credentialsSecret: string;
  /** Receivers and time windows of alertmanager.yml; the secrets directory is this construct's. */
  readonly config: Omit<AlertmanagerConfigProps, 'secretsDir'>;
  /**
   * Port of the web UI and API.
   * @default 9093
   */
  readonly port?: number;
  /**
   * Gossip port, TCP and UDP.
   * @default 9094
   */
  readonly clusterPort?: number;
}

const CONFIG_DIR = '/etc/alertmanager/config';
/** Where the receivers Secret is mounted; alertmanager.yml's `*_file` settings point here. */
export const ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager/secrets';
const DATA_DIR = '/alertmanager';
const POD_IP_ENV = 'POD_IP';

/** Alertmanager as a StatefulSet of gossiping peers, each with a volume for silences and the notification log. */
export class Alertmanager extends Construct {
  public readonly port: number;
  public readonly clusterPort: number;
  public readonly serviceName: string;
  /** Headless Service giving each peer a stable DNS name (`alertmanager-0.alertmanager-headless`). */
  public readonly headlessServiceName: string;
  /** `alertmanager-<i>.alertmanager-headless.<namespace>.svc:<port>` for every replica: Prometheus sends to all of them. */
  public readonly apiTargets: readonly string[];
  public readonly configText: string;
  public readonly statefulSet: kplus.StatefulSet;

  constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    super(scope, id);
    validateReplicas('Alertmanager', props.replicas);
    this.port = props.port ?? 9093;
    this.clusterPort = props.clusterPort ?? 9094;
    if (this.port === this.clusterPort) throw new Error(`Alertmanager clusterPort: got ${this.clusterPort}; must differ from port`);
    this.serviceName = ALERTMANAGER_SERVICE.name;
    this.headlessServiceName = 'alertmanager-headless';
    const peerHost = (i: number) => `${this.serviceName}-${i}.${this.headlessServiceName}.${props.namespace}.svc`;
    const replicas = Array.from({ length: props.replicas }, (_, i) => i);
    this.apiTargets = replicas.map((i) => `${peerHost(i)}:${this.port}`);

    const identity: ComponentIdentity = { name: 'alertmanager', component: 'alerting', instance: props.instance, version: props.image.tag };
    const labels = standardLabels(identity);
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels });
    const selector = selectorLabels(identity);
    const pods = kplus.Pods.select(this, 'Pods', { labels: selector });

    this.configText = renderAlertmanagerConfig({ ...props.config, secretsDir: ALERTMANAGER_SECRETS_DIR });
    const config = new kplus.ConfigMap(this, 'Config', {
      metadata: metadata('alertmanager-config'),
      data: { 'alertmanager.yml': this.configText },
    });
    ComponentChart.addConfigFiles(this, { 'alertmanager.yml': this.configText });
    // Not created here: the Secret holds real credentials and is made by hand (docs/alerting.md).
    const credentials = kplus.Secret.fromSecretName(this, 'ReceiverCredentials', props.credentialsSecret);

    // Alertmanager talks to no Kubernetes API, so its pods get no token.
    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: metadata('alertmanager'), automountToken: false });
    const webPort = { name: ALERTMANAGER_SERVICE.webPort, port: this.port, targetPort: this.port };
    const headless = headlessService(this, metadata(this.headlessServiceName), pods, [
      webPort,
      { name: 'cluster-tcp', port: this.clusterPort, targetPort: this.clusterPort, protocol: kplus.Protocol.TCP },
      { name: 'cluster-udp', port: this.clusterPort, targetPort: this.clusterPort, protocol: kplus.Protocol.UDP },
    ]);
    publishNotReadyAddresses(headless);

    this.statefulSet = new kplus.StatefulSet(this, 'StatefulSet', {
      metadata: metadata('alertmanager'),
      service: headless,
      replicas: props.replicas,
      // Peers are interchangeable; starting them together lets the cluster form at once.
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      select: false,
      serviceAccount,
      automountServiceAccountToken: false,
      securityContext: nonRootPodSecurityContext(),
    });
    selectPodsByStableLabels(this.statefulSet, identity);
    addConfigChecksum(this.statefulSet, this.configText);
    // Two peers on one node would fail together.
    this.statefulSet.scheduling.separate(pods, { topology: kplus.Topology.HOSTNAME });

    const container = addPinnedContainer(this.statefulSet, {
      name: 'alertmanager',
      image: props.image,
      args: [
        `--config.file=${CONFIG_DIR}/alertmanager.yml`,
        `--storage.path=${DATA_DIR}`,
        `--data.retention=${props.retention}`,
        `--web.listen-address=:${this.port}`,
        ...this.clusterArgs(props.replicas, peerHost),
      ],
      envVariables: { [POD_IP_ENV]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP) },
      ports: [
        { name: ALERTMANAGER_SERVICE.webPort, number: this.port },
        { name: 'cluster-tcp', number: this.clusterPort, protocol: kplus.Protocol.TCP },
        { name: 'cluster-udp', number: this.clusterPort, protocol: kplus.Protocol.UDP },
      ],
      resources: props.resources,
      readiness: kplus.Probe.fromHttpGet('/-/ready', { port: this.port, periodSeconds: Duration.seconds(5), failureThreshold: 10 }),
      liveness: kplus.Probe.fromHttpGet('/-/healthy', { port: this.port, periodSeconds: Duration.seconds(15), failureThreshold: 4 }),
    });
    container.mount(CONFIG_DIR, kplus.Volume.fromConfigMap(this, 'ConfigVolume', config, { name: 'config' }), { readOnly: true });
    // Read on every notification, so a rotated credential applies without a restart.
    const secretsVolume = kplus.Volume.fromSecret(this, 'SecretsVolume', credentials, { name: 'receiver-credentials', defaultMode: 0o440 });
    container.mount(ALERTMANAGER_SECRETS_DIR, secretsVolume, { readOnly: true });
    addDataVolumePerReplica(this.statefulSet, props.storage, labels, DATA_DIR);

    new kplus.Service(this, 'Service', { metadata: metadata(this.serviceName), selector: pods, ports: [webPort] });
    new KubePodDisruptionBudget(this, 'Budget', {
      metadata: metadata('alertmanager'),
      spec: { maxUnavailable: IntOrString.fromNumber(1), selector: { matchLabels: selector } },
    });
    this.restrictIngress(props.namespace, labels, pods);
  }

  /**
   * One peer flag per replica (its own included, as the operator does) so any pod can join; with a
   * single replica an empty listen address turns gossip off, and the peer waits for nobody.
   */
  private clusterArgs(replicas: number, peerHost: (i: number) => string): string[] {
    if (replicas === 1) return ['--cluster.listen-address='];
    return [
      `--cluster.listen-address=0.0.0.0:${this.clusterPort}`,
      // Kubernetes expands $(POD_IP) from the env; the pod IP is what peers can reach.
      `--cluster.advertise-address=$(${POD_IP_ENV}):${this.clusterPort}`,
      ...Array.from({ length: replicas }, (_, i) => `--cluster.peer=${peerHost(i)}:${this.clusterPort}`),
    ];
  }

  /** The API only from the monitoring namespace (Prometheus, Grafana); gossip only between the peers. */
  private restrictIngress(namespace: string, labels: Record<string, string>, pods: kplus.Pods): void {
    const monitoringPods = kplus.Pods.all(this, 'MonitoringPods', {
      namespaces: kplus.Namespaces.select(this, 'MonitoringNamespace', { names: [namespace] }),
    });
    new kplus.NetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: 'alertmanager', namespace, labels },
      selector: pods,
      ingress: {
        rules: [
          { peer: monitoringPods, ports: [kplus.NetworkPolicyPort.tcp(this.port)] },
          { peer: pods, ports: [kplus.NetworkPolicyPort.tcp(this.clusterPort), kplus.NetworkPolicyPort.udp(this.clusterPort)] },
        ],
      },
    });
  }
}
