// Persistent storage: the size of every claim (standalone or a StatefulSet's template), and changes to
// a StatefulSet's volumeClaimTemplates, which Kubernetes refuses to apply in place.
import { isDeepStrictEqual } from 'node:util';
import { arrayAt, at, isRecord, objectsOfKind } from './objects';
import { compareMeasures, quantityBytes, unreadableRisk } from './quantities';
import { diffPaths } from './tree-diff';
import type { ObjectIndex, ObjectKey, Risk } from './types';

interface Claim {
  /** The requested storage as written, `(none)` when missing. */
  readonly size: string;
  /** The StatefulSet whose template this claim is, if any. */
  readonly statefulSet?: ObjectKey;
}

const storageOf = (claimOrTemplate: unknown) => {
  const size = at(claimOrTemplate, 'spec', 'resources', 'requests', 'storage');
  return size === undefined ? '(none)' : String(size);
};

/** Every claim by label: `PVC ns/name` and `StatefulSet ns/name volumeClaimTemplate x`. */
function claimsOf(index: ObjectIndex): Map<string, Claim> {
  const claims = new Map<string, Claim>();
  for (const [key, { object }] of index) {
    const where = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    if (object.kind === 'PersistentVolumeClaim') claims.set(`PVC ${where}`, { size: storageOf(object) });
    if (object.kind === 'StatefulSet') {
      for (const template of arrayAt(object, 'spec', 'volumeClaimTemplates'))
        claims.set(`StatefulSet ${where} volumeClaimTemplate ${String(at(template, 'metadata', 'name'))}`, {
          size: storageOf(template),
          statefulSet: key,
        });
    }
  }
  return new Map([...claims].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Claim sizes into `changes`, shrinks, deletions and unreadable sizes into `risks`. Templates of a
 * StatefulSet kept on both sides are left to compareClaimTemplates, so one change is one risk.
 */
export function compareClaims(base: ObjectIndex, head: ObjectIndex, changes: string[], risks: Risk[]): void {
  const [before, after] = [claimsOf(base), claimsOf(head)];
  for (const [label, { size, statefulSet }] of before) {
    const now = after.get(label)?.size;
    const templateKept = statefulSet !== undefined && head.get(statefulSet)?.object.kind === 'StatefulSet';
    if (now === undefined) {
      changes.push(`${label}: removed (was ${size})`);
      if (!templateKept) risks.push({ kind: 'storage-deleted', text: `Storage deleted: ${label} (${size})` });
    } else if (now !== size) {
      const change = `${label} storage ${size} → ${now}`;
      changes.push(`${label}: storage ${size} → ${now}`);
      const { smaller, unreadable } = compareMeasures(size, now, quantityBytes);
      if (templateKept) continue;
      if (unreadable.length > 0) risks.push(unreadableRisk(change, unreadable, 'a Kubernetes quantity', 'a shrink'));
      else if (smaller) risks.push({ kind: 'storage-shrunk', text: `Storage shrunk: ${label} ${size} → ${now}` });
    }
  }
  for (const [label, { size }] of after) if (!before.has(label)) changes.push(`${label}: added (${size})`);
}

const MAX_TEMPLATE_DETAILS = 4;

/** What changed in one template, paths shortened: `data: storage 100Gi → 50Gi (smaller)`, `data: storageClassName gp3 → gp2`. */
function templateDetails(name: string, base: unknown, head: unknown): string[] {
  if (base === undefined) return [`${name} added`];
  if (head === undefined) return [`${name} removed`];
  return diffPaths(base, head).map((line) => {
    const short = line
      .replace(/^spec\.resources\.requests\.storage:/, 'storage:')
      .replace(/^spec\./, '')
      .replace(': ', ' ');
    // Only a size changed on both sides has a direction; an added or removed request is shown as is.
    if (!short.startsWith('storage ') || storageOf(base) === '(none)' || storageOf(head) === '(none)') return `${name}: ${short}`;
    const { smaller, unreadable } = compareMeasures(storageOf(base), storageOf(head), quantityBytes);
    const direction = unreadable.length > 0 ? 'cannot be read; compare by hand' : smaller ? 'smaller' : 'larger';
    return `${name}: ${short} (${direction})`;
  });
}

const templatesByName = (statefulSet: unknown) =>
  new Map(
    arrayAt(statefulSet, 'spec', 'volumeClaimTemplates')
      .filter(isRecord)
      .map((template) => [String(at(template, 'metadata', 'name')), template]),
  );

/**
 * One risk per StatefulSet kept on both sides whose volumeClaimTemplates changed in any way: the API
 * server rejects the update, so the set has to be deleted and recreated, and existing claims stay as they are.
 */
export function compareClaimTemplates(base: ObjectIndex, head: ObjectIndex, risks: Risk[]): void {
  const after = objectsOfKind(head, ['StatefulSet']);
  for (const [key, old] of objectsOfKind(base, ['StatefulSet'])) {
    const now = after.get(key);
    if (!now) continue;
    const [a, b] = [at(old, 'spec', 'volumeClaimTemplates'), at(now, 'spec', 'volumeClaimTemplates')];
    if (isDeepStrictEqual(a, b)) continue;
    const [oldTemplates, newTemplates] = [templatesByName(old), templatesByName(now)];
    const names = [...new Set([...oldTemplates.keys(), ...newTemplates.keys()])].sort();
    const details = names.flatMap((name) => templateDetails(name, oldTemplates.get(name), newTemplates.get(name)));
    if (details.length === 0) details.push('templates reordered');
    const shown =
      details.length > MAX_TEMPLATE_DETAILS
        ? [...details.slice(0, MAX_TEMPLATE_DETAILS), `${details.length - MAX_TEMPLATE_DETAILS} more`]
        : details;
    risks.push({
      kind: 'claim-templates-changed',
      text:
        `${key}: volumeClaimTemplates changed (${shown.join('; ')}). Kubernetes refuses to update this field: ` +
        'the apply fails until the StatefulSet is deleted and recreated (kubectl delete --cascade=orphan keeps its pods and claims), ' +
        'and existing claims keep their old size, class and access modes',
    });
  }
}
