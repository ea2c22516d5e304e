import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { LokiSettings } from '../../config/schema/logging';
import { AWS_REGION } from '../../config/schema/primitives';
import { durationSeconds } from '../../config/quantities';
import { ComponentChart } from '../assembly/component-chart';
import { addPinnedContainer } from '../k8s/container';
import { nonRootPodSecurityContext } from '../k8s/container-defaults';
import { selectorLabels, standardLabels, type ComponentIdentity } from '../k8s/labels';
import { renderLokiConfig, type LokiObjectStore } from '../config-files/loki-config';
import { allowClients } from '../k8s/network-policies';
import { addConfigChecksum, selectPodsByStableLabels } from '../k8s/pod-metadata';
import { addDataVolumePerReplica, headlessService } from '../k8s/stateful-set';
import { LOKI_SERVICE, LOKI_SCRAPE } from '../../contracts/services';

export interface LokiProps {
  /** Namespace of every object; Fluent Bit, Grafana and Prometheus run here and are Loki's only clients. */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  /** Image, resources, retention, volume, object storage and per-tenant limits of this environment. */
  readonly settings: LokiSettings;
  /** AWS region of the cluster, where the S3 bucket lives; unused with `filesystem` storage. */
  readonly region: string;
}

/** The user the Loki image runs as; the volume is group-owned by it through fsGroup. */
export const LOKI_UID = 10001;
const GRPC_PORT = 9095;
const CONFIG_DIR = '/etc/loki/config';
const DATA_DIR = '/loki';
const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
/** The compactor cannot apply a shorter retention than one day, the index period. */
const MIN_RETENTION_SECONDS = 86400;

/** Loki as one single-binary replica: every component in one process, its state on one volume. */
export class Loki extends Construct {
  /** The Service clients use: Fluent Bit, Grafana's datasource and the scrape job. */
  public readonly serviceName: string;
  /** Headless Service that governs the StatefulSet (`loki-0.loki-headless`). */
  public readonly headlessServiceName: string;
  /** HTTP port: push API, queries, `/ready` and `/metrics`. */
  public readonly port: number;
  public readonly configText: string;
  public readonly statefulSet: kplus.StatefulSet;

  constructor(scope: Construct, id: string, props: LokiProps) {
    super(scope, id);
    const { settings } = props;
    validateProps(props);
    this.serviceName = LOKI_SCRAPE.serviceName;
    this.headlessServiceName = 'loki-headless';
    this.port = LOKI_SERVICE.port;
    const identity: ComponentIdentity = { name: 'loki', component: 'logs', instance: props.instance, version: settings.image.tag };
    const labels = standardLabels(identity);
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels });
    const pods = kplus.Pods.select(this, 'Pods', { labels: selectorLabels(identity) });

    const storage = settings.objectStorage;
    const objectStore: LokiObjectStore =
      storage.type === 's3' ? { type: 's3', bucket: storage.bucket, region: props.region } : { type: 'filesystem' };
    this.configText = renderLokiConfig({
      httpPort: this.port,
      grpcPort: GRPC_PORT,
      dataDir: DATA_DIR,
      retention: settings.retention,
      objectStore,
      limits: settings.limits,
    });
    const config = new kplus.ConfigMap(this, 'Config', { metadata: metadata('loki-config'), data: { 'loki.yaml': this.configText } });
    ComponentChart.addConfigFiles(this, { 'loki/loki.yaml': this.configText });

    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: {
        ...metadata('loki'),
        ...(storage.type === 's3' ? { annotations: { [ROLE_ARN_ANNOTATION]: storage.roleArn } } : {}),
      },
      // Loki calls no Kubernetes API. For S3 the EKS webhook projects its own web-identity token,
      // whatever this says, so the API token stays unmounted in every mode.
      automountToken: false,
    });
    const httpPort = { name: LOKI_SCRAPE.portName, port: this.port, targetPort: this.port };
    const headless = headlessService(this, metadata(this.headlessServiceName), pods, [httpPort]);

    this.statefulSet = new kplus.StatefulSet(this, 'StatefulSet', {
      metadata: metadata('loki'),
      service: headless,
      replicas: 1,
      select: false,
      serviceAccount,
      automountServiceAccountToken: false,
      securityContext: nonRootPodSecurityContext(LOKI_UID),
    });
    selectPodsByStableLabels(this.statefulSet, identity);
    addConfigChecksum(this.statefulSet, this.configText);

    const ready = (periodSeconds: number, failureThreshold: number) =>
      kplus.Probe.fromHttpGet('/ready', {
        port: this.port,
        periodSeconds: Duration.seconds(periodSeconds),
        timeoutSeconds: Duration.seconds(5),
        failureThreshold,
      });
    const container = addPinnedContainer(this.statefulSet, {
      name: 'loki',
      image: settings.image,
      args: [`-config.file=${CONFIG_DIR}/loki.yaml`],
      ports: [{ name: LOKI_SCRAPE.portName, number: this.port }],
      resources: settings.resources,
      user: LOKI_UID,
      readiness: ready(10, 3),
      // /ready also fails while the ring settles or the store is briefly unreachable, which a restart
      // would not fix: liveness only asks whether the process still serves HTTP.
      liveness: kplus.Probe.fromTcpSocket({ port: this.port, periodSeconds: Duration.seconds(20), failureThreshold: 6 }),
      // WAL replay after a crash can take minutes; liveness waits for it.
      startup: ready(10, 60),
    });
    container.mount(CONFIG_DIR, kplus.Volume.fromConfigMap(this, 'ConfigVolume', config, { name: 'config' }), { readOnly: true });
    // The root filesystem is read-only; Loki and the Go runtime still write temporary files.
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp'));
    addDataVolumePerReplica(this.statefulSet, settings.volume, labels, DATA_DIR);

    // Clients use this one, selected by stable labels only.
    new kplus.Service(this, 'Service', { metadata: metadata(this.serviceName), selector: pods, ports: [httpPort] });
    // Fluent Bit pushes, Grafana queries and Prometheus scrapes, all from the monitoring namespace.
    allowClients(this, { namespace: props.namespace, labels, pods, port: this.port, clientNamespaces: [] });
  }
}

/** Throws naming the prop, the value given and what is allowed. */
function validateProps(props: LokiProps): void {
  const { retention, objectStorage } = props.settings;
  if (durationSeconds(retention) < MIN_RETENTION_SECONDS) {
    throw new Error(`Loki settings.retention: got ${retention}; must be at least 24h (Loki's minimum retention)`);
  }
  if (objectStorage.type === 's3' && !AWS_REGION.test(props.region)) {
    throw new Error(`Loki region: got "${props.region}"; must be the AWS region of the S3 bucket, such as us-west-2`);
  }
}
