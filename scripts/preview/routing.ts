// Alertmanager routing: routes are named by the matchers leading to them (the tree has no route
// names), receivers and time intervals by name, inhibit rules by their whole content.
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { arrayAt, at, isRecord } from './objects';
import { diffPaths } from './tree-diff';
import type { SemanticChange } from './types';

const ROUTE_FIELDS = [
  'receiver',
  'group_by',
  'continue',
  'group_wait',
  'group_interval',
  'repeat_interval',
  'mute_time_intervals',
  'active_time_intervals',
] as const;

const list = (value: unknown) => (Array.isArray(value) ? (value.length > 0 ? value.join(', ') : '(none)') : String(value ?? '(none)'));

function matchersOf(route: Record<string, unknown>): string {
  const legacy = [
    ...Object.entries(isRecord(route.match) ? route.match : {}).map(([k, v]) => `${k}="${String(v)}"`),
    ...Object.entries(isRecord(route.match_re) ? route.match_re : {}).map(([k, v]) => `${k}=~"${String(v)}"`),
  ];
  const matchers = [...arrayAt(route, 'matchers').map(String), ...legacy];
  return matchers.length > 0 ? matchers.join(', ') : '(any)';
}

interface FlatRoute {
  readonly route: Record<string, unknown>;
  /** The receiver in effect, inherited from the parent when the route sets none. */
  readonly receiver: string;
}

function flattenRoutes(route: unknown, path: string, inherited: string, out: Map<string, FlatRoute>): void {
  if (!isRecord(route)) return;
  const receiver = typeof route.receiver === 'string' ? route.receiver : inherited;
  out.set(path, { route, receiver });
  const seen = new Map<string, number>();
  for (const child of arrayAt(route, 'routes')) {
    if (!isRecord(child)) continue;
    const own = matchersOf(child);
    const count = (seen.get(own) ?? 0) + 1;
    seen.set(own, count);
    const name = count > 1 ? `${own} #${count}` : own;
    flattenRoutes(child, path === 'root' ? name : `${path} › ${name}`, receiver, out);
  }
}

function byName(items: readonly unknown[]): Map<string, Record<string, unknown>> {
  return new Map(items.filter(isRecord).map((item) => [String(item.name), item]));
}

/** One time interval as a person reads it: `sunday 02:00–04:00 UTC`. */
function describeInterval(interval: Record<string, unknown>): string {
  return arrayAt(interval, 'time_intervals')
    .filter(isRecord)
    .map((period) => {
      const parts = [
        ...['weekdays', 'days_of_month', 'months', 'years'].flatMap((field) => arrayAt(period, field).map(String)),
        ...arrayAt(period, 'times')
          .filter(isRecord)
          .map((time) => `${String(time.start_time)}–${String(time.end_time)}`),
      ];
      if (typeof period.location === 'string') parts.push(period.location);
      return parts.join(' ') || 'always';
    })
    .join('; ');
}

const describeInhibit = (rule: Record<string, unknown>) =>
  `${list(rule.source_matchers)} ⇒ ${list(rule.target_matchers)}` + (rule.equal ? ` (equal: ${list(rule.equal)})` : '');

function compareNamed<T>(
  base: Map<string, T>,
  head: Map<string, T>,
  what: string,
  describe: (name: string, old: T, now: T) => string,
  out: SemanticChange[],
) {
  for (const [name, old] of base) {
    const now = head.get(name);
    if (now === undefined) out.push({ section: 'routing', text: `${what} removed: ${name}` });
    else if (!isDeepStrictEqual(old, now)) out.push({ section: 'routing', text: describe(name, old, now) });
  }
  for (const name of head.keys()) if (!base.has(name)) out.push({ section: 'routing', text: `${what} added: ${name}` });
}

export function compareRouting(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>) {
  const changes: SemanticChange[] = [];
  const [before, after] = [base.get('config/alertmanager.yml'), head.get('config/alertmanager.yml')];
  if (before === undefined && after === undefined) return { changes, risks: [] };
  const [old, now] = [parse(before ?? '{}') ?? {}, parse(after ?? '{}') ?? {}];
  const [oldRoutes, newRoutes] = [new Map<string, FlatRoute>(), new Map<string, FlatRoute>()];
  flattenRoutes(at(old, 'route'), 'root', '(none)', oldRoutes);
  flattenRoutes(at(now, 'route'), 'root', '(none)', newRoutes);
  for (const [path, { route }] of oldRoutes) {
    const next = newRoutes.get(path);
    if (!next) {
      changes.push({ section: 'routing', text: `Route removed: ${path}` });
      continue;
    }
    for (const field of ROUTE_FIELDS) {
      if (!isDeepStrictEqual(route[field], next.route[field]))
        changes.push({ section: 'routing', text: `Route ${path}: ${field} ${list(route[field])} → ${list(next.route[field])}` });
    }
  }
  for (const [path, { receiver }] of newRoutes)
    if (!oldRoutes.has(path)) changes.push({ section: 'routing', text: `Route added: ${path} → ${receiver}` });

  // Receiver settings name secret files, never secrets, but their changed paths are enough to review.
  compareNamed(
    byName(arrayAt(old, 'receivers')),
    byName(arrayAt(now, 'receivers')),
    'Receiver',
    (name, a, b) =>
      `Receiver ${name} changed: ${diffPaths(a, b)
        .map((line) => line.split(':')[0])
        .slice(0, 4)
        .join(', ')}`,
    changes,
  );
  compareNamed(
    byName(arrayAt(old, 'time_intervals')),
    byName(arrayAt(now, 'time_intervals')),
    'Time interval',
    (name, a, b) => `Time interval ${name}: ${describeInterval(a)} → ${describeInterval(b)}`,
    changes,
  );
  const inhibits = (config: unknown) =>
    new Map(
      arrayAt(config, 'inhibit_rules')
        .filter(isRecord)
        .map((rule) => [describeInhibit(rule), rule]),
    );
  compareNamed(inhibits(old), inhibits(now), 'Inhibit rule', (name) => name, changes);
  return { changes, risks: [] };
}
