import { META } from '../../thresholds';
import type { RuleGroup } from '../../types';
import { amJob, podRef } from './matchers';

// Alertmanager 0.26+ splits failures by `reason`; summing it away keeps the ratio's label sets equal.
const notifyFailurePercent = `100 * sum without (reason) (rate(alertmanager_notifications_failed_total{${amJob}}[5m])) / sum without (reason) (rate(alertmanager_notifications_total{${amJob}}[5m]))`;
const clusterMembers = `max_over_time(alertmanager_cluster_members{${amJob}}[5m])`;

// No alert on alertmanager_cluster_failed_peers: a peer replaced by a rollout stays "failed" until
// --cluster.reconnect-timeout (6 h) passes, which would fire after every restart.

/** Alertmanager watching its own configuration, cluster membership and notification delivery. */
export const alertmanagerGroup: RuleGroup = {
  name: 'meta.alertmanager',
  file: 'meta',
  rules: [
    {
      alert: 'AlertmanagerFailedReload',
      expr: `max_over_time(alertmanager_config_last_reload_successful{${amJob}}[5m]) == 0`,
      for: '10m',
      severity: 'critical',
      priority: 'P1',
      dashboard: 'system',
      summary: 'Alertmanager {{ $labels.pod }} failed to reload its configuration',
      description: `${podRef} reports alertmanager_config_last_reload_successful = {{ $value }}: it still routes with the previous configuration, and would not start again with the current one.`,
    },
    {
      // Every replica must see every scraped replica; kube-prometheus's AlertmanagerMembersInconsistent.
      alert: 'AlertmanagerMembersInconsistent',
      expr: `${clusterMembers} < on (job, namespace) group_left () count by (job, namespace) (${clusterMembers})`,
      for: '10m',
      severity: 'critical',
      priority: 'P1',
      dashboard: 'system',
      summary: 'Alertmanager {{ $labels.pod }} does not see all its cluster peers',
      description: `${podRef} sees {{ $value }} cluster members, fewer than the Alertmanagers Prometheus scrapes; replicas that do not gossip send duplicate notifications and do not share silences.`,
    },
    {
      alert: 'AlertmanagerFailedToSendAlerts',
      expr: `${notifyFailurePercent} > ${META.maxNotificationFailurePercent}`,
      for: '5m',
      severity: 'warning',
      priority: 'P2',
      dashboard: 'system',
      summary: 'Alertmanager {{ $labels.pod }} fails to send {{ $labels.integration }} notifications',
      description: `{{ $value | printf "%.1f" }}% of the {{ $labels.integration }} notifications of ${podRef} failed in the last 5 minutes (above ${META.maxNotificationFailurePercent}%); another replica retries them.`,
    },
    {
      // min ignores replicas that sent nothing (0/0); it is high only when every replica that tried failed.
      alert: 'AlertmanagerClusterFailedToSendAlerts',
      expr: `min by (job, namespace, integration) (${notifyFailurePercent}) > ${META.maxNotificationFailurePercent}`,
      for: '5m',
      severity: 'critical',
      priority: 'P1',
      dashboard: 'system',
      summary: 'Alertmanager cannot send {{ $labels.integration }} notifications',
      description: `Every Alertmanager replica that sent {{ $labels.integration }} notifications in the last 5 minutes failed at least {{ $value | printf "%.1f" }}% of them (above ${META.maxNotificationFailurePercent}%); those notifications are not getting out.`,
    },
  ],
};
