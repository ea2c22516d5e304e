import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IntOrString, KubePodDisruptionBudget } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import type { GrafanaDatabaseSettings, ImageSettings, ResourceSettings } from '../../config';
import { ComponentChart } from '../assembly/component-chart';
import { addPinnedContainer } from '../k8s/container';
import { nonRootPodSecurityContext } from '../k8s/container-defaults';
import { mountProjectedConfigMaps } from '../k8s/escape-hatches';
import { GRAFANA_PATHS, renderDashboardProvider, renderGrafanaIni } from '../config-files/grafana-config';
import { renderDatasources, type DatasourcesProps } from '../config-files/grafana-datasources';
import { allowGrafanaTraffic } from './grafana-network-policy';
import { selectorLabels, standardLabels, type ComponentIdentity } from '../k8s/labels';
import { addConfigChecksum, selectPodsByStableLabels } from '../k8s/pod-metadata';
import { validateReplicas } from '../k8s/prop-checks';
import { JAEGER_QUERY_SERVICE, LOKI_SERVICE, GRAFANA_SERVICE } from '../../contracts/services';

export interface GrafanaProps {
  /** Namespace of every namespaced object, and of the Services the datasources point at. */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  readonly image: ImageSettings;
  /** More than one needs `database.type: postgres`, so the replicas share users and sessions. */
  readonly replicas: number;
  readonly resources: ResourceSettings;
  /** Secret (created by the Pulumi program from secret stack config) with the keys `admin-user` and `admin-password`. */
  readonly adminSecret: string;
  readonly database: GrafanaDatabaseSettings;
  /** The URL users open Grafana at (`alerting.grafanaUrl`), so redirects and share links use it. */
  readonly rootUrl: string;
  /** Dashboard JSON keyed by file name `<uid>.json`, as `renderDashboards` returns it. */
  readonly dashboards: ReadonlyMap<string, string>;
  /** The backends of the datasources; Loki and Jaeger default to the Services constructs/components/loki.ts and jaeger.ts create. */
  readonly datasources: Omit<DatasourcesProps, 'namespace'>;
  /**
   * Port of the web UI and API.
   * @default 3000
   */
  readonly port?: number;
}

/** The `grafana` user of the official image; files it writes in the emptyDirs belong to it. */
export const GRAFANA_UID = 472;

/** Where the Secrets are mounted; the `__FILE` variables point into these directories. */
const ADMIN_SECRET_DIR = '/etc/grafana/secrets/admin';
const DATABASE_SECRET_DIR = '/etc/grafana/secrets/database';
const DASHBOARD_FILE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.json$/;

/** ConfigMap that holds one dashboard; one per dashboard keeps each far below the object size limit. */
export const dashboardConfigMapName = (uid: string) => `grafana-dashboard-${uid}`;

/** Grafana as a Deployment with file-provisioned datasources and dashboards, and no credential in its config. */
export class Grafana extends Construct {
  public readonly port: number;
  public readonly serviceName: string;
  public readonly iniText: string;
  public readonly datasourcesText: string;
  public readonly providerText: string;
  public readonly deployment: kplus.Deployment;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    validateReplicas('Grafana', props.replicas);
    if (props.replicas > 1 && props.database.type !== 'postgres') {
      throw new Error(`Grafana database: got ${props.database.type} with ${props.replicas} replicas; more than 1 replica needs postgres`);
    }
    const dashboards = sortedDashboards(props.dashboards);
    this.port = props.port ?? 3000;
    this.serviceName = GRAFANA_SERVICE.name;
    const identity: ComponentIdentity = { name: 'grafana', component: 'dashboards', instance: props.instance, version: props.image.tag };
    const labels = standardLabels(identity);
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels });
    const pods = kplus.Pods.select(this, 'Pods', { labels: selectorLabels(identity) });

    this.iniText = renderGrafanaIni({ rootUrl: props.rootUrl, port: this.port });
    this.datasourcesText = renderDatasources({ ...props.datasources, namespace: props.namespace });
    this.providerText = renderDashboardProvider();
    const configMap = (cmId: string, name: string, data: Record<string, string>) =>
      new kplus.ConfigMap(this, cmId, { metadata: metadata(name), data });
    const config = configMap('Config', 'grafana-config', { 'grafana.ini': this.iniText });
    const datasources = configMap('Datasources', 'grafana-datasources', { 'datasources.yaml': this.datasourcesText });
    const provider = configMap('DashboardProvider', 'grafana-dashboard-provider', { 'dashboards.yaml': this.providerText });
    for (const { uid, file, json } of dashboards) configMap(`Dashboard-${uid}`, dashboardConfigMapName(uid), { [file]: json });
    ComponentChart.addConfigFiles(this, {
      'grafana/grafana.ini': this.iniText,
      'grafana/provisioning/datasources/datasources.yaml': this.datasourcesText,
      'grafana/provisioning/dashboards/dashboards.yaml': this.providerText,
      ...Object.fromEntries(dashboards.map(({ file, json }) => [`dashboards/${file}`, json])),
    });

    // Grafana talks to no Kubernetes API, so its pods get no token.
    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: metadata('grafana'), automountToken: false });
    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: metadata('grafana'),
      replicas: props.replicas,
      // A new pod is ready before an old one goes, so a rollout never drops below the replica count.
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      select: false,
      serviceAccount,
      automountServiceAccountToken: false,
      // fsGroup lets the grafana user read the Secret files (mode 0440); the volumes are small, so no chown cost.
      securityContext: nonRootPodSecurityContext(GRAFANA_UID),
    });
    selectPodsByStableLabels(this.deployment, identity);
    // Any change to grafana.ini, provisioning or a dashboard rolls the pods; Grafana reads datasources only at start.
    addConfigChecksum(
      this.deployment,
      this.iniText,
      this.datasourcesText,
      this.providerText,
      ...dashboards.flatMap(({ file, json }) => [file, json]),
    );
    // Two replicas on one node would fail together.
    if (props.replicas > 1) this.deployment.scheduling.separate(pods, { topology: kplus.Topology.HOSTNAME });

    const health = (periodSeconds: number, failureThreshold: number) =>
      kplus.Probe.fromHttpGet('/api/health', {
        port: this.port,
        periodSeconds: Duration.seconds(periodSeconds),
        timeoutSeconds: Duration.seconds(5),
        failureThreshold,
      });
    const container = addPinnedContainer(this.deployment, {
      name: 'grafana',
      image: props.image,
      envVariables: grafanaEnvironment(props.database),
      ports: [{ name: GRAFANA_SERVICE.httpPort, number: this.port }],
      resources: props.resources,
      user: GRAFANA_UID,
      readiness: health(10, 3),
      liveness: health(15, 4),
      // Database migrations on first start or after an upgrade can take minutes; liveness waits for them.
      startup: health(10, 30),
    });
    this.mountVolumes(container, props, { config, datasources, provider });
    mountProjectedConfigMaps(this.deployment, {
      name: 'dashboards',
      configMaps: dashboards.map(({ uid }) => dashboardConfigMapName(uid)),
      mountPath: GRAFANA_PATHS.dashboards,
    });

    new kplus.Service(this, 'Service', {
      metadata: metadata(this.serviceName),
      selector: pods,
      ports: [{ name: GRAFANA_SERVICE.httpPort, port: this.port, targetPort: this.port }],
    });
    new KubePodDisruptionBudget(this, 'Budget', {
      metadata: metadata('grafana'),
      spec: { maxUnavailable: IntOrString.fromNumber(1), selector: { matchLabels: selectorLabels(identity) } },
    });
    const { prometheus, alertmanager, loki = LOKI_SERVICE, jaeger = JAEGER_QUERY_SERVICE } = props.datasources;
    allowGrafanaTraffic(this, {
      namespace: props.namespace,
      labels,
      pods,
      port: this.port,
      backendPorts: [
        ...new Set([prometheus, alertmanager, loki, jaeger, props.datasources.globalPrometheus].flatMap((s) => (s ? [s.port] : []))),
      ],
      databasePort: props.database.type === 'postgres' ? databasePort(props.database.host) : undefined,
    });
  }

  /** Config and Secrets read-only; the only writable paths are the data directory and /tmp, both emptyDirs. */
  private mountVolumes(
    container: kplus.Container,
    props: GrafanaProps,
    configMaps: { readonly config: kplus.ConfigMap; readonly datasources: kplus.ConfigMap; readonly provider: kplus.ConfigMap },
  ): void {
    const readOnly = { readOnly: true };
    const fromConfigMap = (id: string, configMap: kplus.ConfigMap, name: string) =>
      kplus.Volume.fromConfigMap(this, id, configMap, { name });
    // subPath keeps the rest of /etc/grafana from the image; the checksum, not a volume update, rolls a change out.
    container.mount(GRAFANA_PATHS.config, fromConfigMap('ConfigVolume', configMaps.config, 'config'), {
      ...readOnly,
      subPath: 'grafana.ini',
    });
    const provisioning = GRAFANA_PATHS.provisioning;
    container.mount(`${provisioning}/datasources`, fromConfigMap('DatasourcesVolume', configMaps.datasources, 'datasources'), readOnly);
    container.mount(`${provisioning}/dashboards`, fromConfigMap('ProviderVolume', configMaps.provider, 'dashboard-provider'), readOnly);

    // Not created here: both Secrets hold real credentials and are made outside this repo (README).
    const fromSecret = (id: string, secretName: string, name: string) =>
      kplus.Volume.fromSecret(this, `${id}Volume`, kplus.Secret.fromSecretName(this, id, secretName), { name, defaultMode: 0o440 });
    container.mount(ADMIN_SECRET_DIR, fromSecret('AdminCredentials', props.adminSecret, 'admin-credentials'), readOnly);
    if (props.database.type === 'postgres') {
      const secret = fromSecret('DatabaseCredentials', props.database.credentialsSecret, 'database-credentials');
      container.mount(DATABASE_SECRET_DIR, secret, readOnly);
    }

    // SQLite (when used), plugins and sessions live in the data directory; Go's temp files in /tmp.
    container.mount(GRAFANA_PATHS.data, kplus.Volume.fromEmptyDir(this, 'StorageVolume', 'storage'));
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp'));
  }
}

/** Credentials as `__FILE` variables (the image reads the file into the variable), never as values. */
function grafanaEnvironment(database: GrafanaDatabaseSettings): Record<string, kplus.EnvValue> {
  const value = kplus.EnvValue.fromValue;
  const env: Record<string, kplus.EnvValue> = {
    GF_SECURITY_ADMIN_USER__FILE: value(`${ADMIN_SECRET_DIR}/admin-user`),
    GF_SECURITY_ADMIN_PASSWORD__FILE: value(`${ADMIN_SECRET_DIR}/admin-password`),
  };
  if (database.type === 'sqlite') return { ...env, GF_DATABASE_TYPE: value('sqlite3') };
  return {
    ...env,
    GF_DATABASE_TYPE: value('postgres'),
    GF_DATABASE_HOST: value(database.host),
    GF_DATABASE_NAME: value(database.name),
    GF_DATABASE_SSL_MODE: value(database.sslMode),
    GF_DATABASE_USER__FILE: value(`${DATABASE_SECRET_DIR}/username`),
    GF_DATABASE_PASSWORD__FILE: value(`${DATABASE_SECRET_DIR}/password`),
  };
}

/** The port of a `host:port` database address. */
function databasePort(host: string): number {
  const port = Number(/:(\d{1,5})$/.exec(host)?.[1]);
  if (!(port >= 1 && port <= 65535)) throw new Error(`Grafana database.host: got "${host}"; must be host:port with a port of 1-65535`);
  return port;
}

/** The dashboards sorted by uid, each file name checked: it names a ConfigMap and a file on disk. */
function sortedDashboards(dashboards: ReadonlyMap<string, string>): Array<{ uid: string; file: string; json: string }> {
  if (dashboards.size === 0) throw new Error('Grafana dashboards: got none; must hold at least one <uid>.json');
  return [...dashboards.entries()]
    .map(([file, json]) => {
      const uid = DASHBOARD_FILE.exec(file)?.[1];
      if (!uid) throw new Error(`Grafana dashboards: got file name "${file}"; must be <uid>.json with a lower-case DNS-label uid`);
      return { uid, file, json };
    })
    .sort((a, b) => a.uid.localeCompare(b.uid));
}
