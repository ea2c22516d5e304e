import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCES } from './datasources';
import { ALL_VALUE } from './variables';

/** Grafana's built-in interval variables, replaced by what they stand for at a 15 s scrape interval. */
const BUILTIN_INTERVALS: Readonly<Record<string, string>> = {
  __auto: '1m',
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
};

/**
 * The expression Grafana sends to Prometheus: `$var` and `${var}` replaced by `values[var]`
 * (a template variable without a value becomes the All value, `ALL_VALUE`).
 */
export function substituteVariables(expr: string, values: Readonly<Record<string, string>> = {}): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    return BUILTIN_INTERVALS[name] ?? values[name] ?? ALL_VALUE;
  });
}

/** Template variables an expression refers to (built-ins excluded). */
export function variablesIn(expr: string): string[] {
  const names = [...expr.matchAll(/\$\{(\w+)\}|\$(\w+)/g)].map((m) => m[1] ?? m[2]);
  return [...new Set(names.filter((name) => !(name in BUILTIN_INTERVALS)))].sort();
}

/** Every non-row panel of a built dashboard, including those nested in collapsed rows. */
export function panelsOf(built: dashboard.Dashboard): dashboard.Panel[] {
  return (built.panels ?? []).flatMap((panel) => {
    if (panel.type !== 'row') return [panel as dashboard.Panel];
    return ((panel as dashboard.RowPanel).panels ?? []) as dashboard.Panel[];
  });
}

type Target = { readonly expr?: string; readonly datasource?: { readonly type?: string } };

/** A query of the Loki datasource: its `expr` is LogQL, which PromQL checks and metric links must skip. */
export const isLokiTarget = (target: unknown): boolean => (target as Target).datasource?.type === DATASOURCES.loki.type;

const expressionsOf = (panel: dashboard.Panel, loki: boolean): string[] =>
  (panel.targets ?? [])
    .filter((target) => isLokiTarget(target) === loki)
    .map((target) => (target as Target).expr ?? '')
    .filter((expr) => expr !== '');

/** PromQL expressions of a panel's queries, as written (variables not substituted); Loki queries are left out. */
export const panelExpressions = (panel: dashboard.Panel): string[] => expressionsOf(panel, false);

/** LogQL expressions of a panel's Loki queries, as written (variables not substituted). */
export const logqlExpressions = (panel: dashboard.Panel): string[] => expressionsOf(panel, true);
