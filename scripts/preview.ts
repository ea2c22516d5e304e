// `npm run preview -- --base <git ref> [--out <dir>] [--fail-on-risk] [env...]`: synthesizes the base
// ref in a temporary git worktree and the working tree in memory, and writes per environment a
// Markdown and a JSON report (<out>/<env>.md, <out>/<env>.json) plus <out>/summary.md for the PR.
// Exit codes: 0 done, 2 risky changes under --fail-on-risk, 1 on errors.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ConfigError, ENVIRONMENT_NAMES, isEnvironmentName, loadEnvironments } from '../config';
import { renderEnvironment } from '../constructs/assembly/render';
import { compareEnvironment } from './preview/compare';
import { environmentMarkdown, summaryMarkdown } from './preview/markdown';
import { exitCodeFor } from './preview/risks';
import type { EnvironmentReport } from './preview/types';
import { run, synthesizeRef } from './preview/worktree';

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
