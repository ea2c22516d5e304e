import type { Runbook, RunbookStep } from '../types';
import { amLogs, ns, promApi, promLogs } from './commands';

const alertmanagerReachability: RunbookStep = {
  text: 'See which Alertmanagers the Prometheus discovered and which it dropped.',
  command: `${promApi('/api/v1/alertmanagers', '<pod>')} | jq .data`,
};

export const prometheusRunbooks: readonly Runbook[] = [
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
        command: 'npx jest test/rules/rules-promtool.test.ts',
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
];
