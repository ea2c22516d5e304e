import { stringify } from 'yaml';
import { isAlert, type AlertLinks, type AlertRule, type Rule, type RuleGroup } from './types';
import { GENERATED_HEADER } from '../contracts/generated-header';

export const runbookUrl = (links: AlertLinks, alert: string) => `${links.runbookBaseUrl}/${alert}.md`;
export const dashboardUrl = (links: AlertLinks, uid: string) => `${links.grafanaUrl}/d/${uid}`;

/** The one place alert labels and annotations are assembled, so every alert carries the same set. */
function renderAlert(rule: AlertRule, links: AlertLinks) {
  return {
    alert: rule.alert,
    expr: rule.expr,
    ...(rule.for ? { for: rule.for } : {}),
    labels: { severity: rule.severity, priority: rule.priority, ...(rule.scope ? { scope: rule.scope } : {}) },
    annotations: {
      summary: rule.summary,
      description: rule.description,
      runbook_url: runbookUrl(links, rule.alert),
      dashboard_url: dashboardUrl(links, rule.dashboard),
    },
  };
}

function renderRule(rule: Rule, links: AlertLinks) {
  if (isAlert(rule)) return renderAlert(rule, links);
  return { record: rule.record, expr: rule.expr, ...(rule.labels ? { labels: rule.labels } : {}) };
}

/** Rule files as Prometheus reads them, keyed `<file>.yml`, in a stable order. */
export function renderRuleFiles(groups: readonly RuleGroup[], links: AlertLinks): Map<string, string> {
  const byFile = new Map<string, RuleGroup[]>();
  for (const group of groups) byFile.set(group.file, [...(byFile.get(group.file) ?? []), group]);
  const files = new Map<string, string>();
  for (const file of [...byFile.keys()].sort()) {
    const body = {
      groups: byFile.get(file)!.map(({ name, interval, rules }) => ({
        name,
        ...(interval ? { interval } : {}),
        rules: rules.map((rule) => renderRule(rule, links)),
      })),
    };
    files.set(`${file}.yml`, GENERATED_HEADER + stringify(body, { lineWidth: 0 }));
  }
  return files;
}
