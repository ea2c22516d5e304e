// Base and head renderings for the preview tests. Heads either come from changed inputs or
// thresholds (rendered by the real code) or from edited files: the preview reads files, so editing
// a rendered file is the same change as far as it can tell.
import { parseAllDocuments, parseDocument, stringify } from 'yaml';
import { ENVIRONMENT_NAMES, loadEnvironments } from '../../config';
import { renderEnvironment } from '../../constructs/assembly/render';
import type * as THRESHOLDS from '../../rules/thresholds';

export type Rendering = Map<string, Map<string, string>>;
type Thresholds = typeof THRESHOLDS;

/** Every environment rendered in memory, as synth would write it. */
export function renderAll(inputs?: Readonly<Record<string, unknown>>, names: readonly string[] = ENVIRONMENT_NAMES): Rendering {
  return new Map(loadEnvironments(names, inputs).map((env) => [env.name, renderEnvironment(env)]));
}

/** Every environment rendered from fresh modules after `change` edited the fresh thresholds module. */
export function renderWithThresholds(change: (thresholds: Thresholds) => void): Rendering {
  let rendering: Rendering | undefined;
  jest.isolateModules(() => {
    change(jest.requireActual<Thresholds>('../../rules/thresholds'));
    const config = jest.requireActual<typeof import('../../config')>('../../config');
    const render = jest.requireActual<typeof import('../../constructs/assembly/render')>('../../constructs/assembly/render');
    rendering = new Map(config.loadEnvironments().map((env) => [env.name, render.renderEnvironment(env)]));
  });
  return rendering!;
}

/** A copy of `rendering` with `edit` applied to every environment's files. */
export function editEach(rendering: Rendering, edit: (files: Map<string, string>, env: string) => void): Rendering {
  return new Map(
    [...rendering].map(([env, files]) => {
      const copy = new Map(files);
      edit(copy, env);
      return [env, copy];
    }),
  );
}

const isRuleFile = (path: string) => path.startsWith('config/') && /\/rules\/[^/]+\.yml$/.test(path);

/** Applies `edit` to every alert rule named `alert` in the rule files, keeping the files' other bytes. */
export function editAlert(files: Map<string, string>, alert: string, edit: 'remove' | ((rule: Record<string, unknown>) => void)): number {
  let found = 0;
  for (const [path, content] of files) {
    if (!isRuleFile(path)) continue;
    const doc = parseDocument(content);
    const groups = (doc.toJS() as { groups: Array<{ rules: Array<Record<string, unknown>> }> }).groups;
    groups.forEach((group, g) => {
      // Backwards, so removing a rule does not shift the index of the next one to visit.
      for (let r = group.rules.length - 1; r >= 0; r--) {
        if (group.rules[r].alert !== alert) continue;
        found++;
        if (edit === 'remove') doc.deleteIn(['groups', g, 'rules', r]);
        else {
          const rule = group.rules[r];
          edit(rule);
          doc.setIn(['groups', g, 'rules', r], doc.createNode(rule));
        }
      }
    });
    files.set(path, doc.toString({ lineWidth: 0 }));
  }
  return found;
}

interface Panel {
  id?: number;
  title?: string;
  panels?: Panel[];
}

/** Removes the panel titled `title` from dashboard `uid` and renumbers the rest, as Grafana would on save. */
export function removePanel(files: Map<string, string>, uid: string, title: string): void {
  const path = `config/dashboards/${uid}.json`;
  const dashboard = JSON.parse(files.get(path)!) as { panels: Panel[] };
  const before = JSON.stringify(dashboard).length;
  const strip = (panels: Panel[]): Panel[] =>
    panels.filter((p) => p.title !== title).map((p) => (p.panels ? { ...p, panels: strip(p.panels) } : p));
  dashboard.panels = strip(dashboard.panels);
  if (JSON.stringify(dashboard).length === before) throw new Error(`${uid} has no panel "${title}"`);
  let id = 1;
  const renumber = (panels: Panel[]) => panels.forEach((p) => ((p.id = id++), renumber(p.panels ?? [])));
  renumber(dashboard.panels);
  files.set(path, `${JSON.stringify(dashboard, null, 2)}\n`);
}

/** Edits (or with `remove`, deletes) the object `kind name` of one manifest, re-serializing that manifest. */
export function editObject(
  files: Map<string, string>,
  manifest: string,
  kind: string,
  name: string,
  edit: 'remove' | ((object: Record<string, any>) => void), // eslint-disable-line @typescript-eslint/no-explicit-any
): void {
  const objects = parseAllDocuments(files.get(manifest)!).map((doc) => doc.toJS() as { kind: string; metadata: { name: string } });
  const index = objects.findIndex((o) => o.kind === kind && o.metadata.name === name);
  if (index < 0) throw new Error(`${manifest} has no ${kind} ${name}`);
  if (edit === 'remove') objects.splice(index, 1);
  else edit(objects[index]);
  files.set(manifest, objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
}
