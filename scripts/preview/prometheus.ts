// Prometheus retention (the TSDB flags of every container that sets them), persistent storage
// (claim sizes and StatefulSet claim templates, see storage.ts) and scrape jobs per Prometheus config.
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { arrayAt, at, isRecord, objectsOfKind, podSpecOf } from './objects';
import { compareMeasures, durationSeconds, sizeBytes, unreadableRisk } from './quantities';
import { compareClaims, compareClaimTemplates } from './storage';
import { WORKLOAD_KINDS } from './workloads';
import type { ObjectIndex, Risk, SemanticChange } from './types';

const RETENTION_FLAGS = ['--storage.tsdb.retention.time', '--storage.tsdb.retention.size'] as const;
/** Prometheus keeps 15 days when no retention flag is given; no size flag means no size limit. */
const DEFAULT_RETENTION_SECONDS = 15 * 86400;
const DEFAULT = '(default)';

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
      const line = `${name}: ${short} ${a ?? DEFAULT} → ${b ?? DEFAULT}`;
      changes.push(line);
      const time = flag.endsWith('time');
      const measure = time
        ? (v: string) => (v === DEFAULT ? DEFAULT_RETENTION_SECONDS : durationSeconds(v))
        : (v: string) => (v === DEFAULT ? Infinity : sizeBytes(v));
      const { smaller, unreadable } = compareMeasures(a ?? DEFAULT, b ?? DEFAULT, measure);
      if (unreadable.length > 0)
        risks.push(unreadableRisk(line, unreadable, time ? 'a Prometheus duration' : 'a Prometheus size', 'a reduction'));
      else if (smaller) risks.push({ kind: 'retention-reduced', text: `Retention reduced: ${line}` });
    }
  }
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
  compareClaimTemplates(baseIndex, headIndex, risks);
  compareScrapeConfigs(base, head, lines);
  return { changes: lines.map((text): SemanticChange => ({ section: 'prometheus', text })), risks };
}
