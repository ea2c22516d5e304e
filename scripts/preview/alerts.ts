// Alerts by name across every rule file of the environment (config/rules/*.yml and the global
// Prometheus's config/prometheus-global/rules/*.yml): what a reviewer asks of an alert change.
import { parse } from 'yaml';
import { arrayAt, isRecord } from './objects';
import type { Risk, SemanticChange } from './types';

/** Priorities Alertmanager pages a person for. */
const PAGING = /^P[01]$/;

interface AlertDefinition {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly severity?: string;
  readonly priority?: string;
}

export const isRuleFile = (path: string) => /^config\/(?:.+\/)?rules\/[^/]+\.ya?ml$/.test(path);

function alertsOf(files: ReadonlyMap<string, string>): Map<string, AlertDefinition[]> {
  const byName = new Map<string, AlertDefinition[]>();
  for (const [path, content] of files) {
    if (!isRuleFile(path)) continue;
    for (const group of arrayAt(parse(content), 'groups')) {
      for (const rule of arrayAt(group, 'rules')) {
        if (!isRecord(rule) || typeof rule.alert !== 'string') continue;
        const labels = isRecord(rule.labels) ? rule.labels : {};
        const definition: AlertDefinition = {
          alert: rule.alert,
          expr: String(rule.expr),
          for: rule.for === undefined ? undefined : String(rule.for),
          severity: labels.severity === undefined ? undefined : String(labels.severity),
          priority: labels.priority === undefined ? undefined : String(labels.priority),
        };
        byName.set(rule.alert, [...(byName.get(rule.alert) ?? []), definition]);
      }
    }
  }
  return byName;
}

/** The numeric literal right of each comparison, as written (`0.95` stays `0.95`). */
const THRESHOLD = /((?:[<>]=?|[!=]=)\s*(?:bool\s+)?)(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?![\w.])/g;
const thresholdsOf = (expr: string) => [...expr.matchAll(THRESHOLD)].map((match) => match[2]);
const withoutThresholds = (expr: string) => expr.replace(THRESHOLD, '$1#');

/** Pairs the rules sharing one alert name: same severity first, then the rest in file order. */
function pairRules(base: readonly AlertDefinition[], head: readonly AlertDefinition[]): Array<[AlertDefinition?, AlertDefinition?]> {
  const unpairedHead = [...head];
  const pairs: Array<[AlertDefinition?, AlertDefinition?]> = [];
  const unpairedBase: AlertDefinition[] = [];
  for (const rule of base) {
    const match = unpairedHead.findIndex((candidate) => candidate.severity === rule.severity);
    if (match >= 0) pairs.push([rule, unpairedHead.splice(match, 1)[0]]);
    else unpairedBase.push(rule);
  }
  for (const rule of unpairedBase) pairs.push([rule, unpairedHead.shift()]);
  for (const rule of unpairedHead) pairs.push([undefined, rule]);
  return pairs;
}

function changesOf(name: string, base: AlertDefinition, head: AlertDefinition): string[] {
  const lines: string[] = [];
  if (base.expr !== head.expr) {
    const [old, now] = [thresholdsOf(base.expr), thresholdsOf(head.expr)];
    if (withoutThresholds(base.expr) === withoutThresholds(head.expr) && old.length === now.length) {
      const moved = old.flatMap((value, i) => (value === now[i] ? [] : [`${value} → ${now[i]}`]));
      lines.push(`${name}: threshold ${moved.join(', ')}`);
    } else lines.push(`${name}: expr changed`);
  }
  for (const field of ['for', 'severity', 'priority'] as const) {
    if (base[field] !== head[field]) lines.push(`${name}: ${field} ${base[field] ?? '(none)'} → ${head[field] ?? '(none)'}`);
  }
  return lines;
}

export function compareAlerts(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>) {
  const [before, after] = [alertsOf(base), alertsOf(head)];
  const changes: SemanticChange[] = [];
  const risks: Risk[] = [];
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const alert of names) {
    const pairs = pairRules(before.get(alert) ?? [], after.get(alert) ?? []);
    for (const [old, now] of pairs) {
      // Alerts defined once are named plainly; tiers of one alert (warning and critical) by their severity.
      const name = pairs.length > 1 ? `${alert} (${(old ?? now)!.severity})` : alert;
      if (!old) changes.push({ section: 'alerts', text: `Alert added: ${name}` });
      else if (!now) {
        changes.push({ section: 'alerts', text: `Alert removed: ${name}` });
        risks.push({ kind: 'alert-removed', text: `Alert removed: ${name}` });
      } else {
        changes.push(...changesOf(name, old, now).map((text) => ({ section: 'alerts' as const, text })));
        if (old.severity === 'critical' && now.severity !== 'critical')
          risks.push({
            kind: 'critical-downgraded',
            text: `Critical alert downgraded: ${name} severity critical → ${now.severity ?? '(none)'}`,
          });
        // Alertmanager pages on P0 and P1 (constructs/config-files/alertmanager-config.ts): a paging alert moved below stops paging.
        else if (PAGING.test(old.priority ?? '') && !PAGING.test(now.priority ?? ''))
          risks.push({
            kind: 'critical-downgraded',
            text: `Paging alert downgraded: ${name} priority ${old.priority} → ${now.priority ?? '(none)'}`,
          });
      }
    }
  }
  return { changes, risks };
}
