// Workload resources a reviewer checks first: GPUs per container, replicas, autoscaler bounds and image tags.
import { arrayAt, at, isRecord, objectsOfKind, podSpecOf } from './objects';
import type { KubeObject, ObjectIndex, SemanticChange } from './types';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job'];
const GPU = 'nvidia.com/gpu';

function containersOf(object: KubeObject): Map<string, Record<string, unknown>> {
  const spec = podSpecOf(object);
  const all = [...arrayAt(spec, 'initContainers'), ...arrayAt(spec, 'containers')].filter(isRecord);
  return new Map(all.map((container) => [String(container.name), container]));
}

/** `repository:tag` split at the last colon after the last slash (a registry port is not a tag). */
function splitImage(image: string): { repository: string; tag: string } {
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/')
    ? { repository: image.slice(0, colon), tag: image.slice(colon + 1) }
    : { repository: image, tag: '(none)' };
}

const shown = (value: unknown) => (value === undefined ? '(none)' : String(value));

function compareContainers(name: string, base: KubeObject, head: KubeObject, out: string[]) {
  const [before, after] = [containersOf(base), containersOf(head)];
  // A workload with one container, or a container named like its workload, is named by the workload alone.
  const label = (container: string) => (container === name || (before.size <= 1 && after.size <= 1) ? name : `${name}/${container}`);
  for (const container of before.keys()) if (!after.has(container)) out.push(`${name}: container ${container} removed`);
  for (const container of after.keys()) if (!before.has(container)) out.push(`${name}: container ${container} added`);
  for (const [container, old] of before) {
    const now = after.get(container);
    if (!now) continue;
    const [oldGpus, newGpus] = [at(old, 'resources', 'limits', GPU), at(now, 'resources', 'limits', GPU)];
    if (oldGpus !== newGpus) out.push(`${label(container)}: ${GPU} ${shown(oldGpus)} → ${shown(newGpus)}`);
    if (old.image !== now.image) {
      const [a, b] = [splitImage(String(old.image)), splitImage(String(now.image))];
      out.push(
        a.repository === b.repository
          ? `${label(container)}: image tag ${a.tag} → ${b.tag}`
          : `${label(container)}: image ${shown(old.image)} → ${shown(now.image)}`,
      );
    }
  }
}

const bounds = (hpa: KubeObject) => `${shown(at(hpa, 'spec', 'minReplicas'))}–${shown(at(hpa, 'spec', 'maxReplicas'))}`;

export function compareWorkloads(base: ObjectIndex, head: ObjectIndex) {
  const lines: string[] = [];
  const [before, after] = [objectsOfKind(base, WORKLOAD_KINDS), objectsOfKind(head, WORKLOAD_KINDS)];
  for (const [key, old] of before) {
    const now = after.get(key);
    const name = old.metadata.name;
    if (!now) {
      lines.push(`Workload removed: ${key}`);
      continue;
    }
    const [oldReplicas, newReplicas] = [at(old, 'spec', 'replicas'), at(now, 'spec', 'replicas')];
    if (oldReplicas !== newReplicas) lines.push(`${name}: replicas ${shown(oldReplicas)} → ${shown(newReplicas)}`);
    compareContainers(name, old, now, lines);
  }
  for (const [key, now] of after) {
    if (before.has(key)) continue;
    const gpus = [...containersOf(now).values()].map((c) => Number(at(c, 'resources', 'limits', GPU) ?? 0)).reduce((a, b) => a + b, 0);
    lines.push(`Workload added: ${key}${gpus > 0 ? ` (${GPU} ${gpus} per pod)` : ''}`);
  }
  const [oldHpas, newHpas] = [objectsOfKind(base, ['HorizontalPodAutoscaler']), objectsOfKind(head, ['HorizontalPodAutoscaler'])];
  for (const [key, now] of newHpas) {
    const old = oldHpas.get(key);
    if (old && bounds(old) !== bounds(now)) lines.push(`${now.metadata.name}: autoscaler replicas ${bounds(old)} → ${bounds(now)}`);
  }
  return { changes: lines.map((text): SemanticChange => ({ section: 'workloads', text })), risks: [] };
}
