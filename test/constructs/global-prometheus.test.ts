// The global Prometheus as prod builds it: its manifests (no discovery RBAC), its prometheus.yml (the
// seed's federation job, checked by promtool), its rules (checked and unit-tested by promtool) and
// the members, which must not load them.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { ENVIRONMENT_NAMES, loadEnvironments } from '../../config';
import type { FederationMember } from '../../config/schema/federation';
import { ComponentChart } from '../../constructs/assembly/component-chart';
import { buildGlobalPrometheus, GlobalPrometheus } from '../../constructs/components/global-prometheus';
import { DASHBOARD_UIDS } from '../../contracts/dashboards';
import { GLOBAL_ALERT_RULES, GLOBAL_RULE_GROUPS, PRIORITIES_OF, isRecording } from '../../rules';
import { metricNamesIn } from '../../rules/promql';
import { GLOBAL_RUNBOOKS } from '../../rules/runbooks';
import type { KubeObject } from '../helpers/manifests';
import { promtoolTestFile } from '../helpers/promtool-tests';
import { removeDir, synthToTemp, tempDir } from '../helpers/synth-tmp';
import { runTool } from '../helpers/tools';
import { federationCases } from '../rules/cases/federation';

const [prod] = loadEnvironments(['prod']);
const ALERTMANAGERS = [
  'alertmanager-0.alertmanager-headless.monitoring.svc:9093',
  'alertmanager-1.alertmanager-headless.monitoring.svc:9093',
];
// The alerts and recording rule the issue asks of the global Prometheus.
const GLOBAL_ALERTS = ['FederationTargetDown', 'FederatedDataStale', 'FleetEpisodeRateLow'];

interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  honor_labels?: boolean;
  metrics_path?: string;
  params?: Record<string, string[]>;
  static_configs?: Array<{ targets: string[]; labels: Record<string, string> }>;
  kubernetes_sd_configs?: unknown;
  tls_config?: { ca_file: string };
  authorization?: { credentials_file: string };
}
interface PromConfig {
  global: { external_labels: Record<string, string> };
  alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
}

/** The charts buildGlobalPrometheus makes for an environment, with their config files. */
function build(env = prod) {
  const app = new App({ outdir: tempDir('global-prometheus-app') });
  const charts = buildGlobalPrometheus((component) => new ComponentChart(app, component, { component }), env, ALERTMANAGERS);
  removeDir(app.outdir);
  return charts;
}

const [globalChart] = build();
const files = globalChart.configFiles;
const config = parse(files.get('prometheus-global/prometheus.yml') ?? '') as PromConfig;
const objects = Testing.synth(globalChart) as KubeObject[];
const ruleFileNames = [...files.keys()].filter((path) => path.startsWith('prometheus-global/rules/'));

let work: string;
let ruleFiles: string[];
beforeAll(() => {
  work = tempDir('global-prometheus');
  // prometheus.yml with rules/ beside it, as the pod mounts them.
  mkdirSync(join(work, 'rules'));
  writeFileSync(join(work, 'prometheus.yml'), files.get('prometheus-global/prometheus.yml')!);
  ruleFiles = ruleFileNames.map((path) => {
    const target = join(work, 'rules', path.split('/').pop()!);
    writeFileSync(target, files.get(path)!);
    return target;
  });
});
afterAll(() => removeDir(work));

describe('global Prometheus configuration (prod)', () => {
  it('GIVEN prod (federation role global) WHEN built THEN one chart writes prometheus-global/prometheus.yml and its rules; dev and staging get none', () => {
    expect(globalChart.component).toBe('prometheus-global');
    expect(files.has('prometheus-global/prometheus.yml')).toBe(true);
    expect(ruleFileNames.length).toBeGreaterThan(0);
    for (const member of loadEnvironments(['dev', 'staging'])) expect([member.name, build(member)]).toEqual([member.name, []]);
  });

  it('GIVEN the rendered prometheus.yml WHEN promtool check config --lint-fatal runs THEN it passes and loads the rule files', () => {
    const result = runTool('promtool', ['check', 'config', '--lint-fatal', join(work, 'prometheus.yml')]);
    expect(result).toEqual({ status: 0, output: expect.stringContaining(`SUCCESS: ${ruleFiles.length} rule files found`) });
  });

  it('GIVEN the seed THEN the federate job scrapes /federate every 15s with honor_labels and match[] {job=~"mage-.*"}, one target per prod member', () => {
    const job = config.scrape_configs.find((j) => j.job_name === 'federate')!;
    expect(job).toMatchObject({ scrape_interval: '15s', honor_labels: true, metrics_path: '/federate' });
    expect(job.params!['match[]']).toContain('{job=~"mage-.*"}');
    // prod's members (config/environments/prod.ts) are all plain http, so they share the one seed job.
    expect(config.scrape_configs.map((j) => j.job_name)).toEqual(['federate']);
    expect(job.static_configs!.map((s) => s.labels.cluster).sort()).toEqual(['moe-lab-dev', 'moe-lab-prod', 'moe-lab-staging']);
    expect(job.static_configs!.every((s) => s.targets.length === 1)).toBe(true);
    expect(job.kubernetes_sd_configs).toBeUndefined();
  });

  it('GIVEN the match[] selectors THEN none selects a raw DCGM series, while the Mage jobs and recorded aggregates are selected', () => {
    const matchers = config.scrape_configs.flatMap((j) => j.params!['match[]']);
    const dcgm = { __name__: 'DCGM_FI_DEV_GPU_UTIL', job: 'dcgm-exporter', gpu: '0' };
    expect(matchers.filter((m) => selects(m, dcgm))).toEqual([]);
    expect(matchers.some((m) => selects(m, { __name__: 'mage_episodes_completed_total', job: 'mage-worker' }))).toBe(true);
    expect(matchers.some((m) => selects(m, { __name__: 'cluster:DCGM_FI_DEV_GPU_UTIL:avg_ratio' }))).toBe(true);
    expect(matchers.some((m) => selects(m, { __name__: 'up', job: 'other' }))).toBe(false);
  });

  it('GIVEN the global labels THEN they name the global Prometheus and the environment but carry no cluster; alerts go to every Alertmanager', () => {
    const { prometheus_replica: replica, ...labels } = config.global.external_labels;
    expect(labels).toEqual({ prometheus: 'global', environment: 'prod' });
    expect(replica).toBe('${POD_NAME}');
    expect(config.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((s) => s.targets))).toEqual(ALERTMANAGERS);
    expect(config.rule_files).toEqual(['rules/*.yml']);
  });
});

const propsFor = (members: FederationMember[]) => ({
  namespace: 'monitoring',
  instance: 'test',
  environment: 'prod',
  settings: prod.federation.global!,
  members,
  scrapeInterval: '15s',
  evaluationInterval: '15s',
  alertmanagerTargets: ALERTMANAGERS,
  links: prod.alerting,
});

/** Whether a `{label op "value", …}` selector selects a series with these labels (anchored regexes, as PromQL). */
function selects(selector: string, labels: Record<string, string>): boolean {
  const matchers = [...selector.matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)];
  expect(matchers.length).toBeGreaterThan(0);
  return matchers.every(([, name, op, value]) => {
    const actual = labels[name] ?? '';
    const matches = op.includes('~') ? new RegExp(`^(?:${value})$`).test(actual) : actual === value;
    return op.startsWith('!') ? !matches : matches;
  });
}

describe('global Prometheus manifests (prod)', () => {
  const find = (kind: string) => objects.filter((o) => o.kind === kind);
  const [statefulSet] = find('StatefulSet');
  const podSpec = statefulSet.spec!.template!.spec as unknown as Record<string, unknown> & {
    volumes: Array<{ name: string; secret?: { secretName: string } }>;
    containers: Array<{ volumeMounts: Array<{ name: string; mountPath: string }> }>;
  };

  it('GIVEN only static targets THEN there is no ClusterRole or binding and no service-account token is mounted', () => {
    expect(objects.filter((o) => o.kind.startsWith('ClusterRole'))).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding')).toEqual([]);
    expect(find('ServiceAccount').map((sa) => [sa.metadata.name, sa.automountServiceAccountToken])).toEqual([['prometheus-global', false]]);
    expect(podSpec.automountServiceAccountToken).toBe(false);
  });

  it('GIVEN prod federation.global THEN the StatefulSet runs its replicas, image and retention under names that differ from the cluster Prometheus', () => {
    const g = prod.federation.global!;
    expect([statefulSet.metadata.name, statefulSet.spec!.replicas]).toEqual(['prometheus-global', g.replicas]);
    const container = (podSpec.containers as unknown as Array<{ image: string; args: string[] }>)[0];
    expect(container.image).toBe(`${g.image.repository}:${g.image.tag}`);
    expect(container.args).toContain(`--storage.tsdb.retention.time=${g.retention}`);
    // No object may take a name the cluster Prometheus uses, nor select its pods.
    for (const object of objects) expect(object.metadata.name).toMatch(/^prometheus-global(-|$)/);
    const selector = (statefulSet.spec!.selector as { matchLabels: Record<string, string> }).matchLabels;
    expect(selector['app.kubernetes.io/name']).toBe('prometheus-global');
  });

  it('GIVEN the NetworkPolicy THEN it admits every pod of the monitoring namespace (Grafana) on 9090 and nothing else', () => {
    const [policy] = find('NetworkPolicy');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus-global', 'app.kubernetes.io/instance': prod.cluster.name } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': prod.namespaces.monitoring } }, podSelector: {} }],
          ports: [{ port: 9090, protocol: 'TCP' }],
        },
      ],
    });
  });

  it('GIVEN a member with its own CA and token THEN each Secret is mounted read-only where its job reads the files', () => {
    const secured: FederationMember[] = [
      { name: 'moe-lab-edge', endpoint: 'https://federate.edge.example.com:443', tls: { caSecret: { name: 'edge-ca', key: 'ca.crt' } } },
      { name: 'moe-lab-far', endpoint: 'https://federate.far.example.com', bearerTokenSecret: { name: 'far-token', key: 'token' } },
    ];
    const chart = Testing.chart();
    const globalPrometheus = new GlobalPrometheus(chart, 'G', propsFor(secured));
    const synthesized = Testing.synth(chart) as KubeObject[];
    const spec = synthesized.find((o) => o.kind === 'StatefulSet')!.spec!.template!.spec as unknown as typeof podSpec;
    const mounts = new Map(
      spec.containers[0].volumeMounts.map((m) => [m.mountPath, spec.volumes.find((v) => v.name === m.name)?.secret?.secretName]),
    );
    const jobs = (parse(globalPrometheus.prometheus.configText) as PromConfig).scrape_configs;
    const files = jobs.flatMap((j) => [j.tls_config?.ca_file, j.authorization?.credentials_file]).filter((f): f is string => !!f);
    expect(files.sort()).toEqual(['/etc/prometheus/secrets/edge-ca/ca.crt', '/etc/prometheus/secrets/far-token/token']);
    for (const file of files) {
      const dir = file.slice(0, file.lastIndexOf('/'));
      expect([file, mounts.get(dir)]).toEqual([file, dir.split('/').pop()]);
    }
  });

  it('GIVEN no members THEN the construct refuses, naming the prop', () => {
    expect(() => new GlobalPrometheus(Testing.chart(), 'G', propsFor([]))).toThrow('GlobalPrometheus members: got none');
  });
});

describe('global rules', () => {
  const rendered = ruleFileNames.flatMap(
    (path) => (parse(files.get(path)!) as { groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string }> }> }).groups,
  );

  it('GIVEN the global rule files WHEN promtool check rules --lint-fatal runs THEN they pass', () => {
    expect(runTool('promtool', ['check', 'rules', '--lint-fatal', ...ruleFiles])).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });

  it("GIVEN the global rule files THEN they hold the fleet alerts and fleet recording rules only, none of the members'", () => {
    const rules = rendered.flatMap((g) => g.rules);
    expect(
      rules
        .filter((r) => r.alert)
        .map((r) => r.alert)
        .sort(),
    ).toEqual([...GLOBAL_ALERTS].sort());
    expect(rules.filter((r) => r.record).every((r) => r.record!.startsWith('fleet:'))).toBe(true);
    expect(rules.some((r) => ['Watchdog', 'LowEpisodeGenerationRate', 'TargetDown'].includes(r.alert ?? ''))).toBe(false);
  });

  it('GIVEN every environment synthesized THEN no member Prometheus rule file carries a global rule', () => {
    const dist = synthToTemp();
    try {
      for (const env of ENVIRONMENT_NAMES) {
        const dir = join(dist, env, 'config', 'rules');
        const text = readdirSync(dir)
          .map((file) => readFileSync(join(dir, file), 'utf8'))
          .join('\n');
        expect(text).toContain('alert: Watchdog');
        for (const name of [...GLOBAL_ALERTS, 'fleet:']) expect([env, name, text.includes(name)]).toEqual([env, name, false]);
      }
    } finally {
      removeDir(dist);
    }
  });

  it('GIVEN every global alert THEN its priority fits its severity, its dashboard exists, its description shows the value and a runbook covers it', () => {
    expect(GLOBAL_ALERT_RULES.map((r) => r.alert).sort()).toEqual([...GLOBAL_ALERTS].sort());
    for (const rule of GLOBAL_ALERT_RULES) {
      expect([rule.alert, PRIORITIES_OF[rule.severity].includes(rule.priority), DASHBOARD_UIDS.includes(rule.dashboard)]).toEqual([
        rule.alert,
        true,
        true,
      ]);
      expect([rule.alert, rule.description]).toEqual([rule.alert, expect.stringContaining('$value')]);
      const runbook = GLOBAL_RUNBOOKS.find((rb) => rb.alert === rule.alert);
      const runnable = [...(runbook?.diagnosis ?? []), ...(runbook?.mitigation ?? [])].filter((s) => s.command || s.query);
      expect([rule.alert, (runbook?.diagnosis.length ?? 0) >= 2, (runbook?.mitigation.length ?? 0) >= 1, runnable.length >= 2]).toEqual([
        rule.alert,
        true,
        true,
        true,
      ]);
      expect(readFileSync(join(__dirname, '..', '..', 'docs', 'runbooks', `${rule.alert}.md`), 'utf8')).toContain(rule.expr);
    }
    expect(GLOBAL_RUNBOOKS).toHaveLength(GLOBAL_ALERTS.length);
  });

  it('GIVEN every global recording rule THEN it is named level:metric:operations and an expression test reads it', () => {
    const tested = new Set(federationCases.flatMap((c) => c.expressions ?? []).flatMap((e) => metricNamesIn(e.expr)));
    for (const rule of GLOBAL_RULE_GROUPS.flatMap((g) => g.rules.filter(isRecording))) {
      expect(rule.record).toMatch(/^[a-z_]+:[A-Za-z0-9_]+:[a-z0-9_]+$/);
      expect([rule.record, tested.has(rule.record)]).toEqual([rule.record, true]);
    }
  });
});

describe('promtool test rules: federation', () => {
  const promtoolTest = (name: string, cases: typeof federationCases) => {
    const path = join(work, `${name}.test.yml`);
    writeFileSync(path, promtoolTestFile(cases, ruleFiles, prod.alerting, '1m'));
    return runTool('promtool', ['test', 'rules', path]);
  };

  it('GIVEN every global alert THEN a case makes it fire and another proves it silent', () => {
    const expectations = federationCases.flatMap((c) => c.alerts ?? []);
    for (const alert of GLOBAL_ALERTS) {
      const mine = expectations.filter((e) => e.alert === alert);
      expect([alert, mine.some((e) => e.fires.length > 0), mine.some((e) => e.fires.length === 0)]).toEqual([alert, true, true]);
    }
  });

  it('GIVEN the federation cases WHEN promtool runs them against the global rules THEN every case passes', () => {
    expect(promtoolTest('federation', federationCases)).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('GIVEN a case whose expected age is wrong WHEN promtool runs it THEN it fails, so these cases can fail', () => {
    const [staleCase] = federationCases.filter((c) => c.alerts?.some((a) => a.alert === 'FederatedDataStale' && a.fires.length > 0));
    const wrong = {
      ...staleCase,
      alerts: staleCase.alerts!.map((a) => ({
        ...a,
        fires: a.fires.map((f) => ({ ...f, description: f.description.replace('12m 0s', '11m 0s') })),
      })),
    };
    const result = promtoolTest('broken', [wrong]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('FAILED');
  });
});
