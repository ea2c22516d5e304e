import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DNS_LABEL } from '../../config/schema/primitives';
import type { JaegerSettings } from '../../config/schema/logging';
import { memoryBytes } from '../../config/quantities';
import { ComponentChart } from '../assembly/component-chart';
import { addPinnedContainer } from '../k8s/container';
import { nonRootPodSecurityContext } from '../k8s/container-defaults';
import { serviceUrl } from '../config-files/grafana-datasources';
import { JAEGER_PATHS, JAEGER_PORTS, renderJaegerConfig, renderSamplingStrategies } from '../config-files/jaeger-config';
import { selectorLabels, standardLabels, type ComponentIdentity } from '../k8s/labels';
import { addConfigChecksum, selectPodsByStableLabels } from '../k8s/pod-metadata';
import { addDataVolumePerReplica, headlessService } from '../k8s/stateful-set';
import { JAEGER_QUERY_SERVICE, JAEGER_COLLECTOR_SERVICE, JAEGER_SCRAPE } from '../../contracts/services';

export interface JaegerProps {
  /** The monitoring namespace: every object lives here, and only its pods reach the UI and the metrics. */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  /** `logging.jaeger` of the environment config. */
  readonly settings: JaegerSettings;
  /** Namespaces whose pods send spans and fetch sampling strategies (the workloads'). */
  readonly clientNamespaces: readonly string[];
}

/** The uid the upstream Jaeger image runs as; fsGroup gives it the Badger volume. */
export const JAEGER_UID = 10001;

/** OTLP over gRPC, as `OTEL_EXPORTER_OTLP_ENDPOINT` takes it: `http://jaeger-collector.<ns>.svc:4317`. */
export function otlpEndpoint(namespace: string): string {
  return serviceUrl({ name: JAEGER_COLLECTOR_SERVICE, port: JAEGER_PORTS.otlpGrpc }, namespace);
}

/**
 * Jaeger v2 (collector, storage, query UI and remote sampling in one process) as a one-replica
 * StatefulSet, whatever the storage: both stores are single-process, so a second replica would
 * split the memory store's traces or wait on Badger's directory lock, and a StatefulSet never runs
 * the old and new pod side by side as a Deployment's rollout would. With Badger each pod keeps its
 * own PersistentVolumeClaim; with memory there is none.
 */
export class Jaeger extends Construct {
  public readonly queryServiceName: string = JAEGER_QUERY_SERVICE.name;
  public readonly collectorServiceName: string = JAEGER_COLLECTOR_SERVICE;
  /** config.yaml; its checksum rolls the pod. */
  public readonly configText: string;
  /** sampling-strategies.json; Jaeger re-reads it, so a change applies without a restart. */
  public readonly samplingText: string;
  public readonly statefulSet: kplus.StatefulSet;

  constructor(scope: Construct, id: string, props: JaegerProps) {
    super(scope, id);
    validateProps(props);
    const { settings, namespace } = props;
    const identity: ComponentIdentity = { name: 'jaeger', component: 'tracing', instance: props.instance, version: settings.image.tag };
    const labels = standardLabels(identity);
    const metadata = (name: string) => ({ name, namespace, labels });
    const pods = kplus.Pods.select(this, 'Pods', { labels: selectorLabels(identity) });

    this.configText = renderJaegerConfig(settings.storage);
    this.samplingText = renderSamplingStrategies(settings.sampling);
    const config = new kplus.ConfigMap(this, 'Config', {
      metadata: metadata('jaeger-config'),
      data: { 'config.yaml': this.configText, 'sampling-strategies.json': this.samplingText },
    });
    ComponentChart.addConfigFiles(this, { 'jaeger/config.yaml': this.configText, 'jaeger/sampling-strategies.json': this.samplingText });

    // Jaeger talks to no Kubernetes API, so its pod gets no token.
    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: metadata('jaeger'), automountToken: false });
    const headless = headlessService(this, metadata('jaeger-headless'), pods, [
      { name: 'query', port: JAEGER_PORTS.query, targetPort: JAEGER_PORTS.query },
    ]);
    this.statefulSet = new kplus.StatefulSet(this, 'StatefulSet', {
      metadata: metadata('jaeger'),
      service: headless,
      replicas: 1,
      select: false,
      serviceAccount,
      automountServiceAccountToken: false,
      // The image's own user; fsGroup makes the Badger volume writable for it.
      securityContext: nonRootPodSecurityContext(JAEGER_UID),
    });
    selectPodsByStableLabels(this.statefulSet, identity);
    addConfigChecksum(this.statefulSet, this.configText);

    const health = (periodSeconds: number, failureThreshold: number) =>
      kplus.Probe.fromHttpGet(JAEGER_PATHS.health, {
        port: JAEGER_PORTS.health,
        periodSeconds: Duration.seconds(periodSeconds),
        timeoutSeconds: Duration.seconds(5),
        failureThreshold,
      });
    const container = addPinnedContainer(this.statefulSet, {
      name: 'jaeger',
      image: settings.image,
      args: [`--config=${JAEGER_PATHS.config}`],
      // The Go GC works harder near the limit instead of letting the memory store get the pod OOM-killed.
      envVariables: { GOMEMLIMIT: kplus.EnvValue.fromValue(goMemLimit(settings.resources.memory.limit)) },
      ports: [
        { name: 'otlp-grpc', number: JAEGER_PORTS.otlpGrpc },
        { name: 'otlp-http', number: JAEGER_PORTS.otlpHttp },
        { name: 'sampling', number: JAEGER_PORTS.samplingHttp },
        { name: 'sampling-grpc', number: JAEGER_PORTS.samplingGrpc },
        { name: JAEGER_SCRAPE.portName, number: JAEGER_PORTS.metrics },
        { name: 'health', number: JAEGER_PORTS.health },
        { name: 'query', number: JAEGER_PORTS.query },
      ],
      resources: settings.resources,
      user: JAEGER_UID,
      readiness: health(10, 3),
      liveness: health(20, 3),
      // Badger replays its value log after an unclean stop; liveness waits up to 5 minutes for it.
      startup: health(10, 30),
    });
    // No subPath: the kubelet then updates the files in place, and Jaeger picks up new sampling strategies.
    container.mount(JAEGER_PATHS.configDir, kplus.Volume.fromConfigMap(this, 'ConfigVolume', config, { name: 'config' }), {
      readOnly: true,
    });
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp'));
    if (settings.storage.type === 'badger') {
      addDataVolumePerReplica(this.statefulSet, settings.storage.volume, labels, JAEGER_PATHS.badgerDir);
    }

    new kplus.Service(this, 'QueryService', {
      metadata: metadata(this.queryServiceName),
      selector: pods,
      ports: [{ name: 'query', port: JAEGER_QUERY_SERVICE.port, targetPort: JAEGER_PORTS.query }],
    });
    const collectorPort = (name: string, port: number) => ({ name, port, targetPort: port });
    new kplus.Service(this, 'CollectorService', {
      metadata: metadata(this.collectorServiceName),
      selector: pods,
      ports: [
        collectorPort('otlp-grpc', JAEGER_PORTS.otlpGrpc),
        collectorPort('otlp-http', JAEGER_PORTS.otlpHttp),
        collectorPort('sampling', JAEGER_PORTS.samplingHttp),
        collectorPort('sampling-grpc', JAEGER_PORTS.samplingGrpc),
        collectorPort(JAEGER_SCRAPE.portName, JAEGER_PORTS.metrics),
      ],
    });
    this.restrictTraffic(props, labels, pods);
  }

  /**
   * Spans and sampling from the client namespaces and the monitoring namespace; the UI and the
   * metrics from the monitoring namespace only (Grafana, Prometheus). No egress: Jaeger calls nothing.
   */
  private restrictTraffic(props: JaegerProps, labels: Record<string, string>, pods: kplus.Pods): void {
    const podsIn = (id: string, names: readonly string[]) =>
      kplus.Pods.all(this, `${id}Pods`, { namespaces: kplus.Namespaces.select(this, `${id}Namespaces`, { names: [...names] }) });
    const clients = podsIn('Client', [...new Set([props.namespace, ...props.clientNamespaces])].sort());
    const monitoring = podsIn('Monitoring', [props.namespace]);
    const tcp = (...ports: number[]) => ports.map((port) => kplus.NetworkPolicyPort.tcp(port));
    const { otlpGrpc, otlpHttp, samplingHttp, samplingGrpc, query, metrics } = JAEGER_PORTS;
    new kplus.NetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: 'jaeger', namespace: props.namespace, labels },
      selector: pods,
      ingress: {
        rules: [
          { peer: clients, ports: tcp(otlpGrpc, otlpHttp, samplingHttp, samplingGrpc) },
          { peer: monitoring, ports: tcp(query, metrics) },
        ],
      },
      egress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
    });
  }
}

/** 90 % of the container's memory limit, in MiB, as GOMEMLIMIT takes it. */
function goMemLimit(limit: string): string {
  return `${Math.floor((memoryBytes(limit) * 0.9) / 2 ** 20)}MiB`;
}

function validateProps(props: JaegerProps): void {
  for (const [prop, name] of [['namespace', props.namespace], ...props.clientNamespaces.map((ns) => ['clientNamespaces', ns])]) {
    if (!DNS_LABEL.test(name)) throw new Error(`Jaeger ${prop}: got "${name}"; must be a namespace name (a DNS-1123 label)`);
  }
  const { defaultProbability, perService } = props.settings.sampling;
  const probabilities = [
    ['defaultProbability', defaultProbability] as const,
    ...Object.entries(perService).map(([s, p]) => [`perService.${s}`, p] as const),
  ];
  for (const [prop, probability] of probabilities) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new Error(`Jaeger settings.sampling.${prop}: got ${probability}; must be a probability from 0 to 1`);
    }
  }
}
