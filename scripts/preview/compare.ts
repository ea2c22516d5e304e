// The pure core: two renderings of one environment (path → content, as renderEnvironment gives
// them or as synth writes them) in, one report out. No git, no file system.
import { compareAlerts } from './alerts';
import { compareDashboards } from './dashboards';
import { indexObjects, isManifest } from './objects';
import { comparePrometheus } from './prometheus';
import { compareSecretRefs } from './risks';
import { compareRouting } from './routing';
import { changedLineCount, diffObject } from './tree-diff';
import type { ChangedObject, EnvironmentReport, FileChange } from './types';
import { compareWorkloads } from './workloads';

type Files = ReadonlyMap<string, string>;

function compareConfigFiles(base: Files, head: Files): EnvironmentReport['configFiles'] {
  const config = (files: Files) => [...files.keys()].filter((path) => !isManifest(path)).sort();
  const changed: FileChange[] = config(base)
    .filter((path) => head.has(path) && head.get(path) !== base.get(path))
    .map((path) => ({ path, lines: changedLineCount(base.get(path)!, head.get(path)!) }));
  return {
    added: config(head).filter((path) => !base.has(path)),
    removed: config(base).filter((path) => !head.has(path)),
    changed,
  };
}

export function compareEnvironment(environment: string, base: Files, head: Files): EnvironmentReport {
  const [before, after] = [indexObjects(base), indexObjects(head)];
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changed: ChangedObject[] = [];
  for (const key of keys) {
    const [old, now] = [before.get(key), after.get(key)];
    if (!old || !now) continue;
    const fields = diffObject(old.object, now.object);
    if (fields.length > 0) changed.push({ key, component: now.component, fields });
  }
  const sections = [
    compareAlerts(base, head),
    compareRouting(base, head),
    compareDashboards(base, head),
    compareWorkloads(before, after),
    comparePrometheus(base, head, before, after),
  ];
  return {
    environment,
    objects: {
      added: keys.filter((key) => !before.has(key)).map((key) => ({ key, component: after.get(key)!.component })),
      removed: keys.filter((key) => !after.has(key)).map((key) => ({ key, component: before.get(key)!.component })),
      changed,
    },
    configFiles: compareConfigFiles(base, head),
    changes: sections.flatMap((section) => section.changes),
    risks: [...sections.flatMap((section) => section.risks), ...compareSecretRefs(before, after)],
  };
}
