// A small, healthy cluster as Prometheus would see it after relabelling: two GPU nodes, two pods of
// each ML workload, the monitoring components, and the target labels every scrape job puts on them.
// Label values are consistent across sources, so joins on (namespace, pod, container) or node work.
import { loadEnvironments } from '../../config';
import { APPS, JOBS } from '../../contracts/jobs';

const PROD = loadEnvironments(['prod'])[0];
const { namespaces } = PROD;

export const NODES = ['gpu-node-1', 'gpu-node-2'] as const;
export const GPUS_PER_NODE = 2;
export const PODS_PER_APP = 2;

/** The host IP of a node: kube_pod_info's host_ip and the kubelet's address. */
export const nodeIp = (node: string) => `10.0.1.${11 + NODES.indexOf(node as (typeof NODES)[number])}`;

/** A pod as kube-state-metrics and cAdvisor describe it. */
export interface Pod {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly node: string;
  readonly app: string;
  readonly ip: string;
}

/** A scrape target: its job and the target labels relabelling gives it. */
export interface Target {
  readonly job: string;
  readonly labels: Readonly<Record<string, string>>;
}

let nextPodIp = 1;
function pods(app: string, namespace: string, count: number, nodes: readonly string[] = NODES): Pod[] {
  return Array.from({ length: count }, (_, i) => ({
    namespace,
    pod: `${app}-${i}`,
    container: app,
    node: nodes[i % nodes.length],
    app,
    ip: `10.0.2.${nextPodIp++}`,
  }));
}

/** Every ML workload pod; the Mage apps run in the mage namespace, the MoE apps in moe-lab. */
export const WORKLOAD_PODS: readonly Pod[] = Object.entries(APPS).flatMap(([key, app]) =>
  pods(app, key.startsWith('mage') ? namespaces.mage : namespaces.moeLab, PODS_PER_APP),
);

/** Monitoring pods per scrape job; DaemonSets run one pod per node, named after it. */
const MONITORING = {
  [JOBS.nodeExporter]: {
    pods: NODES.map((node) => ({ ...pods('node-exporter', namespaces.monitoring, 1, [node])[0], pod: `node-exporter-${node}` })),
    port: 9100,
  },
  [JOBS.dcgmExporter]: {
    pods: NODES.map((node) => ({ ...pods('dcgm-exporter', namespaces.monitoring, 1, [node])[0], pod: `dcgm-exporter-${node}` })),
    port: 9400,
  },
  [JOBS.fluentBit]: {
    pods: NODES.map((node) => ({ ...pods('fluent-bit', namespaces.monitoring, 1, [node])[0], pod: `fluent-bit-${node}` })),
    port: 2021,
  },
  [JOBS.kubeStateMetrics]: { pods: pods('kube-state-metrics', namespaces.monitoring, 1), port: 8080 },
  [JOBS.prometheus]: { pods: pods('prometheus', namespaces.monitoring, PROD.prometheus.replicas), port: 9090 },
  [JOBS.alertmanager]: { pods: pods('alertmanager', namespaces.monitoring, PROD.alerting.alertmanager.replicas), port: 9093 },
};

/** Alertmanager peers in the prod configuration: what cluster membership and discovery report. */
export const ALERTMANAGER_REPLICAS = MONITORING[JOBS.alertmanager].pods.length;

/** Every pod of the cluster: workloads and monitoring. */
export const ALL_PODS: readonly Pod[] = [...WORKLOAD_PODS, ...Object.values(MONITORING).flatMap((entry) => entry.pods)];

const podTarget = (job: string, pod: Pod, port: number, extra: Record<string, string> = {}): Target => ({
  job,
  labels: {
    job,
    instance: `${pod.ip}:${port}`,
    namespace: pod.namespace,
    pod: pod.pod,
    container: pod.container,
    node: pod.node,
    app: pod.app,
    ...extra,
  },
});

/** Targets of the annotated-pods job, for the given apps: relabelling names each one's job after its app. */
export const applicationTargets = (apps: readonly string[]): Target[] =>
  WORKLOAD_PODS.filter((pod) => apps.includes(pod.app)).map((pod) => podTarget(pod.app, pod, 8000));

/** Targets of one monitoring component's Service job (node-exporter, dcgm-exporter, …). */
export function monitoringTargets(job: keyof typeof MONITORING): Target[] {
  const { pods: jobPods, port } = MONITORING[job];
  return jobPods.map((pod) => podTarget(job, pod, port, { service: pod.app }));
}

/** Targets of the kubelet jobs (kubelet and cAdvisor): one per node, labelled only with the node. */
export const nodeTargets = (job: string): Target[] =>
  NODES.map((node) => ({ job, labels: { job, instance: `${nodeIp(node)}:10250`, node } }));

/** Every target of every scrape job: what `up` has a series for. */
export const ALL_TARGETS: readonly Target[] = [
  ...applicationTargets(Object.values(APPS)),
  ...(Object.keys(MONITORING) as Array<keyof typeof MONITORING>).flatMap(monitoringTargets),
  ...nodeTargets(JOBS.kubelet),
  ...nodeTargets(JOBS.cadvisor),
];
