import type { Runbook } from '../types';
import { amLogs, amtool, ns } from './commands';

export const alertmanagerRunbooks: readonly Runbook[] = [
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
