// The base side of a preview: a temporary git worktree of the base ref, with dependencies that match
// that ref's package-lock.json, built and synthesized with the ref's own code.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export function run(command: string, args: readonly string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${[command, ...args].join(' ')} failed in ${cwd}:\n${stdout}${stderr}`, { cause: error });
  }
}

/**
 * Adds a detached worktree of `ref` at `tree`. Pruning first forgets worktrees whose directory is gone
 * (a run killed before its cleanup), which would otherwise refuse a new worktree at the same path.
 */
export function addWorktree(repository: string, tree: string, ref: string): void {
  run('git', ['worktree', 'prune'], repository);
  run('git', ['worktree', 'add', '--detach', tree, ref], repository);
}

/** The bytes of `ref:package-lock.json`, or undefined when that ref has no lock file. */
export function lockFileAt(repository: string, ref: string): Buffer | undefined {
  const spec = `${ref}:package-lock.json`;
  try {
    execFileSync('git', ['cat-file', '-e', spec], { cwd: repository, stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return execFileSync('git', ['show', spec], { cwd: repository, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 2 ** 20 });
}

export interface DependencyPlan {
  /** `link`: reuse the working tree's node_modules; `install`: `npm ci` in the base worktree. */
  readonly action: 'link' | 'install';
  /** Why, for stderr; undefined when the locks are identical and nothing needs saying. */
  readonly note?: string;
}

/** Base and working tree share node_modules only when their locks are byte-identical; npm ci needs a lock. */
export function dependencyPlan(baseLock: Buffer | undefined, headLock: Buffer | undefined): DependencyPlan {
  if (baseLock === undefined)
    return {
      action: 'link',
      note: "the base has no package-lock.json, so npm ci cannot install its dependencies; using the working tree's node_modules",
    };
  if (headLock !== undefined && baseLock.equals(headLock)) return { action: 'link' };
  return {
    action: 'install',
    note: "the base's package-lock.json differs from the working tree's; installing its dependencies with npm ci",
  };
}

/** npm's progress goes to stderr: stdout carries the report summary. */
function npmCi(tree: string): void {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: tree, stdio: ['ignore', 2, 'inherit'] });
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
 * failure. The base reuses the working tree's node_modules when both locks agree (fast), else runs npm ci.
 */
export function synthesizeRef(ref: string, environments: readonly string[], repository: string): Map<string, Map<string, string>> {
  const temp = mkdtempSync(join(tmpdir(), 'preview-'));
  const tree = join(temp, 'tree');
  const out = join(temp, 'out');
  const headLockPath = join(repository, 'package-lock.json');
  const plan = dependencyPlan(lockFileAt(repository, ref), existsSync(headLockPath) ? readFileSync(headLockPath) : undefined);
  if (plan.note) console.error(`preview: ${plan.note}`);
  let added = false;
  let linked = false;
  try {
    addWorktree(repository, tree, ref);
    added = true;
    if (plan.action === 'install') npmCi(tree);
    else {
      symlinkSync(join(repository, 'node_modules'), join(tree, 'node_modules'), 'dir');
      linked = true;
    }
    run(process.execPath, [join(tree, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], tree);
    run(process.execPath, [join('build', 'scripts', 'synth.js'), '--out', out, ...environments], tree);
    return new Map(environments.map((env) => [env, readTree(join(out, env))]));
  } finally {
    // Unlink first so removing the worktree can never reach into the shared node_modules.
    if (linked) rmSync(join(tree, 'node_modules'), { force: true });
    if (added) run('git', ['worktree', 'remove', '--force', tree], repository);
    rmSync(temp, { recursive: true, force: true });
  }
}
