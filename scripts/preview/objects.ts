import { parseAllDocuments } from 'yaml';
import { podTemplateOf } from '../../constructs/k8s/pod-template';
import type { KubeObject, ObjectIndex, ObjectKey } from './types';

export const objectKey = (o: KubeObject): ObjectKey =>
  o.metadata.namespace ? `${o.kind} ${o.metadata.namespace}/${o.metadata.name}` : `${o.kind} ${o.metadata.name}`;

/** Manifests are the top-level `<component>.yaml` files; everything under config/ is a config file. */
export const isManifest = (path: string) => !path.includes('/') && path.endsWith('.yaml');

/** Indexes every object of every manifest; a duplicate key is an error, since the diff could not pair it. */
export function indexObjects(files: ReadonlyMap<string, string>): ObjectIndex {
  const index = new Map<ObjectKey, { component: string; object: KubeObject }>();
  for (const [path, content] of files) {
    if (!isManifest(path)) continue;
    const component = path.slice(0, -'.yaml'.length);
    for (const doc of parseAllDocuments(content)) {
      if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0].message}`);
      const object = doc.toJS() as KubeObject | null;
      if (!object) continue;
      const key = objectKey(object);
      if (index.has(key)) throw new Error(`${path}: ${key} appears twice (also in ${index.get(key)!.component}.yaml)`);
      index.set(key, { component, object });
    }
  }
  return index;
}

/** Objects of the given kinds, sorted by key, for sections that pair base and head objects. */
export function objectsOfKind(index: ObjectIndex, kinds: readonly string[]): Map<ObjectKey, KubeObject> {
  const found = [...index].filter(([, { object }]) => kinds.includes(object.kind)).sort(([a], [b]) => a.localeCompare(b));
  return new Map(found.map(([key, { object }]) => [key, object]));
}

/** The pod template spec of a workload object (CronJob nests it one level deeper). */
export function podSpecOf(object: KubeObject): Record<string, unknown> | undefined {
  const spec = podTemplateOf(object)?.spec;
  return isRecord(spec) ? spec : undefined;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at `keys` below `value`, or undefined where any step is missing. */
export function at(value: unknown, ...keys: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of keys) {
    if (Array.isArray(current) && typeof key === 'number') current = current[key];
    else if (isRecord(current)) current = current[key];
    else return undefined;
  }
  return current;
}

export const arrayAt = (value: unknown, ...keys: readonly (string | number)[]): unknown[] => {
  const found = at(value, ...keys);
  return Array.isArray(found) ? found : [];
};
