import { INFERENCE, KSM, KSM_2, MAGE_WORKER, TRAINER, series, type Labels } from './targets';
import type { RuleTestCase } from './types';

const GIB = 1073741824;

/** The kubelet's cAdvisor on a node, as the `kubernetes-cadvisor` job labels it (node only). */
const cadvisor = (node: string, ip: string): Labels => ({ job: 'kubernetes-cadvisor', instance: `${ip}:10250`, node });
const GPU_NODE_1 = cadvisor('gpu-node-1', '10.0.1.21');
const CPU_NODE_1 = cadvisor('cpu-node-1', '10.0.2.14');

/** A container's cgroup as cAdvisor labels it; container="" is the pod's cgroup, "POD" its pause container. */
const cgroup = (kubelet: Labels, workload: Labels, container: string): Labels => ({
  ...kubelet,
  namespace: workload.namespace,
  pod: workload.pod,
  container,
  id: `/kubepods/burstable/pod-${workload.pod}/${container || 'pod'}`,
  name: container ? `k8s_${container}_${workload.pod}` : '',
  image: container === 'POD' ? 'registry.k8s.io/pause:3.9' : container ? `${container}:1.0` : '',
});

/** A per-container kube-state-metrics series about `workload`, as scraped from `replica`. */
const ksmContainer = (replica: Labels, workload: Labels, extra: Labels = {}): Labels => ({
  ...replica,
  namespace: workload.namespace,
  pod: workload.pod,
  container: workload.container,
  uid: `uid-${workload.pod}`,
  ...extra,
});

/** kube_pod_info of `workload`: its own node wins over the replica's; no container of its own. */
const podInfo = (replica: Labels, workload: Labels): Labels => ({
  ...replica,
  namespace: workload.namespace,
  pod: workload.pod,
  uid: `uid-${workload.pod}`,
  node: workload.node,
  host_ip: '10.0.1.21',
  pod_ip: '10.0.1.77',
  created_by_kind: 'StatefulSet',
  created_by_name: workload.app,
  priority_class: '',
  host_network: 'false',
});

/** The labels a pod-level alert keeps: the container, its pod and the node the pod runs on. */
const podAlertLabels = (workload: Labels) => ({
  namespace: workload.namespace,
  pod: workload.pod,
  container: workload.container,
  node: workload.node,
  severity: 'warning',
  priority: 'P2',
  scope: 'pod',
});

const podInfoSeries = [
  { series: series('kube_pod_info', podInfo(KSM, TRAINER)), values: '1x120' },
  { series: series('kube_pod_info', podInfo(KSM, MAGE_WORKER)), values: '1x120' },
];

// Working sets: 63/64 GiB for the trainer, 15/16 GiB for the worker, both with a 1 GiB limit.
const memorySeries = [
  { series: series('container_memory_working_set_bytes', cgroup(GPU_NODE_1, TRAINER, TRAINER.container)), values: `${(63 * GIB) / 64}x30` },
  { series: series('container_memory_working_set_bytes', cgroup(GPU_NODE_1, TRAINER, '')), values: `${2 * GIB}x30` },
  { series: series('container_memory_working_set_bytes', cgroup(GPU_NODE_1, TRAINER, 'POD')), values: '1048576x30' },
  {
    series: series('container_memory_working_set_bytes', cgroup(CPU_NODE_1, MAGE_WORKER, MAGE_WORKER.container)),
    values: `${(15 * GIB) / 16}x30`,
  },
  {
    series: series(
      'kube_pod_container_resource_limits',
      ksmContainer(KSM, TRAINER, { node: TRAINER.node, resource: 'memory', unit: 'byte' }),
    ),
    values: `${GIB}x30`,
  },
  {
    series: series('kube_pod_container_resource_limits', ksmContainer(KSM, TRAINER, { node: TRAINER.node, resource: 'cpu', unit: 'core' })),
    values: '4x30',
  },
  {
    series: series(
      'kube_pod_container_resource_limits',
      ksmContainer(KSM, MAGE_WORKER, { node: MAGE_WORKER.node, resource: 'memory', unit: 'byte' }),
    ),
    values: `${GIB}x30`,
  },
];

const restarts = 'kube_pod_container_status_restarts_total';
const lastTerminated = 'kube_pod_container_status_last_terminated_reason';
const oomKills = 'namespace_pod_container:kube_pod_container_status_restarts_oomkilled:increase10m';
const oomKillsOf = ({ namespace, pod, container }: Labels) => series(oomKills, { namespace, pod, container });

export const kubernetesCases: readonly RuleTestCase[] = [
  {
    // CPU: the trainer's container uses 2 cores (120 s per minute), the worker's 0.5; pod cgroups are left out.
    name: 'kubernetes recording rules: container memory, per-namespace sums and memory over limit',
    series: [
      ...memorySeries,
      { series: series('container_cpu_usage_seconds_total', cgroup(GPU_NODE_1, TRAINER, TRAINER.container)), values: '0+120x30' },
      { series: series('container_cpu_usage_seconds_total', cgroup(GPU_NODE_1, TRAINER, '')), values: '0+130x30' },
      { series: series('container_cpu_usage_seconds_total', cgroup(CPU_NODE_1, MAGE_WORKER, MAGE_WORKER.container)), values: '0+30x30' },
    ],
    expressions: [
      {
        expr: 'container_memory_usage',
        at: '10m',
        samples: [
          { labels: series('container_memory_usage', cgroup(GPU_NODE_1, TRAINER, TRAINER.container)), value: (63 * GIB) / 64 },
          { labels: series('container_memory_usage', cgroup(CPU_NODE_1, MAGE_WORKER, MAGE_WORKER.container)), value: (15 * GIB) / 16 },
        ],
      },
      {
        expr: 'namespace:container_memory_usage:sum',
        at: '10m',
        samples: [
          { labels: 'namespace:container_memory_usage:sum{namespace="moe-lab"}', value: (63 * GIB) / 64 },
          { labels: 'namespace:container_memory_usage:sum{namespace="mage"}', value: (15 * GIB) / 16 },
        ],
      },
      {
        expr: 'namespace:container_cpu_usage_seconds:sum_rate5m',
        at: '10m',
        samples: [
          { labels: 'namespace:container_cpu_usage_seconds:sum_rate5m{namespace="moe-lab"}', value: 2 },
          { labels: 'namespace:container_cpu_usage_seconds:sum_rate5m{namespace="mage"}', value: 0.5 },
        ],
      },
      {
        expr: 'namespace_pod_container:container_memory_usage:limit_ratio',
        at: '10m',
        samples: [
          {
            labels:
              'namespace_pod_container:container_memory_usage:limit_ratio{namespace="moe-lab", pod="moe-trainer-0", container="moe-trainer"}',
            value: 0.984375,
          },
          {
            labels:
              'namespace_pod_container:container_memory_usage:limit_ratio{namespace="mage", pod="mage-worker-3", container="mage-worker"}',
            value: 0.9375,
          },
        ],
      },
    ],
  },
  {
    name: 'ContainerMemoryNearLimit: 98.4 % of the limit for 15 minutes fires with the pod node, 93.75 % does not',
    series: [...memorySeries, ...podInfoSeries],
    alerts: [
      { alert: 'ContainerMemoryNearLimit', at: '14m', fires: [] },
      {
        alert: 'ContainerMemoryNearLimit',
        at: '16m',
        fires: [
          {
            labels: podAlertLabels(TRAINER),
            summary: 'Container moe-trainer of moe-trainer-0 is close to its memory limit',
            description:
              'Container moe-trainer of moe-lab/moe-trainer-0 uses 98.44% of its memory limit (above 95%); the kernel OOM-kills it when it reaches the limit.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    // Restarts every 10 minutes: the trainer reaches 4 within the hour, the worker stops at 3.
    // Both kube-state-metrics replicas report the trainer; the alert must still fire once, on gpu-node-1.
    name: 'FrequentPodRestarts: 4 restarts within an hour fire with the pod node, 3 do not',
    series: [
      { series: series(restarts, ksmContainer(KSM, TRAINER)), values: '0x9 1x9 2x9 3x9 4x30' },
      { series: series(restarts, ksmContainer(KSM_2, TRAINER)), values: '0x9 1x9 2x9 3x9 4x30' },
      { series: series(restarts, ksmContainer(KSM, MAGE_WORKER)), values: '0x9 1x9 2x9 3x50' },
      ...podInfoSeries,
      { series: series('kube_pod_info', podInfo(KSM_2, TRAINER)), values: '1x120' },
    ],
    alerts: [
      { alert: 'FrequentPodRestarts', at: '35m', fires: [] },
      {
        alert: 'FrequentPodRestarts',
        at: '45m',
        fires: [
          {
            labels: podAlertLabels(TRAINER),
            summary: 'Container moe-trainer of moe-trainer-0 restarts frequently',
            description:
              'Container moe-trainer of moe-lab/moe-trainer-0 restarted 4 times in the last 1h (more than 3); it is crash-looping or failing its liveness probe.',
            dashboard: 'system',
          },
        ],
      },
    ],
    expressions: [
      {
        expr: 'namespace_pod_container:kube_pod_container_status_restarts:increase1h',
        at: '45m',
        samples: [
          {
            labels:
              'namespace_pod_container:kube_pod_container_status_restarts:increase1h{namespace="moe-lab", pod="moe-trainer-0", container="moe-trainer"}',
            value: 4,
          },
          {
            labels:
              'namespace_pod_container:kube_pod_container_status_restarts:increase1h{namespace="mage", pod="mage-worker-3", container="mage-worker"}',
            value: 3,
          },
        ],
      },
    ],
  },
  {
    // Scraped every 40 s while rules run every minute, as in a real cluster where the two are not aligned:
    // increase() extrapolates the worker's 3 restarts in the hour to about 3.03, which must not count as
    // more than 3. Restarts land every 14 minutes; the trainer has 4 in the window ending at 65m, the worker 3.
    name: 'FrequentPodRestarts: with scrapes and evaluations not aligned, exactly 3 restarts in an hour stay silent and 4 fire',
    interval: '40s',
    series: [
      { series: series(restarts, ksmContainer(KSM, TRAINER)), values: '0x20 1x20 2x20 3x20 4x40' },
      { series: series(restarts, ksmContainer(KSM, MAGE_WORKER)), values: '0x20 1x20 2x20 3x60' },
      { series: series('kube_pod_info', podInfo(KSM, TRAINER)), values: '1x120' },
      { series: series('kube_pod_info', podInfo(KSM, MAGE_WORKER)), values: '1x120' },
    ],
    alerts: [
      {
        alert: 'FrequentPodRestarts',
        at: '65m',
        fires: [
          {
            labels: podAlertLabels(TRAINER),
            summary: 'Container moe-trainer of moe-trainer-0 restarts frequently',
            description:
              'Container moe-trainer of moe-lab/moe-trainer-0 restarted 4 times in the last 1h (more than 3); it is crash-looping or failing its liveness probe.',
            dashboard: 'system',
          },
        ],
      },
    ],
    expressions: [
      {
        expr: 'namespace_pod_container:kube_pod_container_status_restarts:increase1h',
        at: '65m',
        samples: [
          {
            labels:
              'namespace_pod_container:kube_pod_container_status_restarts:increase1h{namespace="moe-lab", pod="moe-trainer-0", container="moe-trainer"}',
            value: 4,
          },
          {
            labels:
              'namespace_pod_container:kube_pod_container_status_restarts:increase1h{namespace="mage", pod="mage-worker-3", container="mage-worker"}',
            value: 3,
          },
        ],
      },
    ],
  },
  {
    // Both containers restart once at minute 15; only the trainer's last termination was an OOM kill.
    // The recorded OOM-kill restarts follow the alert: 1 for the trainer while it fires, 0 for every other container.
    name: 'ContainerOOMKilled: a restart after an OOM kill fires for 10 minutes; a restart after an error does not',
    series: [
      { series: series(restarts, ksmContainer(KSM, TRAINER)), values: '0x14 1x20' },
      { series: series(lastTerminated, ksmContainer(KSM, TRAINER, { reason: 'OOMKilled' })), values: '_x15 1x20' },
      { series: series(restarts, ksmContainer(KSM, MAGE_WORKER)), values: '0x14 1x20' },
      { series: series(lastTerminated, ksmContainer(KSM, MAGE_WORKER, { reason: 'Error' })), values: '_x15 1x20' },
      { series: series(restarts, ksmContainer(KSM, INFERENCE)), values: '0x35' },
      ...podInfoSeries,
    ],
    expressions: ['20m', '30m'].map((at) => ({
      expr: oomKills,
      at,
      samples: [TRAINER, MAGE_WORKER, INFERENCE].map((w) => ({ labels: oomKillsOf(w), value: at === '20m' && w === TRAINER ? 1 : 0 })),
    })),
    alerts: [
      { alert: 'ContainerOOMKilled', at: '14m', fires: [] },
      {
        alert: 'ContainerOOMKilled',
        at: '20m',
        fires: [
          {
            labels: podAlertLabels(TRAINER),
            summary: 'Container moe-trainer of moe-trainer-0 was OOM-killed',
            description:
              'Container moe-trainer of moe-lab/moe-trainer-0 was killed for exceeding its memory limit; restarts in the last 10m: 1.',
            dashboard: 'system',
          },
        ],
      },
      // The OOM kill is still the last termination, but it is older than the window.
      { alert: 'ContainerOOMKilled', at: '30m', fires: [] },
    ],
  },
  {
    // gpu-node-2 stops being Ready at minute 6; both kube-state-metrics replicas report it.
    name: 'KubeNodeNotReady: a node not Ready for 5 minutes fires, node-scoped; a Ready node does not',
    series: [
      { series: series('kube_node_status_condition', { ...KSM, node: 'gpu-node-1', condition: 'Ready', status: 'true' }), values: '1x20' },
      {
        series: series('kube_node_status_condition', { ...KSM, node: 'gpu-node-2', condition: 'Ready', status: 'true' }),
        values: '1x5 0x15',
      },
      {
        series: series('kube_node_status_condition', { ...KSM, node: 'gpu-node-2', condition: 'Ready', status: 'false' }),
        values: '0x5 1x15',
      },
      {
        series: series('kube_node_status_condition', { ...KSM, node: 'gpu-node-2', condition: 'Ready', status: 'unknown' }),
        values: '0x20',
      },
      {
        series: series('kube_node_status_condition', { ...KSM_2, node: 'gpu-node-2', condition: 'Ready', status: 'true' }),
        values: '1x5 0x15',
      },
    ],
    alerts: [
      { alert: 'KubeNodeNotReady', at: '10m', fires: [] },
      {
        alert: 'KubeNodeNotReady',
        at: '12m',
        fires: [
          {
            labels: { node: 'gpu-node-2', severity: 'critical', priority: 'P1', scope: 'node' },
            summary: 'Node gpu-node-2 is not Ready',
            description:
              'Node gpu-node-2 has not been Ready for 5m (Ready=true reads 0); its pods are down or unreachable, and their own alerts are held back while it is.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
];
