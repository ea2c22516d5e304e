import { SCRAPE_JOB_ALERTS, type JobDownMode, type ScrapeJobAlert } from '../groups/meta';
import { JOBS } from '../selectors';
import type { Runbook, RunbookStep } from './types';

const ns = 'kubectl -n monitoring';
/** Prometheus's HTTP API from inside its pod (the image ships busybox wget), so no port-forward is needed. */
const promApi = (path: string, pod = 'prometheus-0') => `${ns} exec ${pod} -- wget -qO- 'http://localhost:9090${path}'`;
const amtool = (args: string, pod = 'alertmanager-0') => `${ns} exec ${pod} -- amtool ${args} --alertmanager.url=http://localhost:9093`;
const promLogs = `${ns} logs <pod> -c prometheus --tail=200`;
const amLogs = `${ns} logs <pod> -c alertmanager --tail=200`;

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
};

function jobDownRunbook(row: ScrapeJobAlert): Runbook {
  const shared = row.workload ? workloadSteps(row.workload, row.mode) : kubeletSteps;
  // The reporting replica is up; the reported one may be prometheus-0 itself.
  const askingPod = row.mode === 'each-down' ? '<replica-that-is-up>' : 'prometheus-0';
  const extra = JOB_STEPS[row.job] ?? {};
  const meaning =
    row.mode === 'each-down'
      ? `A ${row.component} target (one replica) has failed every scrape for 15 minutes; its peer, which still runs, reports it. When every replica is down nothing can alert and the heartbeat service pages instead.`
      : `No target of the scrape job "${row.job}" has been up for 15 minutes: every ${row.component} scrape fails, or${row.mode === 'discovered-all-down' ? ' (targets being discovered)' : ''} Prometheus discovers none. The alert's value is the number of targets discovered.`;
  return {
    alert: row.alert,
    meaning,
    impact: `While it lasts ${row.impact}, and dashboards show gaps for ${row.component} metrics.`,
    diagnosis: [targetsOf(row.job, askingPod), ...shared.diagnosis, ...(extra.diagnosis ?? [])],
    mitigation: [...(extra.mitigation ?? []), ...shared.mitigation],
  };
}

const alertmanagerReachability: RunbookStep = {
  text: 'See which Alertmanagers the Prometheus discovered and which it dropped.',
  command: `${promApi('/api/v1/alertmanagers', '<pod>')} | jq .data`,
};

export const metaRunbooks: readonly Runbook[] = [
  {
    alert: 'Watchdog',
    meaning:
      "Always firing, by design. Alertmanager routes it only to the heartbeat receiver; the dead man's switch service pages when its pings stop, i.e. when rules are not evaluated or notifications are not delivered. Come here when the heartbeat service pages.",
    impact: 'When Watchdog no longer reaches the heartbeat service, no other alert is reaching anyone either.',
    diagnosis: [
      {
        text: 'Check that each Prometheus still evaluates the Watchdog.',
        command: promApi('/api/v1/alerts') + ' | jq \'.data.alerts[] | select(.labels.alertname == "Watchdog")\'',
      },
      {
        text: 'Check that Alertmanager has the alert and that nobody silenced it.',
        command: `${amtool('alert query alertname=Watchdog')}\n${amtool('silence query alertname=Watchdog')}`,
      },
      {
        text: 'Look for failing heartbeat notifications (webhook integration).',
        query: 'rate(alertmanager_notifications_failed_total{integration="webhook"}[5m])',
      },
      {
        text: 'Check that the monitoring pods run.',
        command: `${ns} get pods -l 'app.kubernetes.io/name in (prometheus,alertmanager)' -o wide`,
      },
    ],
    mitigation: [
      {
        text: 'Expire any silence on the Watchdog; it must never be silenced or inhibited.',
        command: amtool('silence expire <silence-id>'),
      },
      {
        text: 'If the heartbeat service rejects the pings, rotate its token in the receivers Secret; Alertmanager reads it on the next send.',
        command: `${ns} create secret generic alertmanager-receivers --from-file=... --dry-run=client -o yaml | kubectl apply -f -`,
      },
      { text: 'If Prometheus or Alertmanager is down, follow PrometheusDown or AlertmanagerDown.' },
    ],
  },
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
  {
    alert: 'PrometheusBadConfig',
    meaning: 'A Prometheus replica failed to reload its configuration; it keeps the previous scrape jobs and rules.',
    impact: 'Changes are not in effect, and the replica would crash-loop on its next restart with the current files.',
    diagnosis: [
      { text: 'Read the reload error.', command: `${promLogs} | grep -i 'error loading config'` },
      {
        text: 'Check the mounted configuration and rules with the promtool of the same image.',
        command: `${ns} exec <pod> -- promtool check config /etc/prometheus/prometheus.yml`,
      },
      {
        text: 'See when the last successful reload happened.',
        command: `${promApi('/api/v1/status/runtimeinfo', '<pod>')} | jq '.data | {reloadConfigSuccess, lastConfigTime}'`,
      },
    ],
    mitigation: [
      {
        text: 'Fix the TypeScript source, check the output before applying, and roll it out.',
        command: 'npm run check:config\npromtool check rules --lint-fatal dist/prod/config/rules/*.yml',
      },
    ],
  },
  {
    alert: 'PrometheusRuleFailures',
    meaning: 'Rule evaluations of one rule group fail on a Prometheus replica, usually a query error such as many-to-many matching.',
    impact: 'The alerts of that group cannot fire, silently.',
    diagnosis: [
      {
        text: 'Find the failing rules and their last error.',
        command: `${promApi('/api/v1/rules', '<pod>')} | jq '.data.groups[].rules[] | select(.health != "ok") | {name, lastError}'`,
      },
      { text: 'Read the evaluation errors in the log.', command: `${promLogs} | grep -i 'evaluating rule failed'` },
    ],
    mitigation: [
      {
        text: 'Fix the expression in rules/groups, add a promtool case that covers the failing input, then synthesize and apply.',
        command: 'npx jest test/rules-promtool.test.ts',
      },
    ],
  },
  {
    alert: 'PrometheusMissingRuleEvaluations',
    meaning: 'A rule group takes longer to evaluate than its interval, so Prometheus skips iterations.',
    impact: 'Recording rules have gaps and alerts of the group fire late.',
    diagnosis: [
      {
        text: 'Find the slow group and its last evaluation time.',
        command: `${promApi('/api/v1/rules', '<pod>')} | jq '.data.groups[] | {name, interval, evaluationTime}'`,
      },
      {
        text: 'Compare the evaluation duration with the interval over time.',
        query: 'prometheus_rule_group_last_duration_seconds > prometheus_rule_group_interval_seconds',
      },
    ],
    mitigation: [
      {
        text: 'Split the group, pre-aggregate its heavy selectors into recording rules, or give the replica more CPU in config/environments/<env>.ts.',
      },
      {
        text: 'Check whether the replica is CPU-throttled.',
        query: 'rate(container_cpu_cfs_throttled_periods_total{namespace="monitoring", container="prometheus"}[5m])',
      },
    ],
  },
  {
    alert: 'PrometheusNotConnectedToAlertmanagers',
    meaning: 'A Prometheus replica has no Alertmanager to send alerts to.',
    impact: 'Its alerts reach nobody; only the other replica, if any, still alerts.',
    diagnosis: [
      alertmanagerReachability,
      {
        text: 'Check the alerting section of the loaded configuration.',
        command: `${promApi('/api/v1/status/config', '<pod>')} | jq -r .data.yaml | grep -A15 '^alerting:'`,
      },
      {
        text: 'Check that the Alertmanager peers resolve and run.',
        command: `${ns} get pods -l app.kubernetes.io/name=alertmanager -o wide\n${ns} exec <pod> -- nslookup alertmanager-0.alertmanager-headless.monitoring.svc`,
      },
    ],
    mitigation: [
      {
        text: 'If the Alertmanagers are down, follow AlertmanagerDown; if the configuration lacks them, fix it and re-apply the Prometheus manifests.',
        command: 'npm run synth\nkubectl apply -f dist/<env>/prometheus.yaml',
      },
    ],
  },
  {
    alert: 'PrometheusErrorSendingAlertsToSomeAlertmanagers',
    meaning: 'More than 1 % of the alerts a Prometheus replica sends to one Alertmanager fail.',
    impact: 'The other Alertmanagers still receive the alerts; if that one is the only one up, notifications are lost.',
    diagnosis: [
      {
        text: 'Read the send errors; they name the Alertmanager and the HTTP status or timeout.',
        command: `${promLogs} | grep -i 'error sending alert'`,
      },
      alertmanagerReachability,
      { text: 'Check that Alertmanager pod is ready.', command: `${ns} get pods -l app.kubernetes.io/name=alertmanager -o wide` },
    ],
    mitigation: [
      {
        text: 'Restart that Alertmanager pod if it is stuck; the StatefulSet recreates it with its data.',
        command: `${ns} delete pod <alertmanager-pod>`,
      },
      {
        text: 'If connections time out, check the Alertmanager NetworkPolicy admits port 9093 from the Prometheus pods.',
        command: `${ns} get networkpolicy -o yaml`,
      },
    ],
  },
  {
    alert: 'PrometheusErrorSendingAlertsToAnyAlertmanager',
    meaning: 'More than 3 % of the alerts a Prometheus replica sends fail on every Alertmanager.',
    impact: "This replica's alerts are being lost; when all replicas are affected, nobody is notified and the heartbeat service pages.",
    diagnosis: [
      { text: 'Read the send errors.', command: `${promLogs} | grep -i 'error sending alert'` },
      alertmanagerReachability,
      { text: 'Check the Alertmanagers themselves.', command: `${ns} get pods -l app.kubernetes.io/name=alertmanager -o wide\n${amLogs}` },
    ],
    mitigation: [
      { text: 'If every Alertmanager is down, follow AlertmanagerDown.' },
      {
        text: 'If only this Prometheus fails, check its NetworkPolicy egress and DNS, then restart it.',
        command: `${ns} delete pod <pod>`,
      },
    ],
  },
  {
    alert: 'PrometheusNotificationsDropped',
    meaning: 'A Prometheus replica dropped alerts: its notification queue overflowed or sending failed on every Alertmanager.',
    impact: 'The dropped alerts are re-sent on later evaluations, so their notifications are late, or lost if they resolved meanwhile.',
    diagnosis: [
      {
        text: 'Compare the queue length with its capacity.',
        query: 'prometheus_notifications_queue_length / prometheus_notifications_queue_capacity',
      },
      { text: 'Check whether sending fails as well.', query: 'rate(prometheus_notifications_errors_total[5m])' },
    ],
    mitigation: [
      { text: 'If sending fails, follow PrometheusErrorSendingAlertsToAnyAlertmanager.' },
      {
        text: 'If a burst of alerts overflows the queue, find the rule that produces thousands of alerts and aggregate it.',
        query: 'topk(5, count by (alertname) (ALERTS))',
      },
    ],
  },
  {
    alert: 'PrometheusTSDBCompactionsFailing',
    meaning: 'A Prometheus replica has failed TSDB compactions for hours.',
    impact: 'The in-memory head and the WAL keep growing until the replica runs out of memory or disk.',
    diagnosis: [
      { text: 'Read the compaction errors (disk full, corrupt block).', command: `${promLogs} | grep -i compact` },
      { text: 'Check the free space of the volume.', command: `${ns} exec <pod> -- df -h /prometheus` },
    ],
    mitigation: [
      {
        text: 'If the volume is full, expand the PersistentVolumeClaim or lower the retention.',
        command: `${ns} patch pvc data-<pod> -p '{"spec":{"resources":{"requests":{"storage":"200Gi"}}}}'`,
      },
      {
        text: 'If a block is corrupt, move it out of the data directory and restart; the other replica still holds that time range.',
        command: `${ns} exec <pod> -- ls -la /prometheus`,
      },
    ],
  },
  {
    alert: 'PrometheusTSDBReloadsFailing',
    meaning: 'A Prometheus replica has failed to reload its TSDB blocks from disk for hours.',
    impact: 'New blocks are not queried and blocks past retention are not deleted, so the disk fills.',
    diagnosis: [
      { text: 'Read the reload errors; they usually name a block directory.', command: `${promLogs} | grep -iE 'reload|block'` },
      {
        text: 'Check the free space and the block directories.',
        command: `${ns} exec <pod> -- df -h /prometheus\n${ns} exec <pod> -- ls -la /prometheus`,
      },
    ],
    mitigation: [{ text: 'Move the named broken block out of the data directory and restart the pod.', command: `${ns} delete pod <pod>` }],
  },
  {
    alert: 'AlertmanagerFailedReload',
    meaning: 'An Alertmanager replica failed to reload its configuration and keeps routing with the previous one.',
    impact: 'Routing changes are not in effect, and the replica would not start again with the current configuration.',
    diagnosis: [
      { text: 'Read the reload error.', command: `${amLogs} | grep -i 'loading configuration'` },
      {
        text: 'Check the mounted configuration with amtool of the same image.',
        command: `${ns} exec <pod> -- amtool check-config /etc/alertmanager/config/alertmanager.yml`,
      },
      {
        text: 'Check that every credentials file it names exists in the receivers Secret.',
        command: `${ns} get secret alertmanager-receivers -o jsonpath='{.data}' | jq 'keys'`,
      },
    ],
    mitigation: [
      {
        text: 'Fix the source, check the generated file and re-apply.',
        command: 'npm run synth\namtool check-config dist/<env>/config/alertmanager.yml\nkubectl apply -f dist/<env>/alertmanager.yaml',
      },
    ],
  },
  {
    alert: 'AlertmanagerMembersInconsistent',
    meaning: 'An Alertmanager replica sees fewer cluster peers than Prometheus scrapes: the gossip cluster is split.',
    impact: 'Split peers send duplicate notifications and do not share silences, so a silence set on one does not hold on the others.',
    diagnosis: [
      { text: 'Show the cluster as each replica sees it.', command: `${amtool('cluster show', '<pod>')}` },
      { text: 'Look for gossip errors.', command: `${amLogs} | grep -iE 'cluster|memberlist'` },
      { text: 'Compare the members each replica sees.', query: 'alertmanager_cluster_members{job="alertmanager"}' },
    ],
    mitigation: [
      {
        text: 'Check that the NetworkPolicy admits port 9094 TCP and UDP between the Alertmanager pods.',
        command: `${ns} get networkpolicy -o yaml | grep -B3 -A8 9094`,
      },
      { text: 'Restart the isolated replica; it rejoins through the headless Service.', command: `${ns} delete pod <pod>` },
    ],
  },
  {
    alert: 'AlertmanagerFailedToSendAlerts',
    meaning: 'More than 1 % of the notifications one Alertmanager replica sends through one integration fail.',
    impact: 'Another replica retries them, so notifications are late rather than lost, unless every replica fails.',
    diagnosis: [
      { text: 'Read the notification errors; they name the receiver and the HTTP status.', command: `${amLogs} | grep -i 'notify'` },
      {
        text: 'See which reason dominates (clientError means bad credentials or payload, serverError the provider).',
        query: 'sum by (pod, integration, reason) (rate(alertmanager_notifications_failed_total[5m]))',
      },
    ],
    mitigation: [
      {
        text: "Check that pod's egress: DNS and HTTPS to the provider.",
        command: `${ns} exec <pod> -- wget -qO- -T 5 https://<provider-host> >/dev/null && echo reachable`,
      },
      { text: 'Restart the pod if only it fails.', command: `${ns} delete pod <pod>` },
    ],
  },
  {
    alert: 'AlertmanagerClusterFailedToSendAlerts',
    meaning: 'Every Alertmanager replica that sends through one integration fails more than 1 % of its notifications.',
    impact:
      'Notifications through that integration (the pager, e-mail or chat) are not getting out; P0/P1 alerts still reach chat if that works.',
    diagnosis: [
      { text: 'Read the errors on any replica.', command: `${amLogs} | grep -i 'notify'` },
      {
        text: 'clientError points at credentials: check the receivers Secret has the key for the failing integration, without a trailing newline.',
        command: `${ns} get secret alertmanager-receivers -o jsonpath='{.data}' | jq 'keys'`,
        query: 'sum by (integration, reason) (rate(alertmanager_notifications_failed_total[5m]))',
      },
    ],
    mitigation: [
      {
        text: 'Rotate the credential in the receivers Secret (see docs/alerting.md); Alertmanager reads it on the next send, no restart needed.',
        command: `${ns} create secret generic alertmanager-receivers --from-file=... --dry-run=client -o yaml | kubectl apply -f -`,
      },
      { text: 'If the provider is down, watch its status page and the chat channel until it recovers.' },
    ],
  },
];
