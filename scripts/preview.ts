// `npm run preview -- --base <git ref> [--out <dir>] [--fail-on-risk] [env...]`: synthesizes the base
// ref in a temporary git worktree and the working tree in memory, and writes per environment a
// Markdown and a JSON report (<out>/<env>.md, <out>/<env>.json) plus <out>/summary.md for the PR.
// Exit codes: 0 done, 2 risky changes under --fail-on-risk, 1 on errors.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ConfigError, ENVIRONMENT_NAMES, isEnvironmentName, loadEnvironments } from '../config';
import { renderEnvironment } from '../constructs/render';
import { compareEnvironment } from './preview/compare';
import { environmentMarkdown, summaryMarkdown } from './preview/markdown';
import { exitCodeFor } from './preview/risks';
import type { EnvironmentReport } from './preview/types';

export interface PreviewOptions {
  readonly base: string;
  readonly outDir: string;
  readonly failOnRisk: boolean;
  readonly environments: readonly string[];
}

export function parseArgs(argv: readonly string[]): PreviewOptions {
  const environments: string[] = [];
  const problems: string[] = [];
  let base = '';
  let outDir = 'preview';
  let failOnRisk = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--base') base = argv[++i] ?? '';
    else if (argv[i] === '--out') outDir = argv[++i] ?? '';
    else if (argv[i] === '--fail-on-risk') failOnRisk = true;
    else if (argv[i].startsWith('--')) problems.push(`${argv[i]}: unknown option; allowed: --base, --out, --fail-on-risk`);
    else if (!isEnvironmentName(argv[i])) problems.push(`${argv[i]}: unknown environment; allowed: ${ENVIRONMENT_NAMES.join(', ')}`);
    else environments.push(argv[i]);
  }
  if (!base) problems.push('--base: needs a git ref (a branch, tag or commit) to compare against');
  if (!outDir) problems.push('--out: needs a directory');
  if (problems.length > 0) throw new ConfigError(problems);
  return { base, outDir: resolve(outDir), failOnRisk, environments: environments.length > 0 ? environments : [...ENVIRONMENT_NAMES] };
}

function run(command: string, args: readonly string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${[command, ...args].join(' ')} failed in ${cwd}:\n${stdout}${stderr}`, { cause: error });
  }
}

function readTree(dir: string, root: string = dir, files = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) readTree(path, root, files);
    else files.set(relative(root, path), readFileSync(path, 'utf8'));
  }
  return files;
}

/**
 * Synthesizes `ref` with that ref's own code, in a temporary worktree removed afterwards, also on
 * failure. Trade-off: the worktree links the working tree's node_modules instead of running `npm ci`,
 * so base and head share the installed dependencies (fast; a base needing other versions may not build).
 */
export function synthesizeRef(ref: string, environments: readonly string[], repository: string): Map<string, Map<string, string>> {
  const temp = mkdtempSync(join(tmpdir(), 'preview-'));
  const tree = join(temp, 'tree');
  const out = join(temp, 'out');
  let added = false;
  try {
    run('git', ['worktree', 'add', '--detach', tree, ref], repository);
    added = true;
    symlinkSync(join(repository, 'node_modules'), join(tree, 'node_modules'), 'dir');
    run(process.execPath, [join(tree, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], tree);
    run(process.execPath, [join('build', 'scripts', 'synth.js'), '--out', out, ...environments], tree);
    return new Map(environments.map((env) => [env, readTree(join(out, env))]));
  } finally {
    // Unlink first so removing the worktree can never reach into the shared node_modules.
    rmSync(join(tree, 'node_modules'), { force: true });
    if (added) run('git', ['worktree', 'remove', '--force', tree], repository);
    rmSync(temp, { recursive: true, force: true });
  }
}

/** Writes <env>.md, <env>.json and summary.md; returns the summary. */
export function writeReports(reports: readonly EnvironmentReport[], outDir: string, title: string): string {
  mkdirSync(outDir, { recursive: true });
  for (const report of reports) {
    writeFileSync(join(outDir, `${report.environment}.md`), environmentMarkdown(report));
    writeFileSync(join(outDir, `${report.environment}.json`), `${JSON.stringify(report, null, 2)}\n`);
  }
  const summary = summaryMarkdown(reports, title);
  writeFileSync(join(outDir, 'summary.md'), summary);
  return summary;
}

function main(options: PreviewOptions): number {
  const repository = run('git', ['rev-parse', '--show-toplevel'], process.cwd()).trim();
  const commit = run('git', ['rev-parse', '--short', `${options.base}^{commit}`], repository).trim();
  // Head is validated and rendered first: a broken working tree fails before any worktree is made.
  const head = new Map<string, Map<string, string>>(
    loadEnvironments(options.environments).map((env) => [env.name, renderEnvironment(env)]),
  );
  const base = synthesizeRef(options.base, options.environments, repository);
  const reports = options.environments.map((env) => compareEnvironment(env, base.get(env)!, head.get(env)!));
  console.log(writeReports(reports, options.outDir, `Preview: working tree against ${options.base} (${commit})`));
  console.log(
    `preview: wrote ${relative(process.cwd(), options.outDir) || '.'}/{${options.environments.join(',')}}.{md,json} and summary.md`,
  );
  return exitCodeFor(reports, options.failOnRisk);
}

if (require.main === module) {
  try {
    process.exitCode = main(parseArgs(process.argv.slice(2)));
  } catch (error) {
    console.error(
      error instanceof ConfigError ? `preview: ${error.message}` : `preview: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exitCode = 1;
  }
}
