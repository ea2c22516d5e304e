// Secret references (volume secretName, env secretKeyRef, envFrom secretRef, projected secrets) of
// objects present on both sides, and the exit code `--fail-on-risk` gives for a set of reports.
import { isRecord } from './objects';
import type { EnvironmentReport, ObjectIndex, Risk } from './types';

/** Where each Secret reference sits (arrays by element name) and what it points at (`secret` or `secret/key`). */
function secretRefsOf(value: unknown, path: string, out: Map<string, string>): void {
  if (Array.isArray(value)) {
    value.forEach((element, i) => {
      const name = isRecord(element) && typeof element.name === 'string' ? element.name : String(i);
      secretRefsOf(element, `${path}[${name}]`, out);
    });
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key === 'secretName' && typeof child === 'string') out.set(here, child);
    else if ((key === 'secretKeyRef' || key === 'secretRef' || (key === 'secret' && path.includes('sources'))) && isRecord(child))
      out.set(here, child.key === undefined ? String(child.name) : `${String(child.name)}/${String(child.key)}`);
    else secretRefsOf(child, here, out);
  }
}

/** Pod-template prefixes say nothing a reviewer needs; the container and env names stay. */
const shortPath = (path: string) => path.replace(/^spec\.(?:jobTemplate\.spec\.)?template\.spec\./, '');

export function compareSecretRefs(base: ObjectIndex, head: ObjectIndex): Risk[] {
  const risks: Risk[] = [];
  for (const [key, { object }] of base) {
    const next = head.get(key);
    if (!next) continue;
    const [old, now] = [new Map<string, string>(), new Map<string, string>()];
    secretRefsOf(object, '', old);
    secretRefsOf(next.object, '', now);
    for (const path of [...new Set([...old.keys(), ...now.keys()])].sort()) {
      const [a, b] = [old.get(path), now.get(path)];
      if (a !== b)
        risks.push({
          kind: 'secret-ref-changed',
          text: `Secret reference changed: ${key} ${shortPath(path)}: ${a ?? '(none)'} → ${b ?? '(none)'}`,
        });
    }
  }
  return risks;
}

/** 2 when `--fail-on-risk` is given and any environment has a risk; 0 otherwise (errors exit 1 elsewhere). */
export function exitCodeFor(reports: readonly EnvironmentReport[], failOnRisk: boolean): 0 | 2 {
  return failOnRisk && reports.some((report) => report.risks.length > 0) ? 2 : 0;
}
