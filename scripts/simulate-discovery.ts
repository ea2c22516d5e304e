import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { SERVICE_ACCOUNT_DIR } from '../constructs/config-files/scrape-jobs';

/** A file_sd target group: what Kubernetes discovery would have produced, `__meta_kubernetes_*` labels included. */
export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

export interface SimulationOptions {
  /** Where `<job>.json` target files live; jobs without given targets get an empty file. */
  readonly dir: string;
  readonly targets?: Readonly<Record<string, readonly TargetGroup[]>>;
}

interface ScrapeConfig {
  job_name: string;
  kubernetes_sd_configs?: unknown;
  file_sd_configs?: unknown;
  authorization?: { credentials_file?: string };
}

/**
 * Debian's Prometheus 2.42 is built without Kubernetes discovery and rejects `kubernetes_sd_configs`.
 * This swaps each such block for a `file_sd_configs` block reading `<dir>/<job>.json`, keeping every
 * relabel rule untouched, and points service-account credential files at placeholders in `dir`
 * (promtool checks that they exist). Returns the rewritten prometheus.yml text.
 */
export function simulateKubernetesDiscovery(configText: string, options: SimulationOptions): string {
  const config = parse(configText) as { scrape_configs: ScrapeConfig[] };
  mkdirSync(join(options.dir, 'serviceaccount'), { recursive: true });
  writeFileSync(join(options.dir, 'serviceaccount', 'token'), 'placeholder-not-a-credential\n');
  for (const job of config.scrape_configs) {
    if (job.kubernetes_sd_configs === undefined) continue;
    const file = join(options.dir, `${job.job_name}.json`);
    writeFileSync(file, JSON.stringify(options.targets?.[job.job_name] ?? []));
    delete job.kubernetes_sd_configs;
    job.file_sd_configs = [{ files: [file], refresh_interval: '1s' }];
    const credentials = job.authorization?.credentials_file;
    if (credentials?.startsWith(SERVICE_ACCOUNT_DIR)) {
      job.authorization!.credentials_file = join(options.dir, 'serviceaccount', credentials.slice(SERVICE_ACCOUNT_DIR.length + 1));
    }
  }
  return stringify(config, { lineWidth: 0 });
}

/**
 * Copies `configDir` (prometheus.yml and rules/) into `dir` with discovery simulated, so promtool can
 * check it as a whole. Returns the path of the copied prometheus.yml and both texts.
 */
export function checkableCopy(configDir: string, dir: string): { path: string; original: string; simulated: string } {
  cpSync(join(configDir, 'rules'), join(dir, 'rules'), { recursive: true });
  const original = readFileSync(join(configDir, 'prometheus.yml'), 'utf8');
  const simulated = simulateKubernetesDiscovery(original, { dir: join(dir, 'sd') });
  const path = join(dir, 'prometheus.yml');
  writeFileSync(path, simulated);
  return { path, original, simulated };
}
