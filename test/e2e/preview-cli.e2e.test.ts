// The preview command line end to end: a copy of this repository's working tree in a throwaway git
// repository, compiled once with the repository's TypeScript, and `node build/scripts/preview.js` run
// in it as `npm run preview` would after its build step. Real git worktrees, tsc and synth; dev only.
//
// History of the copy: HEAD~1 is the working tree as copied, HEAD removes the alert MoETrainingLossHigh,
// and the uncommitted head lowers GPUMemoryUsageHigh's threshold in rules/thresholds.ts from 95 to 90.
// Against HEAD the only change is that threshold (harmless); against HEAD~1 an alert is also gone (a risk).
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addWorktree, dependencyPlan, lockFileAt } from '../../scripts/preview/worktree';
import type { EnvironmentReport } from '../../scripts/preview/types';
import { linesOf, section } from '../helpers/preview-report';
import { copyWorkingTree, editFile, git, runNode, type CommandResult } from '../helpers/preview-repository';

const COMPILE_TIMEOUT_MS = 120000;
const PREVIEW_TIMEOUT_MS = 120000;

interface PreviewRun extends CommandResult {
  readonly markdown: string;
  readonly report: EnvironmentReport;
  readonly summary: string;
}

/** Removes the rule object `{ alert: '<name>', … }` from a rules source file, by its braces' indentation. */
function removeAlertSource(repo: string, file: string, alert: string): void {
  const path = join(repo, file);
  const lines = linesOf(readFileSync(path, 'utf8'));
  const named = lines.findIndex((line) => line.trim() === `alert: '${alert}',`);
  if (named < 1 || !lines[named - 1].trim().startsWith('{')) throw new Error(`${file}: no rule object for ${alert}`);
  const indent = lines[named - 1].indexOf('{');
  const close = lines.findIndex((line, i) => i > named && line === `${' '.repeat(indent)}},`);
  if (close < 0) throw new Error(`${file}: the rule object for ${alert} does not close`);
  lines.splice(named - 1, close - named + 2);
  writeFileSync(path, lines.join('\n'));
}

/** The registered worktrees of `repo`, as `git worktree list --porcelain` names them. */
const worktreesOf = (repo: string) =>
  linesOf(git(repo, 'worktree', 'list', '--porcelain'))
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));

describe('GIVEN a copy of the working tree in a git repository, compiled once, with a worktree left by a killed run', () => {
  let root: string;
  let repo: string;
  const runs: Record<string, PreviewRun> = {};

  const preview = (name: string, ...args: string[]): void => {
    const out = join(root, name);
    const result = runNode(repo, ['build/scripts/preview.js', ...args, '--out', out], PREVIEW_TIMEOUT_MS);
    const read = (file: string) => readFileSync(join(out, file), 'utf8');
    if (result.status !== 0 && result.status !== 2) throw new Error(`preview exited ${result.status}:\n${result.stdout}${result.stderr}`);
    runs[name] = {
      ...result,
      markdown: read('dev.md'),
      report: JSON.parse(read('dev.json')) as EnvironmentReport,
      summary: read('summary.md'),
    };
  };

  beforeAll(
    () => {
      root = mkdtempSync(join(tmpdir(), 'preview-cli-'));
      repo = join(root, 'repository');
      copyWorkingTree(repo);
      removeAlertSource(repo, 'rules/groups/moe-training.ts', 'MoETrainingLossHigh');
      git(repo, 'commit', '--quiet', '--all', '--message', 'remove MoETrainingLossHigh');
      // A killed run: its worktree is registered, its temporary directory already gone.
      git(repo, 'worktree', 'add', '--quiet', '--detach', join(root, 'killed-run'), 'HEAD');
      rmSync(join(root, 'killed-run'), { recursive: true, force: true });
      editFile(repo, 'rules/thresholds.ts', 'maxGpuMemoryUtilizationPercent: 95,', 'maxGpuMemoryUtilizationPercent: 90,');
      const build = runNode(repo, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], COMPILE_TIMEOUT_MS);
      if (build.status !== 0) throw new Error(`tsc exited ${build.status}:\n${build.stdout}${build.stderr}`);
      preview('against-head', '--base', 'HEAD', '--fail-on-risk', 'dev');
      preview('against-parent', '--base', 'HEAD~1', '--fail-on-risk', 'dev');
    },
    COMPILE_TIMEOUT_MS + 2 * PREVIEW_TIMEOUT_MS,
  );

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  describe('WHEN previewed against HEAD, where the only change is the threshold, with --fail-on-risk', () => {
    it('THEN it exits 0 and dev.md lists the threshold change under Alerts and no risk', () => {
      const run = runs['against-head'];
      expect(run.status).toBe(0);
      // Identical package-lock.json on both sides: the base reuses node_modules, nothing to say on stderr.
      expect(run.stderr).not.toMatch(/package-lock|npm ci/);
      expect(linesOf(run.markdown)[0]).toBe('## Preview: dev');
      expect(section(run.markdown, 'Risks')).toEqual(['None.']);
      expect(section(run.markdown, 'Alerts')).toEqual(['- GPUMemoryUsageHigh: threshold 95 → 90']);
    });

    it('THEN dev.json holds the same change and no risk, and summary.md names the base commit', () => {
      const run = runs['against-head'];
      expect(run.report.environment).toBe('dev');
      expect(run.report.risks).toEqual([]);
      expect(run.report.changes.filter((change) => change.section === 'alerts')).toEqual([
        { section: 'alerts', text: 'GPUMemoryUsageHigh: threshold 95 → 90' },
      ]);
      const commit = git(repo, 'rev-parse', '--short', 'HEAD').trim();
      expect(linesOf(run.summary)[0]).toBe(`## Preview: working tree against HEAD (${commit})`);
      expect(section(run.summary, 'Alerts')).toEqual(['- GPUMemoryUsageHigh: threshold 95 → 90 (dev)']);
      expect(run.stdout.startsWith(run.summary)).toBe(true);
    });
  });

  describe('WHEN previewed against HEAD~1, which still has MoETrainingLossHigh, with --fail-on-risk', () => {
    it('THEN it exits 2 and dev.md lists the removed alert as the one risk, beside the threshold change', () => {
      const run = runs['against-parent'];
      expect(run.status).toBe(2);
      expect(section(run.markdown, 'Risks')).toEqual(['- Alert removed: MoETrainingLossHigh']);
      expect(section(run.markdown, 'Alerts')).toEqual(['- GPUMemoryUsageHigh: threshold 95 → 90', '- Alert removed: MoETrainingLossHigh']);
      expect(section(run.summary, 'Risks')).toEqual(['- Alert removed: MoETrainingLossHigh (dev)']);
    });

    it('THEN dev.json holds that risk with its kind', () => {
      expect(runs['against-parent'].report.risks).toEqual([{ kind: 'alert-removed', text: 'Alert removed: MoETrainingLossHigh' }]);
    });
  });

  it('THEN only the repository itself is left as a worktree: the killed run’s was pruned, each run removed its own', () => {
    expect(worktreesOf(repo)).toEqual([realpathSync(repo)]);
  });

  it('GIVEN HEAD and a commit without files WHEN their package-lock.json is read THEN HEAD gives the working tree’s bytes, the other none', () => {
    const emptyTree = git(repo, 'mktree').trim();
    const withoutFiles = git(repo, 'commit-tree', emptyTree, '-m', 'no files').trim();
    expect(lockFileAt(repo, withoutFiles)).toBeUndefined();
    const headLock = readFileSync(join(repo, 'package-lock.json'));
    expect(lockFileAt(repo, 'HEAD')?.equals(headLock)).toBe(true);
    expect(dependencyPlan(lockFileAt(repo, 'HEAD'), headLock).action).toBe('link');
  });

  it('GIVEN a worktree registered at a path whose directory is gone WHEN one is added at that path again THEN that works', () => {
    const tree = join(root, 'reused');
    git(repo, 'worktree', 'add', '--quiet', '--detach', tree, 'HEAD');
    rmSync(tree, { recursive: true, force: true });
    expect(() => addWorktree(repo, tree, 'HEAD')).not.toThrow();
    expect(readFileSync(join(tree, 'rules', 'thresholds.ts'), 'utf8')).toContain('maxGpuMemoryUtilizationPercent: 95,');
    git(repo, 'worktree', 'remove', '--force', tree);
  });
});
