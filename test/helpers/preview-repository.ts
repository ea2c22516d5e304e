// A throwaway git repository holding a copy of this repository's working tree, for running the
// preview command line as a user would: its own commits are the base refs, its edits the head.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const REPOSITORY_ROOT = resolve(__dirname, '..', '..');
/** Every git command of the copy; bounded so a stuck git cannot hang the suite. */
const GIT_TIMEOUT_MS = 30000;

/** Runs git in `cwd` with a fixed identity and no signing, so commits work on any machine. */
export function git(cwd: string, ...args: string[]): string {
  const identity = ['-c', 'user.name=Preview Test', '-c', 'user.email=preview-test@example.com', '-c', 'commit.gpgsign=false'];
  return execFileSync('git', [...identity, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: GIT_TIMEOUT_MS });
}

/**
 * Copies the files git lists for the working tree (tracked and untracked, ignored ones left out, so no
 * stale build/ or dist/) into `dir`, commits them as the base, then links node_modules (kept out of git).
 */
export function copyWorkingTree(dir: string): void {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPOSITORY_ROOT,
    timeout: GIT_TIMEOUT_MS,
  });
  const files = listed.toString('utf8').split('\0').filter(Boolean);
  mkdirSync(dir, { recursive: true });
  for (const file of files) {
    const from = join(REPOSITORY_ROOT, file);
    // Tracked but deleted in the working tree: not part of what the working tree renders.
    if (!existsSync(from) || lstatSync(from).isDirectory()) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(from, join(dir, file));
  }
  git(dir, 'init', '--quiet');
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '--message', 'base: the working tree as copied');
  // `node_modules/` in .gitignore matches directories only; the link must not show up as a new file.
  writeFileSync(join(dir, '.git', 'info', 'exclude'), '/node_modules\n');
  symlinkSync(join(REPOSITORY_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
}

/** Replaces `from` with `to` in one file of the copy, failing unless it occurs exactly once. */
export function editFile(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`${file}: expected "${from}" once, found it ${count} times`);
  writeFileSync(path, text.replace(from, to));
}

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `node <args>` in `cwd`, killed after `timeoutMs`. */
export function runNode(cwd: string, args: readonly string[], timeoutMs: number): CommandResult {
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 2 ** 20 });
  if (result.error) throw new Error(`node ${args.join(' ')}: ${result.error.message}\n${result.stdout}${result.stderr}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}
