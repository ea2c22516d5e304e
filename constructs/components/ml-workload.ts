import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IntOrString, KubePodDisruptionBudget } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import type { ImageSettings, ResourceSettings } from '../../config';
import type { GpuNodeSettings } from '../../config/schema/gpu-nodes';
import { addPinnedContainer } from '../k8s/container';
import { nonRootPodSecurityContext } from '../k8s/container-defaults';
import { validatePort, validateReplicas } from '../k8s/prop-checks';
import { usePriorityClass } from '../k8s/escape-hatches';
import { allowClients } from '../k8s/network-policies';
import { offGpuNodes, onGpuNodes, requestGpus } from '../k8s/gpu-scheduling';
import { selectorLabels, standardLabels, type ComponentIdentity } from '../k8s/labels';
import { addConfigChecksum, selectPodsByStableLabels } from '../k8s/pod-metadata';

/** ConfigMaps are also mounted as files under `<CONFIG_ROOT>/<configmap-name>/`, for code that reads files. */
export const CONFIG_ROOT = '/etc/moe-lab';

/** Where a workload's OpenTelemetry SDK sends spans and how many it keeps. */
export interface TracingProps {
  /** OTLP/gRPC endpoint, `http://<host>:4317`. */
  readonly otlpEndpoint: string;
  /** `logging.jaeger.sampling`: the service's own probability, else the default, is its trace-id ratio. */
  readonly sampling: { readonly defaultProbability: number; readonly perService: Readonly<Record<string, number>> };
}

export interface MlWorkloadProps {
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  /** The pods' `app` label and `app.kubernetes.io/name`; also names the Deployment and its budget. */
  readonly app: string;
  /** `app.kubernetes.io/component`, e.g. `training`. */
  readonly component: string;
  readonly image: ImageSettings;
  readonly resources: ResourceSettings;
  /** Which nodes are GPU nodes: GPU workloads require them, the others keep off them. */
  readonly gpuNodes: GpuNodeSettings;
  /** The one container port: the application, its health endpoint and `/metrics`. */
  readonly port: { readonly name: string; readonly number: number };
  /**
   * Fixed replica count.
   * @default - none: an autoscaler owns the count, so an apply never resets it
   */
  readonly replicas?: number;
  /**
   * `nvidia.com/gpu` per pod; with it the pods go to GPU nodes, without it they keep off them.
   * @default - no GPU
   */
  readonly gpus?: number;
  /**
   * HTTP path of the readiness, liveness and startup probes.
   * @default - a TCP connect to `port`, for images that serve no health endpoint
   */
  readonly healthPath?: string;
  /**
   * Longest time the app may take to start (load weights, restore a checkpoint) before liveness applies.
   * @default Duration.minutes(10)
   */
  readonly startupTimeout?: Duration;
  /**
   * Whether Prometheus scrapes `/metrics` on `port` (pod annotations `prometheus.io/*`).
   * @default true
   */
  readonly scrapeMetrics?: boolean;
  /**
   * ConfigMaps (created elsewhere) whose keys become environment variables and files under CONFIG_ROOT.
   * @default []
   */
  readonly configMaps?: readonly string[];
  /**
   * The content of those ConfigMaps; its hash on the pod template rolls the pods when it changes.
   * @default - no checksum annotation
   */
  readonly configChecksumOf?: string;
  /**
   * Plain environment variables.
   * @default {}
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * PriorityClass of the pods.
   * @default - the cluster default
   */
  readonly priorityClassName?: string;
  /**
   * PodDisruptionBudget `maxUnavailable`.
   * @default 1
   */
  readonly maxUnavailable?: number;
  /**
   * How long a stopping pod may take: a trainer writes its checkpoint before it exits.
   * @default 30 seconds
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * ConfigMaps mounted as files only: keys that are not valid environment variable names (dotted
   * nested settings) would be skipped by envFrom with a warning on every start.
   * @default []
   */
  readonly fileConfigMaps?: readonly string[];
  /**
   * How a new version replaces the pods.
   * @default - rolling, one extra pod at a time, none unavailable
   */
  readonly strategy?: kplus.DeploymentStrategy;
  /**
   * OpenTelemetry SDK settings (`OTEL_*`): spans to Jaeger, sampled at the configured ratio, service name `app`.
   * @default - no OTEL_* variables
   */
  readonly tracing?: TracingProps;
}

/**
 * What every ML workload shares: a Deployment selected by stable labels, the `app` label, one
 * restricted container with explicit resources, health probes, Prometheus scrape annotations,
 * /tmp on an emptyDir (the root filesystem is read-only), GPU placement and a PodDisruptionBudget.
 */
export class MlWorkload extends Construct {
  public readonly deployment: kplus.Deployment;
  public readonly container: kplus.Container;
  /** The workload's pods, for Service and policy selectors. */
  public readonly pods: kplus.Pods;
  public readonly labels: Record<string, string>;
  public readonly namespace: string;
  public readonly port: number;
  /** The `app` label, also the name of the Deployment, budget and policy. */
  public readonly app: string;

  constructor(scope: Construct, id: string, props: MlWorkloadProps) {
    super(scope, id);
    if (props.replicas !== undefined) validateReplicas(props.app, props.replicas);
    const maxUnavailable = props.maxUnavailable ?? 1;
    if (!Number.isInteger(maxUnavailable) || maxUnavailable < 0) {
      throw new Error(`${props.app} maxUnavailable: got ${maxUnavailable}; must be a whole number of 0 or more`);
    }
    const port = props.port.number;
    validatePort(props.app, port);
    const identity: ComponentIdentity = { name: props.app, component: props.component, instance: props.instance, version: props.image.tag };
    this.namespace = props.namespace;
    this.port = port;
    this.app = props.app;
    this.labels = { ...standardLabels(identity), app: props.app };
    this.pods = kplus.Pods.select(this, 'Pods', { labels: selectorLabels(identity) });

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: this.metadata(props.app),
      replicas: props.replicas,
      strategy:
        props.strategy ??
        kplus.DeploymentStrategy.rollingUpdate({
          maxSurge: kplus.PercentOrAbsolute.absolute(1),
          maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
        }),
      select: false,
      terminationGracePeriod: props.terminationGracePeriod,
      // The workloads call no Kubernetes API, so their pods get no token.
      automountServiceAccountToken: false,
      securityContext: nonRootPodSecurityContext(),
    });
    selectPodsByStableLabels(this.deployment, identity);
    // Prometheus takes the target's `app` label from this pod label; rules and dashboards select on it.
    this.deployment.podMetadata.addLabel('app', props.app);
    if (props.scrapeMetrics ?? true) {
      this.deployment.podMetadata.addAnnotation('prometheus.io/scrape', 'true');
      this.deployment.podMetadata.addAnnotation('prometheus.io/port', String(port));
      this.deployment.podMetadata.addAnnotation('prometheus.io/path', '/metrics');
    }
    if (props.configChecksumOf !== undefined) addConfigChecksum(this.deployment, props.configChecksumOf);

    this.container = addPinnedContainer(this.deployment, {
      name: props.app,
      image: props.image,
      ports: [{ name: props.port.name, number: props.port.number }],
      envVariables: Object.fromEntries(
        // HOME on the writable /tmp: the root filesystem is read-only, and tools (Triton's cache, pip) write under HOME.
        Object.entries({ HOME: '/tmp', ...props.env }).map(([key, value]) => [key, kplus.EnvValue.fromValue(value)]),
      ),
      resources: props.resources,
      ...probes(props.port.number, props.healthPath, props.startupTimeout ?? Duration.minutes(10)),
    });
    this.container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp', { sizeLimit: Size.gibibytes(1) }));
    if (props.tracing !== undefined) {
      for (const [name, value] of Object.entries(tracingEnvironment(props.app, props.tracing))) this.container.env.addVariable(name, value);
    }
    for (const name of props.configMaps ?? []) this.useConfigMap(name);
    for (const name of props.fileConfigMaps ?? []) this.mountConfigMap(name);
    if (props.priorityClassName !== undefined) usePriorityClass(this.deployment, props.priorityClassName);

    if (props.gpus === undefined) {
      offGpuNodes(this.deployment, props.gpuNodes);
    } else {
      onGpuNodes(this.deployment, props.gpuNodes);
      requestGpus(this.deployment, 0, props.gpus);
      // NCCL and DataLoader workers share memory through /dev/shm, 64 MiB by default in a container;
      // a memory-backed emptyDir is bounded by, and counted against, the container's memory limit.
      this.container.mount('/dev/shm', kplus.Volume.fromEmptyDir(this, 'ShmVolume', 'shm', { medium: kplus.EmptyDirMedium.MEMORY }));
    }

    new KubePodDisruptionBudget(this, 'Budget', {
      metadata: this.metadata(props.app),
      spec: { maxUnavailable: IntOrString.fromNumber(maxUnavailable), selector: { matchLabels: selectorLabels(identity) } },
    });
  }

  /** Object metadata in the workload's namespace with its labels. */
  metadata(name: string): { name: string; namespace: string; labels: Record<string, string> } {
    return { name, namespace: this.namespace, labels: this.labels };
  }

  /** A ClusterIP Service `name` in front of the pods, on `port` (named like the container port). */
  addService(name: string, port: { readonly name: string; readonly number: number }): kplus.Service {
    return new kplus.Service(this, 'Service', {
      metadata: this.metadata(name),
      selector: this.pods,
      ports: [{ name: port.name, port: port.number, targetPort: port.number }],
    });
  }

  /**
   * A NetworkPolicy admitting traffic to the workload's port only from its own namespace and
   * `clientNamespaces` (Prometheus' for scraping), or from every namespace (`'cluster'`, for a
   * service whose clients are not known here). Egress stays open: jobs read S3 and model hubs.
   */
  allowIngressFrom(clientNamespaces: readonly string[] | 'cluster'): kplus.NetworkPolicy {
    return allowClients(this, { namespace: this.namespace, labels: this.labels, pods: this.pods, port: this.port, clientNamespaces });
  }

  /** Mounts a PersistentVolumeClaim made elsewhere, read-write, at `path`. */
  mountClaim(volumeName: string, claimName: string, path: string, options: { readonly readOnly?: boolean } = {}): void {
    const claim = kplus.PersistentVolumeClaim.fromClaimName(this, `${volumeName}Claim`, claimName);
    // Read-only on the volume too, so no container of the pod can write through another mount of it.
    const volume = kplus.Volume.fromPersistentVolumeClaim(this, `${volumeName}Volume`, claim, {
      name: volumeName,
      ...(options.readOnly ? { readOnly: true } : {}),
    });
    this.container.mount(path, volume, options.readOnly ? { readOnly: true } : {});
  }

  private useConfigMap(name: string): void {
    const configMap = this.mountConfigMap(name);
    this.container.env.copyFrom(kplus.Env.fromConfigMap(configMap));
  }

  private mountConfigMap(name: string): kplus.IConfigMap {
    const configMap = kplus.ConfigMap.fromConfigMapName(this, `${name}ConfigMap`, name);
    const volume = kplus.Volume.fromConfigMap(this, `${name}Volume`, configMap, { name });
    this.container.mount(`${CONFIG_ROOT}/${name}`, volume, { readOnly: true });
    return configMap;
  }
}

/**
 * The OpenTelemetry SDK environment. Resource attributes name the pod through the downward API, so
 * Grafana can jump from a span to the pod's logs. The sampler is a parent-based trace-id ratio, which
 * every SDK implements (Python's has no Jaeger remote sampler and would keep every trace); the ratio
 * is the one Jaeger's strategies file serves for the service. Metrics and logs go to Prometheus and
 * the log shipper, not over OTLP.
 */
function tracingEnvironment(app: string, tracing: TracingProps): Record<string, kplus.EnvValue> {
  if (!/^https?:\/\/[a-z0-9.-]+:\d{1,5}$/.test(tracing.otlpEndpoint)) {
    throw new Error(`${app} tracing.otlpEndpoint: got "${tracing.otlpEndpoint}"; must be http(s)://<host>:<port>`);
  }
  const ratio = tracing.sampling.perService[app] ?? tracing.sampling.defaultProbability;
  const value = kplus.EnvValue.fromValue;
  return {
    // Kubernetes expands $(VAR) only from variables defined before it, so these two come first.
    K8S_NAMESPACE_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
    K8S_POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
    OTEL_SERVICE_NAME: value(app),
    OTEL_RESOURCE_ATTRIBUTES: value('k8s.namespace.name=$(K8S_NAMESPACE_NAME),k8s.pod.name=$(K8S_POD_NAME)'),
    OTEL_EXPORTER_OTLP_ENDPOINT: value(tracing.otlpEndpoint),
    OTEL_EXPORTER_OTLP_PROTOCOL: value('grpc'),
    OTEL_TRACES_EXPORTER: value('otlp'),
    OTEL_METRICS_EXPORTER: value('none'),
    OTEL_LOGS_EXPORTER: value('none'),
    OTEL_TRACES_SAMPLER: value('parentbased_traceidratio'),
    OTEL_TRACES_SAMPLER_ARG: value(String(ratio)),
  };
}

/** Readiness and liveness on the health endpoint; startup gives slow starts time before liveness counts. */
function probes(port: number, healthPath: string | undefined, startupTimeout: Duration) {
  const probe = (periodSeconds: number, failureThreshold: number) => {
    const options = { periodSeconds: Duration.seconds(periodSeconds), timeoutSeconds: Duration.seconds(5), failureThreshold };
    return healthPath === undefined
      ? kplus.Probe.fromTcpSocket({ port, ...options })
      : kplus.Probe.fromHttpGet(healthPath, { port, ...options });
  };
  const startupPeriod = 10;
  return {
    readiness: probe(10, 3),
    liveness: probe(20, 3),
    startup: probe(startupPeriod, Math.max(1, Math.ceil(startupTimeout.toSeconds() / startupPeriod))),
  };
}
