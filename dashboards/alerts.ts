import * as common from '@grafana/grafana-foundation-sdk/common';
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { JOBS } from '../contracts/jobs';
import { PRIORITIES, SEVERITIES, type Priority, type Severity } from '../rules/types';
import { stackDashboard } from './lib/dashboard';
import { statPanel, timeseriesPanel, type Threshold } from './lib/panels';
import { tablePanel } from './lib/tables';
import { filters, selector } from './lib/variables';

// Alerts about a namespace carry its label; node, GPU and cluster-wide alerts (the Watchdog among
// them) carry none and stay in view whatever namespace is selected, since they concern all of them.
const alertFilters = [...filters('cluster'), 'namespace=~"$namespace|"'];
const firing = (...matchers: string[]) => selector('ALERTS', 'alertstate="firing"', ...matchers, ...alertFilters);
// The Watchdog always fires: counted with the others, P3 and info would never read 0.
const notWatchdog = 'alertname!="Watchdog"';
const firingCount = (label: 'priority' | 'severity', value: string) => `count(${firing(notWatchdog, `${label}="${value}"`)}) or vector(0)`;

/** When a notification goes out, as the Alertmanager routes time them. */
const PRIORITY_MEANING: Readonly<Record<Priority, string>> = {
  P0: 'notifies at once',
  P1: 'notifies within 15 minutes',
  P2: 'notifies within an hour',
  P3: 'waits for the next business day',
};
const SEVERITY_MEANING: Readonly<Record<Severity, string>> = {
  critical: 'pages a person',
  warning: "goes to the team's queue",
  info: 'is context only',
};
// One firing alert of an urgent kind is already one to act on; P3 and info alerts are not urgent.
const anyFiring: Threshold = { value: 1, bad: 'above' };
const URGENT: ReadonlySet<string> = new Set<Priority | Severity>(['P0', 'P1', 'P2', 'critical', 'warning']);
const heartbeatMissing: Threshold = { value: 1, bad: 'below' };

const countStat = (label: 'priority' | 'severity', value: Priority | Severity, meaning: string) =>
  statPanel({
    title: `${value} firing`,
    description: `Alerts of ${label} ${value} firing now (the Watchdog heartbeat left out); a ${value} alert ${meaning}.${URGENT.has(value) ? ' Red from the first.' : ''}`,
    unit: 'count',
    queries: [{ expr: firingCount(label, value) }],
    ...(URGENT.has(value) ? { threshold: anyFiring } : {}),
  });

/** What is firing now, how urgent is it, and is the alerting pipeline itself alive? */
export function alertsDashboard(): DashboardBuilder {
  return stackDashboard({
    uid: 'alerts',
    description:
      'Firing alerts of the stack by priority and severity, the list of what fires now, and firing alerts over time. Alerts without a namespace (nodes, GPUs, the monitoring system) show for every namespace.',
    tags: ['alerts'],
    variables: { metric: 'kube_pod_info', matchers: [`job="${JOBS.kubeStateMetrics}"`] },
    from: 'now-24h',
    rows: [
      {
        title: 'Firing by priority',
        panels: PRIORITIES.map((priority) => countStat('priority', priority, PRIORITY_MEANING[priority])),
      },
      {
        title: 'Firing by severity',
        panels: [
          ...SEVERITIES.map((severity) => countStat('severity', severity, SEVERITY_MEANING[severity])),
          statPanel({
            title: 'Watchdog heartbeat',
            description:
              'The Watchdog alert always fires while Prometheus evaluates rules: 1 is healthy. Red at 0, when no alert on this dashboard can be trusted; the external heartbeat service pages then, since Alertmanager gets no alerts either.',
            unit: 'count',
            queries: [{ expr: `count(${firing('alertname="Watchdog"')}) or vector(0)` }],
            threshold: heartbeatMissing,
          }),
        ],
      },
      {
        title: 'Firing now',
        panels: [
          tablePanel({
            title: 'Firing alerts',
            description:
              'Every firing alert with its priority, severity and where it is; Instances counts the series behind a row (containers, GPUs, filesystems). The Watchdog is always listed: its absence means rule evaluation stopped.',
            rowLabels: ['priority', 'severity', 'alertname', 'namespace', 'pod', 'node'],
            columns: [
              {
                title: 'Instances',
                expr: `count by (priority, severity, alertname, namespace, pod, node) (${firing()})`,
                unit: 'count',
              },
            ],
            height: 10,
          })
            // Most urgent first: P0 sorts before P3.
            .sortBy([new common.TableSortByFieldStateBuilder().displayName('priority').desc(false)]),
        ],
      },
      {
        title: 'Over time',
        panels: [
          timeseriesPanel({
            title: 'Firing alerts by priority',
            description: 'Firing alert series per priority over time, the Watchdog included (P3 never drops below 1 while rules run).',
            unit: 'count',
            queries: [{ expr: `count by (priority) (${firing()})`, legend: '{{priority}}' }],
            min: 0,
          }),
          timeseriesPanel({
            title: 'Firing alerts by name',
            description: 'Firing alert series per alert name over time, to tell a flapping alert from a lasting one.',
            unit: 'count',
            queries: [{ expr: `count by (alertname) (${firing()})`, legend: '{{alertname}}' }],
            min: 0,
          }),
        ],
      },
    ],
  });
}
