// Two member Prometheus servers and a global one on 127.0.0.1, run from the synthesized configs: the
// members with Kubernetes discovery swapped for one synthetic exporter, the global one federating them.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { JOBS } from '../../contracts/jobs';
import { simulateKubernetesDiscovery } from '../../scripts/simulate-discovery';
import { withTestScrapeInterval } from './alerting';
import { freePort, type StartedProcess } from './processes';
import { discoveredPod, startPrometheus } from './prometheus-server';
import { removeDir, synthToTemp, tempDir } from './synth-tmp';

interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  scrape_timeout?: string;
  metrics_path?: string;
  static_configs?: Array<{ targets: string[]; labels?: Record<string, string> }>;
}
interface PrometheusYml {
  global: Record<string, unknown> & { external_labels: Record<string, string> };
  alerting?: unknown;
  rule_files?: string[];
  scrape_configs: ScrapeConfig[];
}

/** The metric the Mage worker pod serves; its job must reach the global Prometheus. */
export const MAGE_COUNTER = 'mage_episodes_completed_total';
/** What the unrelated pod serves, under job="other" which no federation matcher selects. */
export const OTHER_SERIES = 'other_queue_length';
const OTHER_PATH = '/other/metrics';
/** One GPU's framebuffer fields, in MiB, as DCGM exporter serves them: used 1000 of 4000. */
const GPU_FIELDS = 'DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-0"} 1000\nDCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-0"} 3000\n';
const GPU_PATH = '/dcgm/metrics';

/**
 * Test-only: Kubernetes discovery of the member config becomes file_sd with the synthetic exporter as
 * the only target, seen as two annotated pods so the real relabelling names their jobs after the `app`
 * label: a Mage worker (app=mage-worker) and an unrelated pod (app=other, its own metrics path); and
 * as the DCGM exporter's endpoint, so the members record per-GPU and per-node series from raw GPU fields.
 */
export function withStaticExporterTargets(memberYml: string, options: { readonly dir: string; readonly exporter: string }): string {
  const port = options.exporter.split(':')[1];
  const pod = (name: string, app: string, path: string) => ({
    targets: [options.exporter],
    labels: discoveredPod({
      __meta_kubernetes_namespace: 'mage',
      __meta_kubernetes_pod_name: name,
      __meta_kubernetes_pod_node_name: 'node-a',
      __meta_kubernetes_pod_container_name: app,
      __meta_kubernetes_pod_container_port_number: port,
      __meta_kubernetes_pod_label_app: app,
      __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
      __meta_kubernetes_pod_annotation_prometheus_io_port: port,
      __meta_kubernetes_pod_annotation_prometheus_io_path: path,
    }),
  });
  const gpuExporter = {
    targets: [options.exporter],
    labels: discoveredPod({
      __meta_kubernetes_namespace: 'monitoring',
      __meta_kubernetes_service_name: JOBS.dcgmExporter,
      __meta_kubernetes_endpointslice_port_name: 'metrics',
      __meta_kubernetes_pod_name: 'dcgm-exporter-a',
      __meta_kubernetes_pod_node_name: 'node-a',
      // The job keeps a path given by discovery; the real exporter serves /metrics on its own port.
      __metrics_path__: GPU_PATH,
    }),
  };
  return simulateKubernetesDiscovery(memberYml, {
    dir: options.dir,
    targets: {
      'kubernetes-pods': [pod('mage-worker-0', 'mage-worker', '/metrics'), pod('other-0', 'other', OTHER_PATH)],
      [JOBS.dcgmExporter]: [gpuExporter],
    },
  });
}

/**
 * Test-only: a member that keeps its rule files (its recording rules are what federation carries)
 * but sends no alerts: its Alertmanager addresses resolve only inside the cluster, and every send
 * would fail and fill the output this test shows when it fails.
 */
export function withoutAlerting(memberYml: string): string {
  const config = parse(memberYml) as PrometheusYml;
  delete config.alerting;
  if (!config.rule_files?.length) throw new Error('the generated member config loads no rule files');
  return stringify(config, { lineWidth: 0 });
}

/** Test-only: scrape and evaluate every second, the jobs with their own interval (federation's 15 s) included. */
export function withTestIntervals(prometheusYml: string): string {
  const config = parse(withTestScrapeInterval(prometheusYml)) as PrometheusYml;
  for (const job of config.scrape_configs) {
    if (job.scrape_interval) job.scrape_interval = '1s';
    // A timeout longer than the interval is a config error.
    if (job.scrape_timeout) job.scrape_timeout = '1s';
  }
  return stringify(config, { lineWidth: 0 });
}

/**
 * Test-only: in the federation jobs (metrics_path /federate), each target labelled `cluster: <name>`
 * moves to `addresses[name]`; targets of clusters the test does not start are removed (they would be
 * down from the start), and so are federation jobs left without any. Every other field stays.
 */
export function withLoopbackFederationTargets(globalYml: string, addresses: Readonly<Record<string, string>>): string {
  const config = parse(globalYml) as PrometheusYml;
  const found = new Set<string>();
  const federation = config.scrape_configs.filter((job) => job.metrics_path === '/federate');
  for (const job of federation) {
    job.static_configs = (job.static_configs ?? []).flatMap((group) => {
      const cluster = group.labels?.cluster;
      if (cluster === undefined || !(cluster in addresses)) return [];
      found.add(cluster);
      return [{ ...group, targets: [addresses[cluster]] }];
    });
  }
  const missing = Object.keys(addresses).filter((cluster) => !found.has(cluster));
  if (missing.length > 0) throw new Error(`the federation config has no target for ${missing.join(', ')}`);
  config.scrape_configs = config.scrape_configs.filter((job) => !federation.includes(job) || job.static_configs!.length > 0);
  return stringify(config, { lineWidth: 0 });
}

/** The global Prometheus's config directory (prometheus.yml and rules/) as synthesized for `env`. */
export const generatedGlobalDir = (dist: string, env: string) => join(dist, env, 'config', 'prometheus-global');

/** The synthesized global config; a synth that no longer writes it is a regression, not something to rebuild here. */
export function globalFederationConfig(dist: string, env: string): string {
  const file = join(generatedGlobalDir(dist, env), 'prometheus.yml');
  if (!existsSync(file)) throw new Error(`the synth wrote no global Prometheus config at ${file}`);
  return readFileSync(file, 'utf8');
}

/** The synthesized rule files in `dir`; none is a regression, as for the config. */
export function ruleFilesIn(dir: string): string[] {
  const files = existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.yml')) : [];
  if (files.length === 0) throw new Error(`the synth wrote no rule files at ${dir}`);
  return files.map((file) => join(dir, file));
}

/** The expression of the generated global alert FederationTargetDown, which must exist. */
export function federationDownExpr(globalRulesDir: string): string {
  const rules = ruleFilesIn(globalRulesDir).flatMap((file) =>
    (parse(readFileSync(file, 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string; expr: string }> }> }).groups.flatMap(
      (group) => group.rules,
    ),
  );
  const alert = rules.find((rule) => rule.alert === 'FederationTargetDown');
  if (!alert) throw new Error(`no FederationTargetDown alert in the rule files at ${globalRulesDir}`);
  return alert.expr;
}

export interface Member {
  readonly cluster: string;
  readonly url: string;
  readonly process: StartedProcess;
}

export interface FederationStack {
  readonly dist: string;
  /** The generated global prometheus.yml and the loopback copy the global server runs. */
  readonly globalGenerated: string;
  readonly globalStarted: string;
  readonly members: readonly Member[];
  readonly globalUrl: string;
  readonly exporterAddress: string;
  readonly downExpr: string;
  /** Stops every process this stack started, by PID, and removes its files. */
  stop(): Promise<void>;
}

/** Starts the exporter, one member per environment in `memberEnvs`, then the global Prometheus of `globalEnv`. */
export async function startFederationStack(memberEnvs: readonly string[], globalEnv: string): Promise<FederationStack> {
  const started: StartedProcess[] = [];
  const dist = synthToTemp({ environments: [...new Set([...memberEnvs, globalEnv])] });
  const work = tempDir('e2e-federation');
  // A counter that grows with every scrape, as a worker's completed episodes do.
  let episodes = 0;
  const exporter: Server = createServer((req, res) => {
    const body =
      req.url === OTHER_PATH ? `${OTHER_SERIES} 7\n` : req.url === GPU_PATH ? GPU_FIELDS : `${MAGE_COUNTER}{worker="0"} ${++episodes}\n`;
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(body);
  });
  const stop = async () => {
    await Promise.all(started.map((p) => p.stop()));
    await new Promise((resolve) => exporter.close(resolve));
    removeDir(work);
    removeDir(dist);
  };

  try {
    const exporterPort = await freePort();
    await new Promise<void>((resolve) => exporter.listen(exporterPort, '127.0.0.1', resolve));
    const exporterAddress = `127.0.0.1:${exporterPort}`;

    const members: Member[] = [];
    for (const env of memberEnvs) {
      const dir = join(work, env);
      const generatedDir = join(dist, env, 'config');
      const generated = readFileSync(join(generatedDir, 'prometheus.yml'), 'utf8');
      // The member's generated rules (checked to exist) beside its config, so its relative rule_files glob resolves.
      const memberRules = join(generatedDir, 'rules');
      ruleFilesIn(memberRules);
      cpSync(memberRules, join(dir, 'rules'), { recursive: true });
      const config = withoutAlerting(withStaticExporterTargets(generated, { dir: join(dir, 'sd'), exporter: exporterAddress }));
      writeFileSync(join(dir, 'prometheus.yml'), withTestIntervals(config));
      const port = await freePort();
      const url = await startPrometheus({ configFile: join(dir, 'prometheus.yml'), dataDir: join(dir, 'tsdb'), port }, started);
      const cluster = (parse(generated) as PrometheusYml).global.external_labels.cluster;
      members.push({ cluster, url, process: started[started.length - 1] });
    }

    // The global server: its rules copied beside the config, so relative globs resolve.
    const globalDir = join(work, 'global');
    mkdirSync(globalDir);
    const globalGenerated = globalFederationConfig(dist, globalEnv);
    const rulesDir = join(generatedGlobalDir(dist, globalEnv), 'rules');
    const downExpr = federationDownExpr(rulesDir);
    cpSync(rulesDir, join(globalDir, 'rules'), { recursive: true });
    const addresses = Object.fromEntries(members.map((m) => [m.cluster, m.url.replace(/^http:\/\//, '')]));
    // Should the global server also discover pods (e.g. to scrape itself), Debian's build needs that simulated too.
    const discovered = simulateKubernetesDiscovery(globalGenerated, { dir: join(globalDir, 'sd') });
    const globalStarted = withTestIntervals(withLoopbackFederationTargets(discovered, addresses));
    writeFileSync(join(globalDir, 'prometheus.yml'), globalStarted);
    const globalUrl = await startPrometheus(
      { configFile: join(globalDir, 'prometheus.yml'), dataDir: join(globalDir, 'tsdb'), port: await freePort() },
      started,
    );
    return { dist, globalGenerated, globalStarted, members, globalUrl, exporterAddress, downExpr, stop };
  } catch (error) {
    const output = started.map((p) => p.output()).join('\n---\n');
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`, { cause: error });
  }
}

export interface Sample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

/** The series an instant query returns with their labels and values (the dashboard API helper counts them only). */
export async function seriesOf(api: string, expr: string): Promise<Sample[]> {
  const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(10000) });
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  if (body.status !== 'success' || !body.data) throw new Error(`${expr}: ${body.error ?? 'no data'}`);
  return body.data.result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }));
}
