// Dashboards by uid, panels by title. Panel ids and grid positions are left out of the comparison:
// removing one panel renumbers and moves the others, which is not a change to review.
import { isRecord } from './objects';
import { diffPaths } from './tree-diff';
import type { SemanticChange } from './types';

/** Changed fields shown per changed panel. */
const MAX_PANEL_FIELDS = 2;

const isDashboardFile = (path: string) => /^config\/(?:.+\/)?dashboards\/[^/]+\.json$/.test(path);

/** Panels by title, rows' collapsed panels included; repeated titles get their panel type, then a counter. */
function panelsOf(dashboard: Record<string, unknown>): Map<string, Record<string, unknown>> {
  const flat: Record<string, unknown>[] = [];
  const walk = (panels: unknown) => {
    for (const panel of Array.isArray(panels) ? panels : []) {
      if (!isRecord(panel)) continue;
      flat.push(panel);
      walk(panel.panels);
    }
  };
  walk(dashboard.panels);
  const titleCount = new Map<string, number>();
  for (const panel of flat) titleCount.set(String(panel.title ?? ''), (titleCount.get(String(panel.title ?? '')) ?? 0) + 1);
  const byTitle = new Map<string, Record<string, unknown>>();
  for (const panel of flat) {
    const title = String(panel.title ?? '') || '(untitled)';
    let name = (titleCount.get(String(panel.title ?? '')) ?? 0) > 1 ? `${title} (${String(panel.type)})` : title;
    for (let n = 2; byTitle.has(name); n++) name = `${title} (${String(panel.type)} #${n})`;
    // Nested panels are compared on their own, so a row is compared without them.
    const content = { ...panel };
    for (const field of ['id', 'gridPos', 'panels']) delete content[field];
    byTitle.set(name, content);
  }
  return byTitle;
}

function dashboardsOf(files: ReadonlyMap<string, string>): Map<string, Record<string, unknown>> {
  const byUid = new Map<string, Record<string, unknown>>();
  for (const [path, content] of files) {
    if (!isDashboardFile(path)) continue;
    const dashboard = JSON.parse(content) as Record<string, unknown>;
    byUid.set(typeof dashboard.uid === 'string' ? dashboard.uid : path.replace(/^.*\/|\.json$/g, ''), dashboard);
  }
  return new Map([...byUid].sort(([a], [b]) => a.localeCompare(b)));
}

export function compareDashboards(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>) {
  const [before, after] = [dashboardsOf(base), dashboardsOf(head)];
  const changes: SemanticChange[] = [];
  const add = (group: string, text: string) => changes.push({ section: 'dashboards', group, text });
  for (const uid of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const [old, now] = [before.get(uid), after.get(uid)];
    if (!old) add(uid, `Dashboard added: ${String(now!.title)} (${panelsOf(now!).size} panels)`);
    else if (!now) add(uid, `Dashboard removed: ${String(old.title)}`);
    else {
      const [oldPanels, newPanels] = [panelsOf(old), panelsOf(now)];
      for (const title of oldPanels.keys()) if (!newPanels.has(title)) add(uid, `Panel removed: ${title}`);
      for (const title of newPanels.keys()) if (!oldPanels.has(title)) add(uid, `Panel added: ${title}`);
      for (const [title, panel] of oldPanels) {
        const next = newPanels.get(title);
        if (!next) continue;
        const fields = diffPaths(panel, next);
        if (fields.length === 0) continue;
        const more = fields.length > MAX_PANEL_FIELDS ? `; … ${fields.length - MAX_PANEL_FIELDS} more` : '';
        add(uid, `Panel changed: ${title} (${fields.slice(0, MAX_PANEL_FIELDS).join('; ')}${more})`);
      }
    }
  }
  return { changes, risks: [] };
}
