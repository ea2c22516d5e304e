import type { DashboardUid } from '../contracts/dashboards';

/** A Prometheus recording rule, named `level:metric:operations` unless it keeps a seed name users already query. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** `critical` pages a person, `warning` goes to the team's queue, `info` is context. */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** P0 notifies at once, P1 within 15 minutes, P2 within an hour, P3 on the next business day. */
export const PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Which priorities each severity may carry; a critical P3 or an info P0 is a contradiction. */
export const PRIORITIES_OF: Readonly<Record<Severity, readonly Priority[]>> = {
  critical: ['P0', 'P1'],
  warning: ['P1', 'P2', 'P3'],
  info: ['P3'],
};

/**
 * `pod` alerts describe one pod and carry its `node` label: Alertmanager inhibits them while that
 * node is down. `node` alerts are the node-level outages that do the inhibiting.
 */
export type AlertScope = 'pod' | 'node';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** @default - fires on the first evaluation that matches */
  readonly for?: string;
  readonly severity: Severity;
  readonly priority: Priority;
  /** @default - neither pod nor node scoped: never inhibited by a node outage */
  readonly scope?: AlertScope;
  /** The Grafana dashboard that shows the signal; becomes `dashboard_url`. */
  readonly dashboard: DashboardUid;
  /** One line, may template labels (`{{ $labels.pod }}`). */
  readonly summary: string;
  /** Says what is wrong with the current value (`{{ $value }}`) and the threshold. */
  readonly description: string;
}

export type Rule = RecordingRule | AlertRule;

export const isAlert = (rule: Rule): rule is AlertRule => 'alert' in rule;
export const isRecording = (rule: Rule): rule is RecordingRule => 'record' in rule;

/** One Prometheus rule group; `file` names the rules file it is written to (`<file>.yml`). */
export interface RuleGroup {
  readonly name: string;
  readonly file: string;
  /** @default - the global evaluation_interval */
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

/** Where `runbook_url` and `dashboard_url` point, per environment. */
export interface AlertLinks {
  readonly runbookBaseUrl: string;
  readonly grafanaUrl: string;
}
