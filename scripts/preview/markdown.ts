// Markdown for a PR comment: semantic sections first (what a reviewer decides on), object-level
// detail after. The summary merges identical lines across environments.
import { ENVIRONMENT_NAMES } from '../../config';
import { SECTIONS, type EnvironmentReport, type Section, type SemanticChange } from './types';

const TITLES: Record<Section, string> = {
  alerts: 'Alerts',
  routing: 'Alertmanager routing',
  dashboards: 'Dashboards',
  workloads: 'Workloads',
  prometheus: 'Prometheus retention and storage',
};
/** GitHub rejects comments over 65,536 characters; the per-environment detail is cut before that. */
const MAX_SUMMARY_CHARS = 60000;

const code = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

/** Lines of one section; dashboard lines nested under their uid. */
function sectionLines(changes: readonly SemanticChange[], suffix: (change: SemanticChange) => string = () => ''): string[] {
  const lines: string[] = [];
  let group: string | undefined;
  for (const change of changes) {
    if (change.group !== undefined && change.group !== group) lines.push(`- ${change.group}`);
    group = change.group;
    lines.push(`${change.group === undefined ? '' : '  '}- ${change.text}${suffix(change)}`);
  }
  return lines;
}

const isEmpty = (report: EnvironmentReport) =>
  report.changes.length +
    report.risks.length +
    report.objects.added.length +
    report.objects.removed.length +
    report.objects.changed.length ===
    0 && report.configFiles.added.length + report.configFiles.removed.length + report.configFiles.changed.length === 0;

/** The body of one environment's report, without its title. */
function environmentBody(report: EnvironmentReport): string[] {
  if (isEmpty(report)) return ['No changes.'];
  const lines: string[] = ['### Risks', ...(report.risks.length > 0 ? report.risks.map((risk) => `- ${risk.text}`) : ['None.'])];
  for (const section of SECTIONS) {
    const changes = report.changes.filter((change) => change.section === section);
    if (changes.length > 0) lines.push('', `### ${TITLES[section]}`, ...sectionLines(changes));
  }
  const { added, removed, changed } = report.objects;
  lines.push('', '### Objects', `${added.length} added, ${removed.length} removed, ${changed.length} changed`);
  for (const { key, component } of added) lines.push(`- Added: ${key} (${component})`);
  for (const { key, component } of removed) lines.push(`- Removed: ${key} (${component})`);
  for (const { key, component, fields } of changed)
    lines.push(`- Changed: ${key} (${component})`, ...fields.map((field) => `  - ${code(field)}`));
  const files = report.configFiles;
  if (files.added.length + files.removed.length + files.changed.length > 0) {
    lines.push('', '### Config files');
    for (const path of files.added) lines.push(`- Added: ${path}`);
    for (const path of files.removed) lines.push(`- Removed: ${path}`);
    for (const { path, lines: count } of files.changed) lines.push(`- Changed: ${path} (${count} lines)`);
  }
  return lines;
}

export function environmentMarkdown(report: EnvironmentReport): string {
  return [`## Preview: ${report.environment}`, '', ...environmentBody(report), ''].join('\n');
}

/** Most exposed environment first: prod, staging, dev; others after, by name. */
export function orderEnvironments(names: readonly string[]): string[] {
  const rank = (name: string) => {
    const index = (ENVIRONMENT_NAMES as readonly string[]).indexOf(name);
    return index < 0 ? -1 : index;
  };
  return [...names].sort((a, b) => rank(b) - rank(a) || a.localeCompare(b));
}

/** Identical lines of several environments become one line naming them all. */
function merge<T extends { readonly text: string }>(
  reports: readonly EnvironmentReport[],
  pick: (report: EnvironmentReport) => readonly T[],
  key: (item: T) => string,
) {
  const merged = new Map<string, { item: T; environments: string[] }>();
  for (const report of reports) {
    for (const item of pick(report)) {
      const entry = merged.get(key(item)) ?? { item, environments: [] };
      entry.environments.push(report.environment);
      merged.set(key(item), entry);
    }
  }
  return [...merged.values()].map(({ item, environments }) => ({ item, suffix: ` (${orderEnvironments(environments).join(', ')})` }));
}

export function summaryMarkdown(reports: readonly EnvironmentReport[], title: string): string {
  const ordered = orderEnvironments(reports.map((r) => r.environment)).map((name) => reports.find((r) => r.environment === name)!);
  const risks = merge(
    ordered,
    (r) => r.risks,
    (risk) => risk.text,
  );
  const lines = [
    `## ${title}`,
    '',
    '### Risks',
    ...(risks.length > 0 ? risks.map(({ item, suffix }) => `- ${item.text}${suffix}`) : ['No risky changes.']),
  ];
  const changes = merge(
    ordered,
    (r) => r.changes,
    (c) => `${c.section}\u0000${c.group ?? ''}\u0000${c.text}`,
  );
  for (const section of SECTIONS) {
    const inSection = changes.filter(({ item }) => item.section === section);
    if (inSection.length === 0) continue;
    const suffixes = new Map(inSection.map(({ item, suffix }) => [item, suffix]));
    // Group dashboard lines by uid even when environments list them in different orders.
    const items = inSection.map(({ item }) => item).sort((a, b) => (a.group ?? '').localeCompare(b.group ?? ''));
    lines.push('', `### ${TITLES[section]}`, ...sectionLines(items, (item) => suffixes.get(item)!));
  }
  lines.push('', '### Objects', '| Environment | Added | Removed | Changed |', '| --- | --- | --- | --- |');
  for (const { environment, objects } of ordered)
    lines.push(`| ${environment} | ${objects.added.length} | ${objects.removed.length} | ${objects.changed.length} |`);
  let text = lines.join('\n') + '\n';
  for (const report of ordered) {
    const details = [
      '',
      '<details>',
      `<summary>${report.environment}: full report</summary>`,
      '',
      ...environmentBody(report),
      '',
      '</details>',
      '',
    ].join('\n');
    if (text.length + details.length > MAX_SUMMARY_CHARS) {
      text += `\n${report.environment}: full report too long for a comment; see ${report.environment}.md.\n`;
      continue;
    }
    text += details;
  }
  return text;
}
