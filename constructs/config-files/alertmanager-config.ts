// alertmanager.yml as typed data, built from an environment's alerting settings: the routing tree,
// inhibition and time intervals here; the receivers, and with them every credential path, beside it.
import { stringify } from 'yaml';
import type { AlertingSettings } from '../../config';
import type { Priority } from '../../rules/types';
import {
  buildReceivers,
  RECEIVERS,
  validateReceivers,
  type Receiver,
  type ReceiverName,
  type ReceiversProps,
} from './alertmanager-receivers';
import { weeklyTimeInterval, type TimeInterval } from './time-intervals';
import { GENERATED_HEADER } from '../../contracts/generated-header';

/** Timers of a route; a child inherits what it does not set. */
export interface RouteTiming {
  readonly group_wait: string;
  readonly group_interval: string;
  readonly repeat_interval: string;
}

/** A routing tree node. `mute_time_intervals` and `active_time_intervals` are NOT inherited by children. */
export interface Route extends Partial<RouteTiming> {
  readonly receiver?: ReceiverName;
  readonly group_by?: readonly string[];
  /** Matchers such as `severity="critical"` or `priority=~"P0|P1"`; all must match. */
  readonly matchers?: readonly string[];
  readonly continue?: boolean;
  readonly mute_time_intervals?: readonly TimeIntervalName[];
  readonly active_time_intervals?: readonly TimeIntervalName[];
  readonly routes?: readonly Route[];
}

/** Target alerts matching `target_matchers` are muted while a source alert with equal `equal` labels fires. */
export interface InhibitRule {
  readonly source_matchers: readonly string[];
  readonly target_matchers: readonly string[];
  readonly equal: readonly string[];
}

export interface AlertmanagerConfigFile {
  readonly global: { readonly resolve_timeout: string };
  readonly route: Route & { readonly receiver: ReceiverName };
  readonly inhibit_rules: readonly InhibitRule[];
  readonly receivers: readonly Receiver[];
  readonly time_intervals: readonly TimeInterval[];
}

export const TIME_INTERVALS = { maintenance: 'maintenance-window', businessHours: 'business-hours' } as const;
export type TimeIntervalName = (typeof TIME_INTERVALS)[keyof typeof TIME_INTERVALS];

/**
 * How fast each priority reaches a person (docs/alerting.md has the reasoning): group_wait batches
 * the first notification, group_interval paces additions to a notified group, repeat_interval re-sends.
 */
export const PRIORITY_TIMING: Readonly<Record<Priority, RouteTiming>> = {
  P0: { group_wait: '10s', group_interval: '1m', repeat_interval: '30m' },
  P1: { group_wait: '1m', group_interval: '5m', repeat_interval: '1h' },
  P2: { group_wait: '5m', group_interval: '15m', repeat_interval: '4h' },
  P3: { group_wait: '30m', group_interval: '1h', repeat_interval: '24h' },
};

/** The Watchdog pings the heartbeat service every minute or two; the service pages when pings stop. */
export const HEARTBEAT_TIMING: RouteTiming = { group_wait: '0s', group_interval: '1m', repeat_interval: '1m' };

export interface AlertmanagerConfigProps extends ReceiversProps {
  /** When P3 notifications are delivered. */
  readonly businessHours: AlertingSettings['businessHours'];
  /** When warning, P2 and P3 notifications are muted; P0 and critical never are. */
  readonly maintenanceWindow: AlertingSettings['maintenanceWindow'];
}

const MUTED_IN_MAINTENANCE = { mute_time_intervals: [TIME_INTERVALS.maintenance] } as const;

/**
 * The routing tree. Order matters: Watchdog first (and only to heartbeat), then the chat copy of
 * P0/P1 (`continue`), then severity decides pager or e-mail; priorities nest below for timing.
 * Mute intervals are not inherited, so each node that may mute says so itself, and no node an
 * alert with priority P0 or severity critical can reach carries one.
 */
function buildRoute(): AlertmanagerConfigFile['route'] {
  const priority = (p: Priority, extra: Partial<Route> = {}): Route => ({ matchers: [`priority="${p}"`], ...PRIORITY_TIMING[p], ...extra });
  return {
    receiver: RECEIVERS.email,
    group_by: ['alertname', 'cluster'],
    ...PRIORITY_TIMING.P2,
    routes: [
      { matchers: ['alertname="Watchdog"'], receiver: RECEIVERS.heartbeat, ...HEARTBEAT_TIMING },
      {
        matchers: ['priority=~"P0|P1"'],
        receiver: RECEIVERS.chat,
        continue: true,
        ...PRIORITY_TIMING.P0,
        routes: [
          priority('P0'),
          { matchers: ['priority="P1"', 'severity="critical"'], ...PRIORITY_TIMING.P1 },
          { matchers: ['priority="P1"', 'severity!="critical"'], ...PRIORITY_TIMING.P1, ...MUTED_IN_MAINTENANCE },
        ],
      },
      {
        matchers: ['severity="critical"'],
        receiver: RECEIVERS.pager,
        // A critical alert without a known priority is treated as P0 rather than delayed.
        ...PRIORITY_TIMING.P0,
        routes: [priority('P0'), priority('P1')],
      },
      {
        matchers: ['severity=~"warning|info"'],
        receiver: RECEIVERS.email,
        ...PRIORITY_TIMING.P2,
        ...MUTED_IN_MAINTENANCE,
        routes: [
          // A P0 must never be muted, even on a severity that does not page (rules lint forbids the pair).
          priority('P0'),
          priority('P1', MUTED_IN_MAINTENANCE),
          priority('P2', MUTED_IN_MAINTENANCE),
          // P3 waits for business hours: held outside them, sent at the first flush inside.
          priority('P3', { ...MUTED_IN_MAINTENANCE, active_time_intervals: [TIME_INTERVALS.businessHours] }),
        ],
      },
    ],
  };
}

/**
 * Both rules spare the Watchdog, so the dead man's switch keeps pinging whatever else fires.
 * Critical hides the warning of the same alert; a down node hides the pod alerts on it.
 */
export const INHIBIT_RULES: readonly InhibitRule[] = [
  {
    source_matchers: ['severity="critical"'],
    target_matchers: ['severity="warning"', 'alertname!="Watchdog"'],
    equal: ['alertname', 'cluster'],
  },
  { source_matchers: ['scope="node"'], target_matchers: ['scope="pod"', 'alertname!="Watchdog"'], equal: ['cluster', 'node'] },
];

function walk(route: Route, visit: (route: Route) => void): void {
  visit(route);
  for (const child of route.routes ?? []) walk(child, visit);
}

/** alertmanager.yml as an object; throws naming the field when an input is invalid. */
export function alertmanagerConfig(props: AlertmanagerConfigProps): AlertmanagerConfigFile {
  validateReceivers(props);
  const config: AlertmanagerConfigFile = {
    global: { resolve_timeout: '5m' },
    route: buildRoute(),
    inhibit_rules: INHIBIT_RULES,
    receivers: buildReceivers(props),
    time_intervals: [
      weeklyTimeInterval(TIME_INTERVALS.maintenance, props.maintenanceWindow, 'alerting.maintenanceWindow'),
      weeklyTimeInterval(TIME_INTERVALS.businessHours, props.businessHours, 'alerting.businessHours'),
    ],
  };
  // Alertmanager refuses a config naming an unknown receiver or interval; fail here, at synth, instead.
  const receivers = new Set(config.receivers.map((r) => r.name));
  const intervals = new Set(config.time_intervals.map((t) => t.name));
  walk(config.route, (route) => {
    if (route.receiver && !receivers.has(route.receiver)) throw new Error(`route ${route.matchers}: unknown receiver "${route.receiver}"`);
    for (const name of [...(route.mute_time_intervals ?? []), ...(route.active_time_intervals ?? [])]) {
      if (!intervals.has(name)) throw new Error(`route ${route.matchers}: unknown time interval "${name}"`);
    }
  });
  return config;
}

export function renderAlertmanagerConfig(props: AlertmanagerConfigProps): string {
  return GENERATED_HEADER + stringify(alertmanagerConfig(props), { lineWidth: 0, aliasDuplicateObjects: false });
}
