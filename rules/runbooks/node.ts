import { JOBS } from '../../contracts/jobs';
import { NODE } from '../thresholds';
import type { Runbook } from './types';

const describeNode = 'kubectl describe node <node>';
const topNode = 'kubectl top node <node>';
const cadvisor = `job="${JOBS.cadvisor}", node="<node>", container!="", container!="POD"`;
/** A privileged shell on the node with its root filesystem at /host; delete the node-debugger pod afterwards. */
const onNode = (script: string) => `kubectl debug node/<node> -it --profile=sysadmin --image=busybox -- sh -c '${script}'`;

export const nodeRunbooks: readonly Runbook[] = [
  {
    alert: 'NodeCPUUsageHigh',
    meaning: `A node's CPUs have been more than ${NODE.maxCpuUtilizationPercent} % busy for 15 minutes.`,
    impact:
      'Everything on the node competes for CPU: data loaders stop feeding the GPUs, the kubelet and exporters answer late, and latency-sensitive inference slows down.',
    diagnosis: [
      {
        text: 'Confirm the load and see how much CPU the pods on the node have requested and are limited to.',
        command: `${topNode}\n${describeNode}`,
      },
      {
        text: 'Find the containers using the most CPU on the node.',
        query: `topk(10, sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{${cadvisor}}[5m])))`,
      },
      {
        text: 'Split the busy time by mode: high iowait points at storage, high steal at a noisy neighbour on the host, high system at the kernel.',
        query: `sum by (mode) (rate(node_cpu_seconds_total{job="${JOBS.nodeExporter}", node="<node>", mode!="idle"}[5m]))`,
      },
    ],
    mitigation: [
      {
        text: 'If one pod takes more than its share, give it a CPU limit or fewer data-loader workers, and restart it.',
        command: 'kubectl -n <namespace> set resources deployment/<name> -c <container> --requests=cpu=<cores> --limits=cpu=<cores>',
      },
      {
        text: 'If the node is simply overcommitted, keep new pods off it and move one busy pod elsewhere.',
        command: 'kubectl cordon <node>\nkubectl -n <namespace> delete pod <pod>',
      },
    ],
  },
  {
    alert: 'NodeMemoryUsageHigh',
    meaning: `More than ${NODE.maxMemoryUtilizationPercent} % of a node's memory has been in use (not available, page cache excluded) for 15 minutes.`,
    impact:
      'The kubelet evicts pods once available memory falls below its eviction threshold, and the kernel OOM killer may kill processes, starting with the largest ones such as trainers.',
    diagnosis: [
      {
        text: 'Check the MemoryPressure condition, recent evictions and the memory requests and limits of the pods on the node.',
        command: `${topNode}\n${describeNode}`,
      },
      { text: 'Find the containers with the largest working set on the node.', query: 'topk(10, container_memory_usage{node="<node>"})' },
      {
        text: 'See whether usage grows steadily (a leak) or jumped when a pod was scheduled.',
        query: 'node_memory_utilization{node="<node>"}',
      },
    ],
    mitigation: [
      {
        text: 'Give the largest container a memory limit it cannot exceed, so it is OOM-killed alone instead of starving the node.',
        command: 'kubectl -n <namespace> set resources deployment/<name> -c <container> --requests=memory=<size> --limits=memory=<size>',
      },
      {
        text: 'If usage keeps rising, move a large pod to another node before the kubelet starts evicting.',
        command: 'kubectl cordon <node>\nkubectl -n <namespace> delete pod <pod>',
      },
    ],
  },
  {
    alert: 'NodeDiskUsageHigh',
    meaning: `A filesystem of a node has been more than ${NODE.maxDiskUtilizationPercent} % full for 15 minutes (warning), or more than ${NODE.criticalDiskUtilizationPercent} % full for 5 minutes (critical). Both tiers share the alert name, so the critical one hides the warning.`,
    impact:
      'The kubelet evicts pods and garbage-collects images under disk pressure; once the filesystem is full, checkpoints, logs and container writes fail.',
    diagnosis: [
      {
        text: 'See which filesystems are filling and how fast; a steady slope tells how many hours are left.',
        query: `node_disk_utilization{node="<node>"}\npredict_linear(node_filesystem_avail_bytes{job="${JOBS.nodeExporter}", node="<node>", mountpoint="<mountpoint>"}[6h], 4 * 3600)`,
      },
      { text: 'Check the DiskPressure condition and recent evictions.', command: describeNode },
      {
        text: 'Find the largest directories on the filesystem (mounted under /host in the debug pod).',
        command: onNode('du -x -k -d 3 /host<mountpoint> | sort -n | tail -20'),
      },
    ],
    mitigation: [
      {
        text: 'On the root filesystem, remove container images no running pod uses.',
        command: onNode('chroot /host crictl rmi --prune'),
      },
      { text: 'On a data volume, delete stale checkpoints and datasets, keeping the latest checkpoint of every running job.' },
      {
        text: 'If nothing can go, move the pods writing to it elsewhere and replace the node, or grow the EBS volume.',
        command: 'kubectl cordon <node>\nkubectl drain <node> --ignore-daemonsets --delete-emptydir-data --timeout=15m',
      },
    ],
  },
];
