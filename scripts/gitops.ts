// `npm run gitops -- --out <dir> [env...]`: writes the GitOps tree of each environment Argo CD
// delivers into <dir>/<env>/: <component>/manifests.yaml (what Argo CD applies), <component>/config/
// (review copies of the files already inside its ConfigMaps, never applied) and argocd/ (AppProject and
// one Application per component under apps/, and a review copy of the root Application `pulumi up`
// creates). The foundation charts are not in it: `pulumi up` applies those before Argo CD exists.
// Everything is validated and rendered before the first byte is written.
import { App } from 'cdk8s';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, ENVIRONMENT_NAMES, loadEnvironments, type EnvironmentConfig } from '../config';
import type { ArgoCdSettings } from '../config/schema/gitops';
import { renderArgoCd, type ComponentObjects } from '../constructs/assembly/argocd';
import { buildEnvironment, FOUNDATION_CHARTS } from '../constructs/assembly/environment';
import { renderManifest } from '../constructs/assembly/render';

/** A directory of <env>/ holding this file is a component directory, generated as a whole. */
export const MANIFEST = 'manifests.yaml';
/** Generated as a whole too; no component may take its name. */
export const ARGOCD_DIR = 'argocd';

export interface GitopsOptions {
  readonly environments?: readonly string[];
  readonly outDir: string;
  /** Raw environment settings per name. @default - the checked-in config/environments */
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly log?: (line: string) => void;
}

/** Paths relative to <dir>/<env>/, sorted. */
export interface TreeChanges {
  readonly written: string[];
  readonly unchanged: string[];
  readonly deleted: string[];
}

/** Every file of <env>/ this tool owns, keyed by path relative to it, sorted by path. */
export function renderGitopsTree(env: EnvironmentConfig, settings: ArgoCdSettings): Map<string, string> {
  const files = new Map<string, string>();
  const components: ComponentObjects[] = [];
  for (const chart of buildEnvironment(new App(), env)) {
    if ((FOUNDATION_CHARTS as readonly string[]).includes(chart.component)) continue;
    if (chart.component === ARGOCD_DIR) throw new Error(`component "${ARGOCD_DIR}" would collide with the Argo CD directory`);
    files.set(`${chart.component}/${MANIFEST}`, renderManifest(chart));
    for (const [path, content] of chart.configFiles) files.set(`${chart.component}/config/${path}`, content);
    components.push({ component: chart.component, objects: chart.toJson() as ComponentObjects['objects'] });
  }
  for (const [path, content] of renderArgoCd(settings, env.name, components)) files.set(path, content);
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function walk(dir: string, prefix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

/** Files under the directories of <env>/ this tool owns; anything else there (a README) is left alone. */
function ownedFiles(envDir: string): string[] {
  if (!existsSync(envDir)) return [];
  return readdirSync(envDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && (entry.name === ARGOCD_DIR || existsSync(join(envDir, entry.name, MANIFEST))))
    .flatMap((entry) => walk(join(envDir, entry.name), `${entry.name}/`));
}

interface Plan {
  readonly envDir: string;
  readonly files: ReadonlyMap<string, string>;
  readonly changes: TreeChanges;
}

function plan(envDir: string, files: ReadonlyMap<string, string>): Plan {
  const written: string[] = [];
  const unchanged: string[] = [];
  for (const [path, content] of files) {
    const target = join(envDir, path);
    const same = existsSync(target) && readFileSync(target).equals(Buffer.from(content));
    (same ? unchanged : written).push(path);
  }
  const deleted = ownedFiles(envDir)
    .filter((path) => !files.has(path))
    .sort();
  return { envDir, files, changes: { written, unchanged, deleted } };
}

function removeEmptyDirs(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) removeEmptyDirs(join(dir, entry.name));
  if (readdirSync(dir).length === 0) rmdirSync(dir);
}

/**
 * Writes every changed file beside its target first, so a failure (disk full) removes those and leaves
 * the old tree; only then renames them into place and deletes stale files, steps that do not fail midway in practice.
 */
function apply(plans: readonly Plan[]): void {
  const temps: [string, string][] = [];
  try {
    for (const { envDir, files, changes } of plans) {
      for (const path of changes.written) {
        const target = join(envDir, path);
        const temp = `${target}.gitops-tmp-${process.pid}`;
        mkdirSync(dirname(target), { recursive: true });
        temps.push([temp, target]);
        writeFileSync(temp, files.get(path)!);
      }
    }
  } catch (error) {
    for (const [temp] of temps) rmSync(temp, { force: true });
    throw error;
  }
  for (const [temp, target] of temps) renameSync(temp, target);
  for (const { envDir, changes } of plans) {
    for (const path of changes.deleted) rmSync(join(envDir, path), { force: true });
    const touched = new Set([...changes.written, ...changes.deleted].map((path) => path.split('/')[0]));
    for (const top of touched) if (existsSync(join(envDir, top))) removeEmptyDirs(join(envDir, top));
  }
}

/** Validates the environments, then writes the trees of those Argo CD delivers; returns the changes per environment. */
export function gitops(options: GitopsOptions): Map<string, TreeChanges> {
  const log = options.log ?? (() => undefined);
  const envs = loadEnvironments(options.environments ?? ENVIRONMENT_NAMES, options.inputs);
  const delivered = envs.flatMap((env) => (env.gitops.delivery === 'argocd' ? [{ env, settings: env.gitops }] : []));
  // A leftover tree keeps Argo CD applying charts `pulumi up` now applies too: two owners.
  const problems = envs
    .filter((env) => env.gitops.delivery === 'pulumi' && ownedFiles(join(options.outDir, env.name)).length > 0)
    .map(
      (env) =>
        `environment "${env.name}": gitops.delivery: pulumi, but ${join(options.outDir, env.name)} still holds its Argo CD tree; hand the charts over first (README, "Changing who applies the charts")`,
    );
  if (problems.length > 0) throw new ConfigError(problems);

  const plans = delivered.map(({ env, settings }) => plan(join(options.outDir, env.name), renderGitopsTree(env, settings)));
  apply(plans);
  const result = new Map(delivered.map(({ env }, i) => [env.name, plans[i].changes]));
  for (const env of envs)
    log(result.has(env.name) ? summaryLine(env.name, result.get(env.name)!) : `${env.name}: delivered by pulumi up; no GitOps tree`);
  return result;
}

export const summaryLine = (env: string, { written, unchanged, deleted }: TreeChanges) =>
  `${env}: ${written.length} written, ${unchanged.length} unchanged, ${deleted.length} deleted`;

/** A wrong command line, as opposed to a wrong configuration. */
class UsageError extends Error {}

function parseArgs(argv: readonly string[]): GitopsOptions {
  const environments: string[] = [];
  let outDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') outDir = argv[++i] ?? '';
    else if (argv[i].startsWith('-')) throw new UsageError(`${argv[i]}: unknown option`);
    else environments.push(argv[i]);
  }
  if (!outDir) throw new UsageError('--out: needs the directory of the GitOps repository clone');
  return { environments: environments.length > 0 ? environments : undefined, outDir: resolve(outDir) };
}

if (require.main === module) {
  try {
    gitops({ ...parseArgs(process.argv.slice(2)), log: (line) => console.log(`gitops ${line}`) });
  } catch (error) {
    if (error instanceof UsageError) console.error(`gitops: ${error.message}\nusage: gitops --out <dir> [env...]`);
    else console.error(error instanceof ConfigError ? `gitops: ${error.message}\nnothing was written.` : error);
    process.exit(1);
  }
}
