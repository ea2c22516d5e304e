import { ALERT_RULES, GLOBAL_ALERT_RULES } from '../index';
import type { AlertRule } from '../types';
import { GLOBAL_RUNBOOKS, RUNBOOKS } from './index';
import { RUNBOOK_HEADER, renderRunbook } from './render';
import type { Runbook } from './types';

/**
 * Pairs every alert name (its rules: one per severity tier) with its runbook; throws listing every
 * alert without a runbook, every runbook without an alert and every alert with two runbooks.
 */
export function pairRunbooks(alerts: readonly AlertRule[] = ALERT_RULES, runbooks: readonly Runbook[] = RUNBOOKS) {
  const names = [...new Set(alerts.map((rule) => rule.alert))];
  const runbookNames = runbooks.map((rb) => rb.alert);
  const problems = [
    ...names.filter((name) => !runbookNames.includes(name)).map((name) => `alert ${name} has no runbook`),
    ...runbookNames.filter((name) => !names.includes(name)).map((name) => `runbook ${name} names no alert`),
    ...runbookNames.filter((name, i) => runbookNames.indexOf(name) !== i).map((name) => `alert ${name} has two runbooks`),
  ];
  if (problems.length > 0) throw new Error(`runbooks out of step with the alerts:\n  ${problems.join('\n  ')}`);
  return names.map((name) => ({
    rules: alerts.filter((rule) => rule.alert === name),
    runbook: runbooks.find((rb) => rb.alert === name)!,
  }));
}

/** Every file of docs/runbooks/, keyed by file name: one page per alert (the global Prometheus's too) plus an index. */
export function renderRunbookFiles(): Map<string, string> {
  const pairs = [...pairRunbooks(), ...pairRunbooks(GLOBAL_ALERT_RULES, GLOBAL_RUNBOOKS)];
  const files = new Map<string, string>();
  const sorted = [...pairs].sort((a, b) => a.runbook.alert.localeCompare(b.runbook.alert));
  for (const { rules, runbook } of sorted) files.set(`${runbook.alert}.md`, renderRunbook(rules, runbook));
  const rows = sorted.flatMap(({ rules }) =>
    rules.map((rule) => `| [${rule.alert}](${rule.alert}.md) | ${rule.severity} | ${rule.priority} | ${rule.summary} |`),
  );
  files.set(
    'README.md',
    [RUNBOOK_HEADER, '# Runbooks', '', '| alert | severity | priority | summary |', '| --- | --- | --- | --- |', ...rows, ''].join('\n'),
  );
  return files;
}
