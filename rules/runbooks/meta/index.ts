import type { Runbook } from '../types';
import { alertmanagerRunbooks } from './alertmanager';
import { amtool, ns, promApi } from './commands';
import { prometheusRunbooks } from './prometheus';
import { targetRunbooks } from './targets';

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
  ...targetRunbooks,
  ...prometheusRunbooks,
  ...alertmanagerRunbooks,
];
