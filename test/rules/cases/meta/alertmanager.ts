import { series } from '../targets';
import type { RuleTestCase } from '../types';
import { ALERTMANAGER_0, ALERTMANAGER_1, ALERTMANAGER_2, critical, warningP2 } from './fixtures';

export const alertmanagerCases: readonly RuleTestCase[] = [
  {
    name: 'AlertmanagerFailedReload: a failed reload fires after 10 minutes, a successful one does not',
    series: [
      { series: series('alertmanager_config_last_reload_successful', ALERTMANAGER_1), values: '1x5 0x30' },
      { series: series('alertmanager_config_last_reload_successful', ALERTMANAGER_0), values: '1x35' },
    ],
    alerts: [
      { alert: 'AlertmanagerFailedReload', at: '20m', fires: [] },
      {
        alert: 'AlertmanagerFailedReload',
        at: '22m',
        fires: [
          {
            labels: { ...ALERTMANAGER_1, ...critical },
            summary: 'Alertmanager alertmanager-1 failed to reload its configuration',
            description:
              'monitoring/alertmanager-1 reports alertmanager_config_last_reload_successful = 0: it still routes with the previous configuration, and would not start again with the current one.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'AlertmanagerMembersInconsistent: a replica that sees 1 of 3 peers fires after 10 minutes; the two that see 3 do not',
    series: [
      { series: series('alertmanager_cluster_members', ALERTMANAGER_0), values: '3x40' },
      { series: series('alertmanager_cluster_members', ALERTMANAGER_1), values: '3x40' },
      { series: series('alertmanager_cluster_members', ALERTMANAGER_2), values: '3x5 1x35' },
    ],
    alerts: [
      { alert: 'AlertmanagerMembersInconsistent', at: '20m', fires: [] },
      {
        alert: 'AlertmanagerMembersInconsistent',
        at: '22m',
        fires: [
          {
            labels: { ...ALERTMANAGER_2, ...critical },
            summary: 'Alertmanager alertmanager-2 does not see all its cluster peers',
            description:
              'monitoring/alertmanager-2 sees 1 cluster members, fewer than the Alertmanagers Prometheus scrapes; replicas that do not gossip send duplicate notifications and do not share silences.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    name: 'AlertmanagerFailedToSendAlerts: 10 % failed pagerduty notifications (two reasons) fire after 5 minutes, 0 % slack does not; another replica succeeding keeps the cluster alert silent',
    series: [
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_0, integration: 'pagerduty' }), values: '0+20x20' },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_0, integration: 'pagerduty', reason: 'serverError' }),
        values: '0+1x20',
      },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_0, integration: 'pagerduty', reason: 'clientError' }),
        values: '0+1x20',
      },
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_0, integration: 'slack' }), values: '0+20x20' },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_0, integration: 'slack', reason: 'serverError' }),
        values: '0x20',
      },
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_1, integration: 'pagerduty' }), values: '0+20x20' },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_1, integration: 'pagerduty', reason: 'serverError' }),
        values: '0x20',
      },
    ],
    alerts: [
      { alert: 'AlertmanagerFailedToSendAlerts', at: '5m', fires: [] },
      {
        alert: 'AlertmanagerFailedToSendAlerts',
        at: '7m',
        fires: [
          {
            labels: { ...ALERTMANAGER_0, integration: 'pagerduty', ...warningP2 },
            summary: 'Alertmanager alertmanager-0 fails to send pagerduty notifications',
            description:
              '10.0% of the pagerduty notifications of monitoring/alertmanager-0 failed in the last 5 minutes (above 1%); another replica retries them.',
            dashboard: 'system',
          },
        ],
      },
      { alert: 'AlertmanagerClusterFailedToSendAlerts', at: '7m', fires: [] },
    ],
  },
  {
    name: 'AlertmanagerClusterFailedToSendAlerts: every replica that sent pagerduty failing 25–50 % fires after 5 minutes; the idle one is ignored',
    series: [
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_0, integration: 'pagerduty' }), values: '0+4x20' },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_0, integration: 'pagerduty', reason: 'serverError' }),
        values: '0+2x20',
      },
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_1, integration: 'pagerduty' }), values: '0+4x20' },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_1, integration: 'pagerduty', reason: 'serverError' }),
        values: '0+1x20',
      },
      { series: series('alertmanager_notifications_total', { ...ALERTMANAGER_2, integration: 'pagerduty' }), values: '0x20' },
      {
        series: series('alertmanager_notifications_failed_total', { ...ALERTMANAGER_2, integration: 'pagerduty', reason: 'serverError' }),
        values: '0x20',
      },
    ],
    alerts: [
      { alert: 'AlertmanagerClusterFailedToSendAlerts', at: '5m', fires: [] },
      {
        alert: 'AlertmanagerClusterFailedToSendAlerts',
        at: '7m',
        fires: [
          {
            labels: { job: 'alertmanager', namespace: 'monitoring', integration: 'pagerduty', ...critical },
            summary: 'Alertmanager cannot send pagerduty notifications',
            description:
              'Every Alertmanager replica that sent pagerduty notifications in the last 5 minutes failed at least 25.0% of them (above 1%); those notifications are not getting out.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
];
