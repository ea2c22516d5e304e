import { JOBS } from '../../contracts/jobs';
import { KUBERNETES } from '../thresholds';
import type { Runbook } from './types';

const describePod = 'kubectl -n <namespace> describe pod <pod>';
const previousLogs = 'kubectl -n <namespace> logs <pod> -c <container> --previous --tail=200';
const ofContainer = 'namespace="<namespace>", pod="<pod>", container="<container>"';
const lastTerminated = `kube_pod_container_status_last_terminated_reason{job="${JOBS.kubeStateMetrics}", ${ofContainer}}`;
const memoryLimit = `kube_pod_container_resource_limits{job="${JOBS.kubeStateMetrics}", ${ofContainer}, resource="memory"}`;
const setMemory =
  'kubectl -n <namespace> set resources <statefulset|deployment>/<name> -c <container> --requests=memory=<size> --limits=memory=<size>';
const limits =
  'kubectl -n <namespace> get pod <pod> \\\n  -o jsonpath=\'{range .spec.containers[*]}{.name}{"\\t"}{.resources.requests.memory}{"\\t"}{.resources.limits.memory}{"\\n"}{end}\'';

export const kubernetesRunbooks: readonly Runbook[] = [
  {
    alert: 'FrequentPodRestarts',
    meaning: `A container restarted more than ${KUBERNETES.maxRestarts} times within ${KUBERNETES.restartWindow}.`,
    impact:
      'Each restart loses the container’s in-memory state: a trainer falls back to its last checkpoint, an inference pod drops its requests and leaves its Service until ready again. Kubernetes backs off longer after each crash.',
    diagnosis: [
      {
        text: 'Read the container’s last state (reason, exit code) and the pod’s events: OOMKilled, a failing liveness probe or an image or config error.',
        command: describePod,
      },
      { text: 'Read the logs of the previous, crashed run.', command: previousLogs },
      {
        text: 'See when the restarts began and why the container last terminated; a start right after a rollout points at the new version.',
        query: `namespace_pod_container:kube_pod_container_status_restarts:increase${KUBERNETES.restartWindow}{${ofContainer}}\n${lastTerminated}`,
      },
    ],
    mitigation: [
      { text: 'If the reason is OOMKilled, follow the ContainerOOMKilled runbook.' },
      {
        text: 'If a rollout started the crashes, roll it back while the cause is fixed.',
        command: 'kubectl -n <namespace> rollout undo <statefulset|deployment>/<name>',
      },
      {
        text: 'If the liveness probe kills a container that is only slow (model loading, checkpoint restore), give it a startup probe or a longer initial delay.',
        command: 'kubectl -n <namespace> edit <statefulset|deployment>/<name>',
      },
    ],
  },
  {
    alert: 'ContainerOOMKilled',
    meaning: `A container restarted within the last ${KUBERNETES.oomKillWindow} after the kernel killed it for exceeding its memory limit.`,
    impact:
      'The container lost its in-memory work and restarts; if its memory need has not changed, it will be killed again and end up crash-looping.',
    diagnosis: [
      {
        text: 'Confirm "Last State: Terminated, Reason: OOMKilled" and see the limit the container has.',
        command: `${describePod}\n${limits}`,
      },
      {
        text: 'Compare the working set before the kill with the limit: a slow climb points at a leak, a jump at a larger batch or input.',
        query: `container_memory_usage{${ofContainer}}\n${memoryLimit}`,
      },
      { text: 'Read the last lines of the killed run; they show what it was doing.', command: previousLogs },
    ],
    mitigation: [
      { text: 'If the workload really needs more memory, raise its request and limit together.', command: setMemory },
      {
        text: 'For the MoE trainer, reduce batch_size in training-config instead, and restart it.',
        command: 'kubectl -n moe-lab edit configmap training-config\nkubectl -n moe-lab rollout restart deployment/moe-trainer',
      },
    ],
  },
  {
    alert: 'ContainerMemoryNearLimit',
    meaning: `A container's working set has been above ${KUBERNETES.maxMemoryLimitRatio * 100} % of its memory limit for 15 minutes.`,
    impact: 'At the limit the kernel OOM-kills the container; until then it may run slowly as the kernel reclaims its page cache.',
    diagnosis: [
      {
        text: 'See current usage per container and the limits set.',
        command: `kubectl -n <namespace> top pod <pod> --containers\n${limits}`,
      },
      {
        text: 'Follow the ratio over the last hours: a steady climb means a leak or a growing cache, a plateau a limit set too low.',
        query: `namespace_pod_container:container_memory_usage:limit_ratio{${ofContainer}}`,
      },
    ],
    mitigation: [
      { text: 'If the plateau is the workload’s normal size, raise its request and limit together.', command: setMemory },
      {
        text: 'If it is leaking, restart the pod at a convenient moment (after a checkpoint) and file the leak with the workload’s owners.',
        command: 'kubectl -n <namespace> delete pod <pod>',
      },
    ],
  },
  {
    alert: 'KubeNodeNotReady',
    meaning: `A node has not reported Ready for ${KUBERNETES.nodeNotReadyFor}: its kubelet reports a problem or has stopped reporting at all.`,
    impact:
      'Pods on the node are down or unreachable and, after the eviction timeout, are rescheduled elsewhere if capacity allows. Pod-level alerts of the node are inhibited while this one fires.',
    diagnosis: [
      {
        text: "Read the node's conditions and events: KubeletNotReady, NetworkUnavailable, PLEG not healthy, or no heartbeat at all.",
        command: 'kubectl get nodes -o wide\nkubectl describe node <node>',
      },
      {
        text: 'Check whether Prometheus still reaches the kubelet; if not, the instance itself may be down.',
        query: `up{job="${JOBS.kubelet}", node="<node>"}\nkube_node_status_condition{job="${JOBS.kubeStateMetrics}", node="<node>", condition="Ready"}`,
      },
      {
        text: 'Check the EC2 instance behind the node.',
        command:
          "kubectl get node <node> -o jsonpath='{.spec.providerID}'\naws ec2 describe-instance-status --include-all-instances --instance-ids <instance-id>",
      },
      {
        text: 'List the pods that were running on the node.',
        command: 'kubectl get pods -A --field-selector spec.nodeName=<node> -o wide',
      },
    ],
    mitigation: [
      {
        text: 'If the node does not recover within minutes, cordon and drain it so its pods are recreated elsewhere.',
        command: 'kubectl cordon <node>\nkubectl drain <node> --ignore-daemonsets --delete-emptydir-data --timeout=10m',
      },
      {
        text: 'Terminate the instance so the node group replaces it. Force-delete StatefulSet pods stuck in Terminating only once the instance is gone, or two copies may run.',
        command:
          'aws ec2 terminate-instances --instance-ids <instance-id>\nkubectl -n <namespace> delete pod <pod> --force --grace-period=0',
      },
    ],
  },
];
