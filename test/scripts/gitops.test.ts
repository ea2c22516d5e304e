import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigError, ENVIRONMENT_INPUTS, loadEnvironments, type EnvironmentName } from '../../config';
import type { ArgoCdSettings, GitopsInput } from '../../config/schema/gitops';
import { renderEnvironment } from '../../constructs/assembly/render';
import { gitops, type TreeChanges } from '../../scripts/gitops';

const ENVS: EnvironmentName[] = ['dev', 'staging', 'prod'];
const REPO_ROOT = resolve(__dirname, '..', '..');
const WAVE = 'argocd.argoproj.io/sync-wave';
const POD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod', 'ReplicaSet'];

/** The fields of Application and AppProject the tests read. */
interface ArgoSpec {
  project: string;
  source: { path: string; repoURL: string };
  destination: { server: string; namespace?: string };
  syncPolicy: { automated?: { prune: unknown; selfHeal: unknown } };
  sourceRepos: string[];
  destinations: { namespace: string }[];
  clusterResourceWhitelist: { group: string; kind: string }[];
  namespaceResourceWhitelist: { group: string; kind: string }[];
}
type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec: ArgoSpec;
};

/** Every file under `dir`, path → bytes. */
function readTree(dir: string, prefix = ''): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory()) for (const [p, b] of readTree(join(dir, entry.name), `${path}/`)) files.set(p, b);
    else files.set(path, readFileSync(join(dir, entry.name)));
  }
  return files;
}

const put = (path: string, content: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
};
const objectsIn = (path: string): Obj[] =>
  parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJSON() as Obj)
    .filter(Boolean);
const argoObjects = (out: string, env: string): Obj[] =>
  readdirSync(join(out, env, 'argocd', 'apps')).map((f) => parse(readFileSync(join(out, env, 'argocd', 'apps', f), 'utf8')) as Obj);
const applications = (out: string, env: string) => argoObjects(out, env).filter((o) => o.kind === 'Application');
const wave = (o: Obj) => Number(o.metadata.annotations?.[WAVE] ?? 0);
const settingsOf = (env: EnvironmentName) => loadEnvironments([env])[0].gitops as ArgoCdSettings;
/** The checked-in inputs with one environment's gitops settings changed. */
const withGitops = (env: EnvironmentName, change: Record<string, unknown>) => ({
  ...ENVIRONMENT_INPUTS,
  [env]: { ...ENVIRONMENT_INPUTS[env], gitops: { ...ENVIRONMENT_INPUTS[env].gitops, ...change } as GitopsInput },
});
/** Applied by `pulumi up` before Argo CD exists, so never in the tree. */
const BOOTSTRAP_CHARTS = ['namespaces', 'priority-classes'];

/** Validates Argo CD objects with the published Argo CD models; they ship as ES modules only, so in a plain Node process. */
function schemaErrors(objects: readonly Obj[]): (string | null)[] {
  const script = `import * as argo from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
    let input = ''; process.stdin.on('data', (d) => (input += d));
    process.stdin.on('end', () => console.log(JSON.stringify(JSON.parse(input).map((o) => {
      try { new argo[o.kind](o).validate(); return null; } catch (e) { return o.metadata.name + ': ' + e.message; }
    }))));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    input: JSON.stringify(objects),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

describe('gitops tree', () => {
  let out: string;
  let first: Map<string, TreeChanges>;
  let second: Map<string, TreeChanges>;
  let afterFirst: Map<string, Buffer>;
  const log: string[] = [];

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'gitops-'));
    // Files the repository has besides the generated tree, and a component the config no longer has.
    put(join(out, 'README.md'), '# GitOps repository\n');
    put(join(out, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    put(join(out, 'dev', 'NOTES.md'), 'kept\n');
    put(join(out, 'dev', 'retired-exporter', 'manifests.yaml'), 'kind: DaemonSet\n');
    put(join(out, 'dev', 'retired-exporter', 'config', 'exporter.yml'), 'x: 1\n');
    put(join(out, 'dev', 'argocd', 'apps', 'application-retired-exporter.yaml'), 'kind: Application\n');
    first = gitops({ outDir: out });
    afterFirst = readTree(out);
    // A fresh copy of the modules, as in a second process: module-level state must not leak into the output.
    jest.isolateModules(() => {
      const fresh = jest.requireActual<typeof import('../../scripts/gitops')>('../../scripts/gitops');
      second = fresh.gitops({ outDir: out, log: (line) => log.push(line) });
    });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('GIVEN a tree written once WHEN written again THEN nothing is written or deleted and every byte is the same', () => {
    for (const env of ENVS) {
      const files = [...readTree(join(out, env)).keys()].filter((p) => p !== 'NOTES.md');
      expect(second.get(env)).toEqual({ written: [], unchanged: files.sort(), deleted: [] });
      expect(log).toContain(`${env}: 0 written, ${files.length} unchanged, 0 deleted`);
    }
    const now = readTree(out);
    expect([...now.keys()]).toEqual([...afterFirst.keys()]);
    for (const [path, bytes] of now) expect([path, bytes.equals(afterFirst.get(path)!)]).toEqual([path, true]);
  });

  it('GIVEN a component directory and Application the config no longer has WHEN written THEN they are deleted and foreign files survive', () => {
    expect(first.get('dev')!.deleted).toEqual([
      'argocd/apps/application-retired-exporter.yaml',
      'retired-exporter/config/exporter.yml',
      'retired-exporter/manifests.yaml',
    ]);
    expect(existsSync(join(out, 'dev', 'retired-exporter'))).toBe(false);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toBe('# GitOps repository\n');
    expect(readFileSync(join(out, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    expect(readFileSync(join(out, 'dev', 'NOTES.md'), 'utf8')).toBe('kept\n');
  });

  it.each(ENVS)(
    'GIVEN %s WHEN written THEN each manifest and config file of the synth but the bootstrap charts sits in its component directory, once',
    (env) => {
      const synthesized = renderEnvironment(loadEnvironments([env])[0]);
      const tree = readTree(join(out, env));
      const all = [...synthesized.keys()].filter((p) => p.endsWith('.yaml') && !p.includes('/')).map((p) => p.slice(0, -5));
      expect(all).toEqual(expect.arrayContaining(BOOTSTRAP_CHARTS));
      const components = all.filter((c) => !BOOTSTRAP_CHARTS.includes(c));
      expect(components.includes('prometheus-global')).toBe(env === 'prod');
      const directories = new Set([...tree.keys()].map((p) => p.split('/')[0]).filter((d) => d !== 'argocd' && d !== 'NOTES.md'));
      expect([...directories].sort()).toEqual([...components].sort());
      for (const c of components) expect(tree.get(`${c}/manifests.yaml`)?.toString()).toBe(synthesized.get(`${c}.yaml`));
      // Config files: same set and content, each under exactly one component's config/.
      const configs = [...tree.keys()].filter((p) => /^[^/]+\/config\//.test(p));
      expect(configs.map((p) => p.replace(/^[^/]+\//, '')).sort()).toEqual(
        [...synthesized.keys()].filter((p) => p.startsWith('config/')).sort(),
      );
      for (const p of configs) expect(tree.get(p)!.toString()).toBe(synthesized.get(p.replace(/^[^/]+\//, '')));
    },
  );

  it.each(ENVS)(
    'GIVEN %s WHEN the Argo CD objects are read THEN prod syncs by hand and the others sync automatically with prune and self-heal',
    (env) => {
      const objects = [...argoObjects(out, env), parse(readFileSync(join(out, env, 'argocd', 'root.yaml'), 'utf8')) as Obj];
      const apps = objects.filter((o) => o.kind === 'Application');
      const components = [...renderEnvironment(loadEnvironments([env])[0]).keys()].filter((p) => /^[^/]+\.yaml$/.test(p));
      // One per component outside the bootstrap, and the root.
      expect(apps).toHaveLength(components.length - BOOTSTRAP_CHARTS.length + 1);
      for (const app of apps) {
        if (env === 'prod') expect(app.spec.syncPolicy?.automated).toBeUndefined();
        else expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      }
    },
  );

  it.each(ENVS)(
    'GIVEN %s WHEN sync waves are compared THEN the project comes first, then what only configures, then anything that starts pods',
    (env) => {
      const apps = applications(out, env).map((app) => ({
        app,
        kinds: objectsIn(join(out, app.spec.source.path, 'manifests.yaml')).map((o) => o.kind),
      }));
      const podWaves = apps.filter((a) => a.kinds.some((k) => POD_KINDS.includes(k))).map((a) => wave(a.app));
      const otherWaves = apps.filter((a) => !a.kinds.some((k) => POD_KINDS.includes(k))).map((a) => wave(a.app));
      const project = argoObjects(out, env).find((o) => o.kind === 'AppProject')!;
      expect(podWaves.length).toBeGreaterThan(5);
      expect(otherWaves.length).toBeGreaterThan(0);
      expect(wave(project)).toBeLessThan(Math.min(...apps.map((a) => wave(a.app))));
      // ConfigMaps and RBAC of a configuration-only component exist before the pods that read them start.
      expect(Math.max(...otherWaves)).toBeLessThan(Math.min(...podWaves));
      // Namespaces and priority classes are bootstrap, applied by `pulumi up` before the root Application exists.
      expect(apps.flatMap((a) => a.kinds).filter((k) => k === 'Namespace' || k === 'PriorityClass')).toEqual([]);
    },
  );

  it.each(ENVS)(
    'GIVEN %s WHEN the volumes in the tree are read THEN every PersistentVolumeClaim survives leaving the tree and its Application being deleted',
    (env) => {
      const claims = applications(out, env).flatMap((app) =>
        objectsIn(join(out, app.spec.source.path, 'manifests.yaml')).filter((o) => o.kind === 'PersistentVolumeClaim'),
      );
      expect(claims.length).toBeGreaterThanOrEqual(3);
      for (const claim of claims)
        expect([claim.metadata.name, claim.metadata.annotations?.['argocd.argoproj.io/sync-options']]).toEqual([
          claim.metadata.name,
          'Prune=false,Delete=false',
        ]);
    },
  );

  it.each(ENVS)(
    'GIVEN %s WHEN each Application is followed THEN its path holds its manifest and its namespace is that of its objects',
    (env) => {
      const namespaces = ENVIRONMENT_INPUTS[env].namespaces;
      for (const app of applications(out, env)) {
        const objects = objectsIn(join(out, app.spec.source.path, 'manifests.yaml'));
        expect(objects.length).toBeGreaterThan(0);
        const used = [...new Set(objects.map((o) => o.metadata.namespace).filter(Boolean))];
        expect([app.metadata.name, used]).toEqual([
          app.metadata.name,
          app.spec.destination.namespace ? [app.spec.destination.namespace] : [],
        ]);
        expect(app.spec.source.repoURL).toBe(settingsOf(env).repoURL);
        // Each environment's Argo CD runs in, and deploys to, its own cluster.
        expect(app.spec.destination.server).toBe('https://kubernetes.default.svc');
      }
      const byName = new Map(applications(out, env).map((app) => [app.metadata.name, app]));
      expect(byName.get(`${env}-prometheus`)!.spec.destination.namespace).toBe(namespaces.monitoring);
      expect(byName.get(`${env}-moe-workloads`)!.spec.destination.namespace).toBe(namespaces.moeLab);
      expect(byName.get(`${env}-mage-workloads`)!.spec.destination.namespace).toBe(namespaces.mage);
      const root = parse(readFileSync(join(out, env, 'argocd', 'root.yaml'), 'utf8')) as Obj;
      expect(root.spec.source.path).toBe(`${env}/argocd/apps`);
    },
  );

  it.each(ENVS)(
    'GIVEN %s WHEN the AppProject is read THEN it admits only the GitOps repository, the namespaces and the kinds of the tree',
    (env) => {
      const project = argoObjects(out, env).find((o) => o.kind === 'AppProject')!;
      const { monitoring, moeLab, mage } = ENVIRONMENT_INPUTS[env].namespaces;
      expect(project.spec.sourceRepos).toEqual([settingsOf(env).repoURL]);
      expect(project.spec.destinations.map((d: { namespace: string }) => d.namespace).sort()).toEqual(
        ['', mage, moeLab, monitoring].sort(),
      );
      const allowed = [...project.spec.clusterResourceWhitelist, ...project.spec.namespaceResourceWhitelist].map(
        (k) => `${k.group}/${k.kind}`,
      );
      for (const app of applications(out, env)) {
        expect(app.spec.project).toBe(project.metadata.name);
        for (const o of objectsIn(join(out, app.spec.source.path, 'manifests.yaml')))
          expect(allowed).toContain(`${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`);
      }
    },
  );

  it('GIVEN the Argo CD objects of every environment WHEN validated against the Argo CD schema THEN all pass, and a broken one does not', () => {
    const objects = ENVS.flatMap((env) => [
      ...argoObjects(out, env),
      parse(readFileSync(join(out, env, 'argocd', 'root.yaml'), 'utf8')) as Obj,
    ]);
    const broken = structuredClone(applications(out, 'dev')[0]);
    broken.spec.syncPolicy.automated = { prune: 'yes', selfHeal: true };
    const errors = schemaErrors([...objects, broken]);
    expect(errors.slice(0, -1)).toEqual(objects.map(() => null));
    expect(errors.at(-1)).toMatch(/prune must be boolean/);
  });
});

describe('gitops tree changes and bad input', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'gitops-'));
    put(join(out, 'README.md'), 'kept\n');
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('GIVEN prod stops running the global Prometheus WHEN written again THEN its component and Application are deleted, nothing else', () => {
    gitops({ outDir: out, environments: ['prod'] });
    const globalFiles = [...readTree(join(out, 'prod', 'prometheus-global')).keys()].map((p) => `prometheus-global/${p}`);
    const prod = structuredClone(ENVIRONMENT_INPUTS.prod);
    prod.federation = { role: 'member', globalSources: ['10.30.0.0/16'], members: [] };
    const changes = gitops({ outDir: out, environments: ['prod'], inputs: { prod } }).get('prod')!;
    // The fleet dashboard shows the global Prometheus's view, so Grafana loses it too.
    const expected = [...globalFiles, 'argocd/apps/application-prometheus-global.yaml', 'grafana/config/dashboards/fleet.json'];
    expect(globalFiles).toContain('prometheus-global/manifests.yaml');
    expect(changes.deleted).toEqual(expected.sort());
    expect(existsSync(join(out, 'prod', 'prometheus-global'))).toBe(false);
    expect(existsSync(join(out, 'prod', 'prometheus', 'manifests.yaml'))).toBe(true);
  });

  it('GIVEN the tree lives in a subdirectory of the repository WHEN written there THEN every Argo CD path resolves from the repository root', () => {
    gitops({ outDir: join(out, 'clusters', 'aws'), environments: ['dev'], inputs: withGitops('dev', { rootPath: 'clusters/aws' }) });
    const apps = applications(join(out, 'clusters', 'aws'), 'dev');
    const root = parse(readFileSync(join(out, 'clusters', 'aws', 'dev', 'argocd', 'root.yaml'), 'utf8')) as Obj;
    expect(root.spec.source.path).toBe('clusters/aws/dev/argocd/apps');
    for (const app of apps)
      expect([app.spec.source.path, existsSync(join(out, app.spec.source.path, 'manifests.yaml'))]).toEqual([app.spec.source.path, true]);
  });

  it.each([
    ['rootPath', '../dev', 'gitops.rootPath'],
    ['repoURL', 'http://github.com/moe-lab/gitops.git', 'gitops.repoURL'],
    ['chartVersion', 'latest', 'gitops.chartVersion'],
    ['argocdNamespace', 'monitoring', 'gitops.argocdNamespace'],
  ])('GIVEN %s %s WHEN validated THEN the field is named and nothing is written', (field, value, path) => {
    expect(() => gitops({ outDir: out, inputs: withGitops('staging', { [field]: value }) })).toThrow(`environment "staging": ${path}: `);
    expect([...readTree(out).keys()]).toEqual(['README.md']);
  });

  it.each([
    [
      'a prod sync policy',
      { syncPolicy: { mode: 'auto' } },
      /^environment "prod": gitops\.syncPolicy\.mode: mode must be one of automated, manual$/,
    ],
    ['a delivery', { delivery: 'flux' }, /^environment "prod": gitops\.delivery: delivery must be one of argocd, pulumi$/],
  ])(
    'GIVEN %s the config does not know WHEN written THEN it fails naming the field and the allowed values, and nothing is written',
    (_, change, message) => {
      let problems: readonly string[] = [];
      try {
        gitops({ outDir: out, inputs: withGitops('prod', change) });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        problems = (error as ConfigError).problems;
      }
      expect(problems).toEqual([expect.stringMatching(message)]);
      expect([...readTree(out).keys()]).toEqual(['README.md']);
    },
  );

  it('GIVEN staging delivered by pulumi up WHEN written THEN staging gets no tree and the log says why', () => {
    const log: string[] = [];
    const changes = gitops({
      outDir: out,
      inputs: { ...ENVIRONMENT_INPUTS, staging: { ...ENVIRONMENT_INPUTS.staging, gitops: { delivery: 'pulumi' } } },
      log: (l) => log.push(l),
    });
    expect([...changes.keys()].sort()).toEqual(['dev', 'prod']);
    expect(existsSync(join(out, 'staging'))).toBe(false);
    expect(log).toContain('staging: delivered by pulumi up; no GitOps tree');
  });

  it('GIVEN staging has a tree and turns to pulumi delivery WHEN written THEN it is refused, naming the handover, and nothing changes', () => {
    gitops({ outDir: out });
    const before = readTree(out);
    const inputs = { ...ENVIRONMENT_INPUTS, staging: { ...ENVIRONMENT_INPUTS.staging, gitops: { delivery: 'pulumi' as const } } };
    expect(() => gitops({ outDir: out, inputs })).toThrow(
      /environment "staging": gitops\.delivery: pulumi, but .*staging still holds its Argo CD tree; hand the charts over first/,
    );
    const after = readTree(out);
    expect([...after.keys()]).toEqual([...before.keys()]);
  });

  it('GIVEN an existing tree and one invalid environment WHEN written THEN the whole old tree is left as it was', () => {
    gitops({ outDir: out });
    const before = readTree(out);
    const dev = structuredClone(ENVIRONMENT_INPUTS.dev);
    (dev.prometheus as { replicas: number }).replicas = 0;
    expect(() =>
      gitops({ outDir: out, inputs: { ...ENVIRONMENT_INPUTS, dev, staging: { ...ENVIRONMENT_INPUTS.staging, cluster: undefined } } }),
    ).toThrow(/environment "dev": prometheus\.replicas[\s\S]*environment "staging": cluster: missing/);
    const after = readTree(out);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [path, bytes] of after) expect([path, bytes.equals(before.get(path)!)]).toEqual([path, true]);
  });
});
