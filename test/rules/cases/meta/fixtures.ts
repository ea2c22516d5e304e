// Scrape targets and label sets the meta rule cases share, as the monitoring scrape jobs set them.
import { series, type Labels } from '../targets';
import type { InputSeries } from '../types';

/** Target labels of a monitoring component scraped through its own Service (serviceEndpointsJob). */
const monitoringPod = (app: string, pod: string, address: string, node: string): Labels => ({
  job: app,
  instance: address,
  service: app,
  namespace: 'monitoring',
  pod,
  container: app,
  node,
  app,
});

/** Target labels of the kubelet jobs: Kubernetes node discovery sets `instance` to the node name. */
export const kubeletTarget = (job: string, node: string): Labels => ({ job, instance: node, node });

export const NODE_EXPORTER = [
  monitoringPod('node-exporter', 'node-exporter-7xk2p', '10.0.1.11:9100', 'cpu-node-1'),
  monitoringPod('node-exporter', 'node-exporter-m4d8q', '10.0.1.12:9100', 'cpu-node-2'),
];
export const DCGM = [
  monitoringPod('dcgm-exporter', 'dcgm-exporter-4rt9z', '10.0.4.11:9400', 'gpu-node-1'),
  monitoringPod('dcgm-exporter', 'dcgm-exporter-b7c2k', '10.0.4.12:9400', 'gpu-node-2'),
];
export const KSM = [monitoringPod('kube-state-metrics', 'kube-state-metrics-6d4b9c7f8-q2w4e', '10.0.2.30:8080', 'cpu-node-2')];
export const KUBELET = [kubeletTarget('kubernetes-nodes', 'cpu-node-1'), kubeletTarget('kubernetes-nodes', 'gpu-node-1')];
export const CADVISOR = [kubeletTarget('kubernetes-cadvisor', 'cpu-node-1'), kubeletTarget('kubernetes-cadvisor', 'gpu-node-1')];
export const PROMETHEUS = [
  monitoringPod('prometheus', 'prometheus-0', '10.0.2.10:9090', 'cpu-node-1'),
  monitoringPod('prometheus', 'prometheus-1', '10.0.3.10:9090', 'cpu-node-2'),
];
export const ALERTMANAGER = [
  monitoringPod('alertmanager', 'alertmanager-0', '10.0.2.20:9093', 'cpu-node-1'),
  monitoringPod('alertmanager', 'alertmanager-1', '10.0.3.20:9093', 'cpu-node-2'),
  monitoringPod('alertmanager', 'alertmanager-2', '10.0.4.20:9093', 'cpu-node-3'),
];
export const GRAFANA = [
  monitoringPod('grafana', 'grafana-7d9f8c6b5-abcde', '10.0.2.30:3000', 'cpu-node-1'),
  monitoringPod('grafana', 'grafana-7d9f8c6b5-fghij', '10.0.3.30:3000', 'cpu-node-2'),
];
/** One Fluent Bit per node (a DaemonSet). */
export const FLUENT_BIT = [
  monitoringPod('fluent-bit', 'fluent-bit-x7k2p', '10.0.4.21:2020', 'gpu-node-1'),
  monitoringPod('fluent-bit', 'fluent-bit-m2q8d', '10.0.1.21:2020', 'cpu-node-1'),
];
export const LOKI = [monitoringPod('loki', 'loki-0', '10.0.2.40:3100', 'cpu-node-1')];
export const JAEGER = [monitoringPod('jaeger', 'jaeger-0', '10.0.3.40:8888', 'cpu-node-2')];
export const [PROMETHEUS_0, PROMETHEUS_1] = PROMETHEUS;
export const [ALERTMANAGER_0, ALERTMANAGER_1, ALERTMANAGER_2] = ALERTMANAGER;
/** A target of another job, so a case with a job missing still has input: a trainer pod, scraped under its app. */
export const TRAINER_POD = {
  job: 'moe-trainer',
  instance: '10.0.1.5:9090',
  namespace: 'moe-lab',
  pod: 'moe-trainer-0',
  container: 'moe-trainer',
  node: 'gpu-node-1',
  app: 'moe-trainer',
};

/** The severity and priority labels an alert carries, as its rule sets them. */
export const critical = { severity: 'critical', priority: 'P1' };
export const warningP1 = { severity: 'warning', priority: 'P1' };
export const warningP2 = { severity: 'warning', priority: 'P2' };
export const warningP3 = { severity: 'warning', priority: 'P3' };

export const upSeries = (targets: readonly Labels[], values: string): InputSeries[] =>
  targets.map((labels) => ({ series: series('up', labels), values }));
export const AM_URL = (i: number) => `http://alertmanager-${i}.alertmanager-headless.monitoring.svc:9093/api/v2/alerts`;
