import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Testing } from 'cdk8s';
import { ConfigError, ENVIRONMENT_INPUTS, loadEnvironments, type EnvironmentInput } from '../../config';
import { ComponentChart } from '../../constructs/assembly/component-chart';
import { Grafana, type GrafanaProps } from '../../constructs/components/grafana';
import { renderDashboards } from '../../dashboards';
import { synth } from '../../scripts/synth';
import type { KubeObject } from '../helpers/manifests';
import { removeDir, tempDir } from '../helpers/synth-tmp';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

/** The checked-in settings with one change to `env`. */
function inputsWith(env: 'dev' | 'prod', change: (input: Mutable<EnvironmentInput>) => void): Record<string, unknown> {
  const input = structuredClone(ENVIRONMENT_INPUTS[env]) as Mutable<EnvironmentInput>;
  change(input);
  return { ...ENVIRONMENT_INPUTS, [env]: input };
}

function problemsOf(inputs: Record<string, unknown>): string[] {
  try {
    loadEnvironments(['dev', 'staging', 'prod'], inputs);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('Grafana settings', () => {
  it('GIVEN the checked-in environments WHEN loaded THEN prod runs 2 replicas on PostgreSQL, dev and staging 1 on SQLite', () => {
    const byName = Object.fromEntries(loadEnvironments().map((env) => [env.name, env.grafana]));
    expect([byName.dev.replicas, byName.dev.database.type]).toEqual([1, 'sqlite']);
    expect([byName.staging.replicas, byName.staging.database.type]).toEqual([1, 'sqlite']);
    expect(byName.prod.replicas).toBe(2);
    expect(byName.prod.database).toEqual(
      expect.objectContaining({ type: 'postgres', name: 'grafana', host: expect.stringMatching(/:5432$/) }),
    );
    for (const grafana of Object.values(byName)) {
      expect(grafana.image.repository).toBe('docker.io/grafana/grafana');
      // A pinned release that reads the SDK's dashboards: schemaVersion 42 arrived with Grafana 12.2.
      const [major, minor] = grafana.image.tag.split('.').map(Number);
      expect([grafana.image.tag, major > 12 || (major === 12 && minor >= 2)]).toEqual([expect.stringMatching(/^\d+\.\d+\.\d+$/), true]);
    }
  });

  // Each case: the environment, the change, then fragments the single error line must contain.
  const badCases: Array<[string, 'dev' | 'prod', (i: Mutable<EnvironmentInput>) => void, string[]]> = [
    [
      '2 replicas on SQLite',
      'prod',
      (i) => (i.grafana.database = { type: 'sqlite' }),
      ['grafana.database.type', "sqlite keeps state in one pod's emptyDir", 'use postgres'],
    ],
    ['dev scaled to 3 on SQLite', 'dev', (i) => (i.grafana.replicas = 3), ['grafana.database.type', '3 replicas', 'postgres']],
    [
      'an unknown database type',
      'prod',
      (i) => Object.assign(i.grafana.database, { type: 'mysql' }),
      ['grafana.database', 'type must be one of sqlite, postgres'],
    ],
    [
      'a database host without port',
      'prod',
      (i) => Object.assign(i.grafana.database, { host: 'postgresql.monitoring.svc' }),
      ['grafana.database.host', 'host:port'],
    ],
    ['6 replicas', 'prod', (i) => (i.grafana.replicas = 6), ['grafana.replicas', 'at most 5']],
    ['an admin Secret that is no DNS label', 'prod', (i) => (i.grafana.adminSecret = 'Grafana_Admin'), ['grafana.adminSecret', 'DNS-1123']],
    // A password can only come from the Secret: the schema has no field that could carry one.
    [
      'an inline admin password field',
      'prod',
      (i) => Object.assign(i.grafana, { adminPassword: '' }),
      ['grafana', 'unknown field(s) adminPassword'],
    ],
    ['image tag latest', 'prod', (i) => (i.grafana.image.tag = 'latest'), ['grafana.image.tag', 'not "latest"']],
  ];

  it.each(badCases)(
    'GIVEN %s WHEN loaded THEN one error names the environment, the field and what is allowed',
    (_name, env, change, fragments) => {
      const line = problemsOf(inputsWith(env, change)).find((p) => p.includes(fragments[0]));
      expect(line).toBeDefined();
      expect(line).toMatch(new RegExp(`^environment "${env}": `));
      for (const fragment of fragments) expect(line).toContain(fragment);
    },
  );

  it('GIVEN a bad Grafana setting WHEN synthesizing THEN nothing at all is written', () => {
    const outDir = tempDir('bad-grafana');
    try {
      const inputs = inputsWith('prod', (i) => (i.grafana.database = { type: 'sqlite' }));
      expect(() => synth({ outDir: join(outDir, 'dist'), inputs })).toThrow(/grafana\.database\.type/);
      expect(existsSync(join(outDir, 'dist'))).toBe(false);
    } finally {
      removeDir(outDir);
    }
  });
});

describe('Grafana construct', () => {
  const settings = loadEnvironments(['prod'])[0];
  const props = (change: Partial<GrafanaProps> = {}): GrafanaProps => ({
    namespace: 'monitoring',
    instance: 'test',
    image: settings.grafana.image,
    replicas: 2,
    resources: settings.grafana.resources,
    adminSecret: settings.grafana.adminSecret,
    database: settings.grafana.database,
    rootUrl: settings.alerting.grafanaUrl,
    dashboards: renderDashboards(settings.alerting),
    datasources: {
      prometheus: { name: 'prometheus', port: 9090 },
      alertmanager: { name: 'alertmanager', port: 9093 },
      scrapeInterval: '15s',
    },
    ...change,
  });
  const checksumOf = (grafanaProps: GrafanaProps) => {
    const chart = new ComponentChart(Testing.app(), 'grafana', { component: 'grafana' });
    new Grafana(chart, 'Grafana', grafanaProps);
    const deployment = (Testing.synth(chart) as KubeObject[]).find((o) => o.kind === 'Deployment')!;
    return deployment.spec!.template!.metadata!.annotations!['checksum/config'];
  };

  it('GIVEN one dashboard changed WHEN synthesized THEN the pod checksum annotation changes, so the pods roll', () => {
    const dashboards = new Map(props().dashboards);
    const before = checksumOf(props({ dashboards }));
    const [file, json] = [...dashboards][0];
    dashboards.set(file, `${JSON.stringify({ ...JSON.parse(json), title: 'Renamed' }, null, 2)}\n`);
    expect(checksumOf(props())).toBe(before);
    expect(checksumOf(props({ dashboards }))).not.toBe(before);
  });

  it('GIVEN two replicas on SQLite or a dashboard file that is no <uid>.json WHEN built THEN it throws naming the prop', () => {
    expect(() => checksumOf(props({ database: { type: 'sqlite' } }))).toThrow(/Grafana database: got sqlite with 2 replicas/);
    expect(() => checksumOf(props({ dashboards: new Map([['Training Overview.json', '{}']]) }))).toThrow(
      /Grafana dashboards: got file name/,
    );
  });
});

describe('no Grafana password in the repository', () => {
  const root = join(__dirname, '..', '..');
  const skipped = new Set(['node_modules', '.git', 'build', 'dist', 'cdk8s.out']);
  const sourceFiles = (dir: string): string[] =>
    readdirSync(dir)
      .filter((name) => !skipped.has(name))
      .flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? sourceFiles(path) : [path];
      });

  it('GIVEN every source and doc file WHEN searched THEN no admin password is set to a literal value', () => {
    // This file spells the patterns out, so it is the one file not searched.
    const files = sourceFiles(root).filter((path) => path !== __filename);
    expect(files.length).toBeGreaterThan(50);
    const literalPassword = [/GF_SECURITY_ADMIN_PASSWORD\b/, /admin_password\s*=/i, /from-literal=admin-password/];
    const hits = files.flatMap((path) => {
      const text = readFileSync(path, 'utf8');
      return literalPassword.filter((pattern) => pattern.test(text)).map((pattern) => `${relative(root, path)}: ${pattern}`);
    });
    expect(hits).toEqual([]);
  });
});
