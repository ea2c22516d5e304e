// Prometheus retention (the TSDB flags of every container that sets them) and the size of every
// persistent volume claim, standalone or a StatefulSet's template; plus scrape jobs per Prometheus config.
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { durationSeconds as configDurationSeconds } from '../../config/quantities';
import { arrayAt, at, isRecord, objectsOfKind, podSpecOf } from './objects';
import { WORKLOAD_KINDS } from './workloads';
import type { ObjectIndex, Risk, SemanticChange } from './types';

const RETENTION_FLAGS = ['--storage.tsdb.retention.time', '--storage.tsdb.retention.size'] as const;
/** Prometheus keeps 15 days when no retention flag is given; no size flag means no size limit. */
const DEFAULT_RETENTION_SECONDS = 15 * 86400;

const SIZE_UNITS: Record<string, number> = { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40, PB: 2 ** 50, EB: 2 ** 60 };
const QUANTITY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** Prometheus durations (`30d`, `1d12h`), in seconds; NaN when unreadable (the config's converter trusts its input). */
export function durationSeconds(text: string): number {
  return /^(\d+(ms|s|m|h|d|w|y))+$/.test(text) ? configDurationSeconds(text) : NaN;
}

/** Prometheus sizes (`81920MB`, powers of 1024), in bytes; NaN when unreadable. */
export const sizeBytes = (text: string) =>
  ((m) => (m ? Number(m[1]) * SIZE_UNITS[m[2]] : NaN))(/^(\d+(?:\.\d+)?)(B|KB|MB|GB|TB|PB|EB)$/.exec(text));

/** Kubernetes quantities (`100Gi`, `5Ti`), in bytes; NaN when unreadable. */
export const quantityBytes = (text: string) =>
  ((m) => (m && m[2] in QUANTITY_UNITS ? Number(m[1]) * QUANTITY_UNITS[m[2]] : NaN))(/^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(text));

function retentionOf(index: ObjectIndex): Map<string, Map<string, string>> {
  const found = new Map<string, Map<string, string>>();
  for (const object of objectsOfKind(index, WORKLOAD_KINDS).values()) {
    const containers = arrayAt(podSpecOf(object), 'containers').filter(isRecord);
    for (const container of containers) {
      const flags = new Map<string, string>();
      for (const arg of arrayAt(container, 'args').map(String)) {
        const flag = RETENTION_FLAGS.find((name) => arg.startsWith(`${name}=`));
        if (flag) flags.set(flag, arg.slice(flag.length + 1));
      }
      const name = containers.length > 1 ? `${object.metadata.name}/${String(container.name)}` : object.metadata.name;
      if (flags.size > 0) found.set(name, flags);
    }
  }
  return found;
}

function compareRetention(base: ObjectIndex, head: ObjectIndex, changes: string[], risks: Risk[]) {
  const [before, after] = [retentionOf(base), retentionOf(head)];
  for (const [name, old] of before) {
    const now = after.get(name);
    if (!now) continue; // the workload itself went away: the workloads and storage sections say so
    for (const flag of RETENTION_FLAGS) {
      const [a, b] = [old.get(flag), now.get(flag)];
      if (a === b) continue;
      const short = flag.replace('--storage.tsdb.', '');
      const line = `${name}: ${short} ${a ?? '(default)'} → ${b ?? '(default)'}`;
      changes.push(line);
      const measure = flag.endsWith('time')
        ? (v?: string) => (v === undefined ? DEFAULT_RETENTION_SECONDS : durationSeconds(v))
        : (v?: string) => (v === undefined ? Infinity : sizeBytes(v));
      if (measure(b) < measure(a)) risks.push({ kind: 'retention-reduced', text: `Retention reduced: ${line}` });
    }
  }
}

/** Requested storage of every claim: `PVC ns/name` and `StatefulSet ns/name volumeClaimTemplate x`. */
function claimsOf(index: ObjectIndex): Map<string, string> {
  const claims = new Map<string, string>();
  for (const [, { object }] of index) {
    const where = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    if (object.kind === 'PersistentVolumeClaim') claims.set(`PVC ${where}`, String(at(object, 'spec', 'resources', 'requests', 'storage')));
    if (object.kind === 'StatefulSet') {
      for (const template of arrayAt(object, 'spec', 'volumeClaimTemplates'))
        claims.set(
          `StatefulSet ${where} volumeClaimTemplate ${String(at(template, 'metadata', 'name'))}`,
          String(at(template, 'spec', 'resources', 'requests', 'storage')),
        );
    }
  }
  return new Map([...claims].sort(([a], [b]) => a.localeCompare(b)));
}

function compareClaims(base: ObjectIndex, head: ObjectIndex, changes: string[], risks: Risk[]) {
  const [before, after] = [claimsOf(base), claimsOf(head)];
  for (const [claim, size] of before) {
    const now = after.get(claim);
    if (now === undefined) {
      changes.push(`${claim}: removed (was ${size})`);
      risks.push({ kind: 'storage-deleted', text: `Storage deleted: ${claim} (${size})` });
    } else if (now !== size) {
      changes.push(`${claim}: storage ${size} → ${now}`);
      if (quantityBytes(now) < quantityBytes(size))
        risks.push({ kind: 'storage-shrunk', text: `Storage shrunk: ${claim} ${size} → ${now}` });
    }
  }
  for (const [claim, size] of after) if (!before.has(claim)) changes.push(`${claim}: added (${size})`);
}

const isPrometheusConfig = (path: string) => /^config\/(?:[^/]+\/)?prometheus\.yml$/.test(path);

function compareScrapeConfigs(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>, changes: string[]) {
  const paths = [...new Set([...base.keys(), ...head.keys()])].filter(isPrometheusConfig).sort();
  for (const path of paths) {
    const server = path === 'config/prometheus.yml' ? 'prometheus' : path.split('/')[1];
    const [old, now] = [parse(base.get(path) ?? '{}') ?? {}, parse(head.get(path) ?? '{}') ?? {}];
    for (const field of ['scrape_interval', 'evaluation_interval']) {
      const [a, b] = [at(old, 'global', field), at(now, 'global', field)];
      if (a !== b) changes.push(`${server}: ${field} ${String(a ?? '(none)')} → ${String(b ?? '(none)')}`);
    }
    const jobs = (config: unknown) =>
      new Map(
        arrayAt(config, 'scrape_configs')
          .filter(isRecord)
          .map((job) => [String(job.job_name), job]),
      );
    const [oldJobs, newJobs] = [jobs(old), jobs(now)];
    for (const [job, settings] of oldJobs) {
      if (!newJobs.has(job)) changes.push(`${server}: scrape job removed: ${job}`);
      else if (!isDeepStrictEqual(settings, newJobs.get(job))) changes.push(`${server}: scrape job changed: ${job}`);
    }
    for (const job of newJobs.keys()) if (!oldJobs.has(job)) changes.push(`${server}: scrape job added: ${job}`);
  }
}

export function comparePrometheus(
  base: ReadonlyMap<string, string>,
  head: ReadonlyMap<string, string>,
  baseIndex: ObjectIndex,
  headIndex: ObjectIndex,
) {
  const lines: string[] = [];
  const risks: Risk[] = [];
  compareRetention(baseIndex, headIndex, lines, risks);
  compareClaims(baseIndex, headIndex, lines, risks);
  compareScrapeConfigs(base, head, lines);
  return { changes: lines.map((text): SemanticChange => ({ section: 'prometheus', text })), risks };
}
