import { SCRAPE_JOB_ALERTS, type JobDownMode, type ScrapeJobAlert } from '../../groups/meta/scrape-jobs';
import { JOBS } from '../../../contracts/jobs';
import { META } from '../../thresholds';
import type { Runbook, RunbookStep } from '../types';
import { ns, promApi, promLogs } from './commands';
import { LOGGING_JOB_STEPS } from './logging-jobs';

const targetsOf = (job: string, pod: string): RunbookStep => ({
  text: 'List the targets of the job with their health and last scrape error; an empty list means discovery finds nothing.',
  command: `${promApi('/api/v1/targets?state=active', pod)} \\\n  | jq '.data.activeTargets[] | select(.labels.job == "${job}") | {instance: .labels.instance, health, lastError}'`,
  query: `up{job="${job}"}`,
});

/** Steps for a job served by a workload in the monitoring namespace, whose Service is named like it. */
function workloadSteps(workload: string, mode: JobDownMode): Pick<Runbook, 'diagnosis' | 'mitigation'> {
  const name = workload.split('/')[1];
  // With one replica down, a rolling restart would also take down the ones still working.
  const restart = mode === 'each-down' ? `${ns} delete pod <pod>` : `${ns} rollout restart ${workload}`;
  return {
    diagnosis: [
      {
        text: 'Check that the pods exist, are ready and run on the expected nodes.',
        command: `${ns} get ${workload} -o wide\n${ns} get pods -l app.kubernetes.io/name=${name} -o wide`,
      },
      {
        text: 'Check that the Service has endpoints; none means its selector or port name no longer matches the pods.',
        command: `${ns} get endpointslices -l kubernetes.io/service-name=${name} -o wide`,
      },
      {
        text: 'Read the logs of a failing pod, including the previous container after a crash.',
        command: `${ns} logs <pod> --tail=100 --previous`,
      },
    ],
    mitigation: [
      {
        text: 'If pods crash or stay Pending, fix what `describe` shows (image pull, OOMKilled, resources, tolerations), then restart them.',
        command: `${ns} describe pods -l app.kubernetes.io/name=${name}\n${restart}`,
      },
      {
        text: 'If the pods run but scrapes time out, check that the NetworkPolicies of the namespace let Prometheus reach the metrics port.',
        command: `${ns} get networkpolicy\n${ns} exec prometheus-0 -- wget -qO- -T 5 http://<pod-ip>:<port>/metrics | head`,
      },
    ],
  };
}

/** The kubelet jobs scrape port 10250 of every node with Prometheus's service-account token. */
const kubeletSteps: Pick<Runbook, 'diagnosis' | 'mitigation'> = {
  diagnosis: [
    { text: 'Check whether the nodes are Ready; when they are not, the kubelet itself is down.', command: 'kubectl get nodes -o wide' },
    {
      text: 'Check that Prometheus may read kubelet metrics; "no" means its ClusterRole or binding is missing.',
      command: 'kubectl auth can-i get nodes/metrics --as=system:serviceaccount:monitoring:prometheus',
    },
    {
      text: 'Check that a Prometheus pod reaches port 10250 of a node: a 401 or 403 answer proves the network path, a timeout means the node security group blocks it.',
      command: `${ns} exec prometheus-0 -- wget -qO- -T 5 https://<node-ip>:10250/healthz`,
    },
  ],
  mitigation: [
    { text: 'If nodes are NotReady, follow the node runbooks and the node events.', command: 'kubectl describe node <node>' },
    {
      text: 'If access is denied, re-apply the generated Prometheus manifests, which hold the ClusterRole and its binding.',
      command: 'npm run synth\nkubectl apply -f dist/<env>/prometheus.yaml',
    },
  ],
};

/** What only one job needs, on top of the steps every job shares. */
const JOB_STEPS: Readonly<Record<string, Partial<Pick<Runbook, 'diagnosis' | 'mitigation'>>>> = {
  [JOBS.dcgmExporter]: {
    diagnosis: [
      {
        text: 'DCGM exporter runs only on GPU nodes and needs the NVIDIA driver; list the nodes with GPUs and look for NVML errors in its logs.',
        command: `kubectl get nodes -o custom-columns='NAME:.metadata.name,GPUS:.status.capacity.nvidia\\.com/gpu'\n${ns} logs daemonset/dcgm-exporter --tail=100 | grep -i nvml`,
      },
    ],
  },
  [JOBS.kubeStateMetrics]: {
    diagnosis: [
      {
        text: 'kube-state-metrics lists every object in the cluster: check its RBAC and whether it was OOMKilled on a large cluster.',
        command: `kubectl auth can-i list pods --all-namespaces --as=system:serviceaccount:monitoring:kube-state-metrics\n${ns} describe pods -l app.kubernetes.io/name=kube-state-metrics | grep -A3 'Last State'`,
      },
    ],
  },
  [JOBS.cadvisor]: {
    diagnosis: [
      {
        text: 'cAdvisor is served by the kubelet: if KubeletDown fires too, follow that runbook first.',
        query: 'up{job="kubernetes-nodes"}',
      },
    ],
  },
  [JOBS.prometheus]: {
    diagnosis: [
      {
        text: 'A restarting replica may be replaying its WAL (the startup probe allows 15 minutes); a full volume stops it for good.',
        command: `${promLogs} --previous | grep -iE 'wal|replay|no space|out of memory'\n${ns} exec <pod> -- df -h /prometheus`,
      },
    ],
    mitigation: [
      {
        text: 'If the volume is full, expand its PersistentVolumeClaim (gp3 allows it) or lower the retention in config/environments, then re-apply.',
        command: `${ns} patch pvc data-<pod> -p '{"spec":{"resources":{"requests":{"storage":"200Gi"}}}}'`,
      },
      { text: 'If it was OOMKilled, raise prometheus.resources.memory in config/environments/<env>.ts, synthesize and apply.' },
    ],
  },
  [JOBS.alertmanager]: {
    diagnosis: [
      { text: 'See which Alertmanagers each Prometheus is sending to.', command: `${promApi('/api/v1/alertmanagers')} | jq .data` },
      {
        text: 'Until the receivers Secret exists the pods stay in ContainerCreating, by design.',
        command: `${ns} get secret alertmanager-receivers\n${ns} describe pods -l app.kubernetes.io/name=alertmanager | grep -A5 Events`,
      },
    ],
  },
  ...LOGGING_JOB_STEPS,
};

function jobDownRunbook(row: ScrapeJobAlert): Runbook {
  const shared = row.workload ? workloadSteps(row.workload, row.mode) : kubeletSteps;
  // The reporting replica is up; the reported one may be prometheus-0 itself.
  const askingPod = row.mode === 'each-down' ? '<replica-that-is-up>' : 'prometheus-0';
  const extra = JOB_STEPS[row.job] ?? {};
  const meaning =
    row.mode === 'each-down'
      ? `A ${row.component} target (one replica) has failed every scrape for ${META.jobDownFor}; its peer, which still runs, reports it. When every replica is down nothing can alert and the heartbeat service pages instead.`
      : `No target of the scrape job "${row.job}" has been up for ${META.jobDownFor}: every ${row.component} scrape fails, or${row.mode === 'discovered-all-down' ? ' (targets being discovered)' : ''} Prometheus discovers none. The alert's value is the number of targets discovered.`;
  return {
    alert: row.alert,
    meaning,
    impact: `While it lasts ${row.impact}, and dashboards show gaps for ${row.component} metrics.`,
    diagnosis: [targetsOf(row.job, askingPod), ...shared.diagnosis, ...(extra.diagnosis ?? [])],
    mitigation: [...(extra.mitigation ?? []), ...shared.mitigation],
  };
}

/** TargetDown, then one runbook per scrape job with its own down alert. */
export const targetRunbooks: readonly Runbook[] = [
  {
    alert: 'TargetDown',
    meaning: 'More than 10 % of the targets of one scrape job in one namespace have failed their scrapes for 10 minutes.',
    impact: 'Their metrics are missing, so alerts and dashboards built on them are blind for those pods or nodes.',
    diagnosis: [
      {
        text: 'List the failing targets and their last scrape error (connection refused, timeout, 403, 404 on the path).',
        command: `${promApi('/api/v1/targets?state=active')} \\\n  | jq '.data.activeTargets[] | select(.health != "up") | {job: .labels.job, instance: .labels.instance, lastError}'`,
      },
      { text: 'Find where the down targets run; a single node points at that node.', query: 'up{job="<job>"} == 0' },
      { text: 'Check the pods behind them.', command: 'kubectl get pods -n <namespace> -o wide | grep -v Running' },
    ],
    mitigation: [
      {
        text: 'If the pods are crashing, fix them first; their metrics return with them.',
        command: 'kubectl -n <namespace> describe pod <pod>',
      },
      {
        text: "If scrapes time out or are refused, check the pods' prometheus.io/port and path annotations and the NetworkPolicies of their namespace.",
        command: "kubectl -n <namespace> get pod <pod> -o jsonpath='{.metadata.annotations}'\nkubectl -n <namespace> get networkpolicy",
      },
    ],
  },
  ...SCRAPE_JOB_ALERTS.map(jobDownRunbook),
];
