import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { KubeClusterRole, KubeClusterRoleBinding } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import type { FluentBitSettings } from '../../config/schema/logging';
import { DNS_LABEL } from '../../config/schema/primitives';
import { grantHostAccess, tolerateEveryTaint } from '../k8s/agent-patches';
import { ComponentChart } from '../assembly/component-chart';
import { usePriorityClass } from '../k8s/escape-hatches';
import { FLUENT_BIT_PORTS, renderFluentBitConfig } from '../config-files/fluent-bit-config';
import { addHostAgentContainer, hostAgentDaemonSet } from '../k8s/host-agent';
import { standardLabels, selectorLabels, type ComponentIdentity } from '../k8s/labels';
import { addConfigChecksum } from '../k8s/pod-metadata';
import { FLUENT_BIT_SCRAPE } from '../../contracts/services';

export interface FluentBitProps {
  /** Namespace of every namespaced object; it must admit privileged Pod Security (root, host mounts). */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  /** Image (`fluent/fluent-bit` 3.x, pinned), resources and buffer limits. */
  readonly settings: FluentBitSettings;
  /** The namespaces whose logs get `job` moe-lab and mage; every other namespace's get `job` platform. */
  readonly logNamespaces: { readonly moeLab: string; readonly mage: string };
  /** Loki's push endpoint, e.g. `loki.monitoring.svc` and 3100. */
  readonly loki: { readonly host: string; readonly port: number };
}

const NAME = 'fluent-bit';
/** Not /fluent-bit/etc, so the image's own files stay where it expects them. */
const CONFIG_DIR = '/fluent-bit/config';
const CONFIG_FILE = 'fluent-bit.yaml';
const HOST = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** The config uses keys of Fluent Bit 3.2+ (log_to_metrics flush_interval_sec); a new major needs it reviewed first. */
const SUPPORTED_TAG = /^v?3\.([2-9]|[1-9]\d+)\.\d+$/;

/**
 * Fluent Bit on every node, GPU nodes included: tails the container logs read-only, adds pod
 * metadata from the API (get/list/watch on pods and namespaces, nothing else), ships the lines to
 * Loki and serves the log-derived counters and its own metrics to Prometheus.
 */
export class FluentBit extends Construct {
  /** fluent-bit.yaml as mounted. */
  public readonly configText: string;
  public readonly metricsPort: number = FLUENT_BIT_PORTS.metrics;
  public readonly serviceName: string = FLUENT_BIT_SCRAPE.serviceName;
  public readonly daemonSet: kplus.DaemonSet;

  constructor(scope: Construct, id: string, props: FluentBitProps) {
    super(scope, id);
    validateProps(props);
    const identity: ComponentIdentity = {
      name: NAME,
      component: 'log-shipper',
      instance: props.instance,
      version: props.settings.image.tag,
    };
    const labels = standardLabels(identity);
    const metadata = { name: NAME, namespace: props.namespace, labels };

    this.configText = renderFluentBitConfig({ ...props, name: NAME });
    const config = new kplus.ConfigMap(this, 'Config', {
      metadata: { ...metadata, name: `${NAME}-config` },
      data: { [CONFIG_FILE]: this.configText },
    });
    ComponentChart.addConfigFiles(this, { [`fluent-bit/${CONFIG_FILE}`]: this.configText });

    // The kubernetes filter reads pod labels from the API server, so this agent needs a token.
    this.daemonSet = hostAgentDaemonSet(this, NAME, identity, metadata, { apiToken: true });
    // hostAgentDaemonSet names the ServiceAccount after the agent (metadata.name).
    this.grantMetadataReads(NAME, props.namespace, labels);
    // Every node, whatever its taints (GPU, CriticalAddonsOnly, …): a node without it loses its logs.
    tolerateEveryTaint(this.daemonSet);
    // Fluent Bit reads its config only at start: a changed config must roll the pods.
    addConfigChecksum(this.daemonSet, this.configText);

    const health = (periodSeconds: number, failureThreshold: number) =>
      kplus.Probe.fromHttpGet('/api/v1/health', {
        port: FLUENT_BIT_PORTS.http,
        periodSeconds: Duration.seconds(periodSeconds),
        timeoutSeconds: Duration.seconds(5),
        failureThreshold,
      });
    const container = addHostAgentContainer(this.daemonSet, NAME, {
      name: NAME,
      image: props.settings.image,
      command: ['/fluent-bit/bin/fluent-bit'],
      args: [`--config=${CONFIG_DIR}/${CONFIG_FILE}`],
      ports: [
        { name: 'http', number: FLUENT_BIT_PORTS.http },
        { name: FLUENT_BIT_SCRAPE.portName, number: FLUENT_BIT_PORTS.metrics },
      ],
      resources: props.settings.resources,
      readiness: health(10, 3),
      // Restarting loses nothing (positions and buffer are on the node), but give a Loki hiccup time to pass.
      liveness: health(30, 4),
    });
    container.mount(CONFIG_DIR, kplus.Volume.fromConfigMap(this, 'ConfigVolume', config, { name: 'config' }), { readOnly: true });
    grantHostAccess(this, this.daemonSet, container, NAME);
    // A node full of higher-priority GPU pods would leave it Pending, and a pending pod is no scrape
    // target: the node's logs and log alerts would vanish without FluentBitDown noticing.
    usePriorityClass(this.daemonSet, 'system-node-critical');

    const pods = kplus.Pods.select(this, 'Pods', { labels: selectorLabels(identity) });
    new kplus.Service(this, 'Service', {
      metadata: { ...metadata, name: this.serviceName },
      selector: pods,
      ports: [{ name: FLUENT_BIT_SCRAPE.portName, port: this.metricsPort, targetPort: this.metricsPort }],
    });
    // Prometheus (metrics) and whoever debugs it (health, /api/v1/*) sit in the monitoring namespace.
    const monitoringPods = kplus.Pods.all(this, 'MonitoringPods', {
      namespaces: kplus.Namespaces.select(this, 'MonitoringNamespace', { names: [props.namespace] }),
    });
    new kplus.NetworkPolicy(this, 'NetworkPolicy', {
      metadata,
      selector: pods,
      ingress: {
        rules: [
          {
            peer: monitoringPods,
            ports: [FLUENT_BIT_PORTS.http, FLUENT_BIT_PORTS.metrics].map((port) => kplus.NetworkPolicyPort.tcp(port)),
          },
        ],
      },
    });
  }

  /** get/list/watch on pods and namespaces, the only objects the kubernetes filter reads. */
  private grantMetadataReads(serviceAccountName: string, namespace: string, labels: Record<string, string>): void {
    const role = new KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: NAME, labels },
      rules: [{ apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] }],
    });
    new KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: NAME, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccountName, namespace }],
    });
  }
}

/** Throws naming the first bad prop: the values land in the config file, where a typo fails only at run time. */
function validateProps(props: FluentBitProps): void {
  const { moeLab, mage } = props.logNamespaces;
  for (const [prop, value] of [
    ['namespace', props.namespace],
    ['logNamespaces.moeLab', moeLab],
    ['logNamespaces.mage', mage],
  ] as const) {
    if (!DNS_LABEL.test(value)) throw new Error(`FluentBit ${prop}: got "${value}"; must be a namespace name (a DNS label)`);
  }
  if (moeLab === mage) throw new Error(`FluentBit logNamespaces: got "${moeLab}" twice; moeLab and mage must differ, or job is ambiguous`);
  if (!HOST.test(props.loki.host))
    throw new Error(`FluentBit loki.host: got "${props.loki.host}"; must be a host name such as loki.monitoring.svc`);
  const tag = props.settings.image.tag;
  if (!SUPPORTED_TAG.test(tag))
    throw new Error(`FluentBit settings.image.tag: got "${tag}"; must be a pinned 3.x release from 3.2 on, such as 3.2.10`);
  const port = props.loki.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`FluentBit loki.port: got ${port}; must be a whole number from 1 to 65535`);
}
