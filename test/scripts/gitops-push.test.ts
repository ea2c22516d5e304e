// The deploy workflow's GitOps push step, run as written against local git repositories: it rebases
// and retries when another deploy pushed first, and gives up after its attempts.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobsOf, stepsOf, wf } from '../helpers/workflow-files';

describe('GitOps push step, run against local git repositories', () => {
  const [[, envJob]] = jobsOf(wf['deploy-environment.yml']);
  const pushStep = stepsOf(envJob).find((s) => s.run?.includes('git push'))!;
  const attempts = Number(pushStep.env?.PUSH_ATTEMPTS);
  const SOURCE = 'example/gpu-observability@0123abc';
  let dir: string;
  let remote: string;
  let seed: string;
  let clone: string;

  // No global or system git config: the step must bring its own identity (a rebase needs one too).
  const baseEnv = () => ({ PATH: process.env.PATH ?? '', HOME: dir, GIT_CONFIG_NOSYSTEM: '1' });
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      env: {
        ...baseEnv(),
        GIT_AUTHOR_NAME: 'Someone',
        GIT_AUTHOR_EMAIL: 'someone@example.com',
        GIT_COMMITTER_NAME: 'Someone',
        GIT_COMMITTER_EMAIL: 'someone@example.com',
      },
    }).trim();
  const put = (root: string, path: string, content: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  /** A commit pushed by someone else after our clone was made. */
  const concurrentPush = (path: string, content: string, message: string) => {
    put(seed, path, content);
    git(seed, 'add', '--all');
    git(seed, 'commit', '--quiet', '-m', message);
    git(seed, 'push', '--quiet', 'origin', 'main');
  };
  const remoteLog = () => git(remote, 'log', '--format=%s', 'main').split('\n');
  const remoteFile = (path: string) => spawnSync('git', ['show', `main:${path}`], { cwd: remote, encoding: 'utf8', env: baseEnv() }).stdout;

  /** The step's script as GitHub runs it (`bash -e`), with its env; the backoff sleeps are skipped. */
  function runPush(environment: string) {
    const expressions: Record<string, string> = {
      '${{ inputs.environment }}': environment,
      '${{ github.repository }}@${{ github.sha }}': SOURCE,
    };
    const stepEnv = Object.fromEntries(
      Object.entries(pushStep.env ?? {}).map(([key, value]) => {
        const v = String(value);
        if (v.includes('${{') && !(v in expressions)) throw new Error(`no test value for ${key}: ${v}`);
        return [key, expressions[v] ?? v];
      }),
    );
    return spawnSync('bash', ['-e', '-c', `sleep() { :; }\n${pushStep.run}`], {
      cwd: clone,
      encoding: 'utf8',
      env: { ...baseEnv(), ...stepEnv },
    });
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gitops-push-'));
    [remote, seed, clone] = ['remote.git', 'seed', 'gitops'].map((name) => join(dir, name));
    git(dir, 'init', '--quiet', '--bare', '-b', 'main', remote);
    git(dir, 'init', '--quiet', '-b', 'main', seed);
    git(seed, 'remote', 'add', 'origin', `file://${remote}`);
    for (const env of ['dev', 'staging']) put(seed, `${env}/prometheus/manifests.yaml`, 'replicas: 1\n');
    put(seed, 'dev/loki/manifests.yaml', 'replicas: 1\n');
    git(seed, 'add', '--all');
    git(seed, 'commit', '--quiet', '-m', 'initial tree');
    git(seed, 'push', '--quiet', 'origin', 'main');
    // Shallow, as actions/checkout clones by default.
    git(dir, 'clone', '--quiet', '--depth', '1', `file://${remote}`, clone);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN an unchanged tree WHEN the step runs THEN it pushes nothing and succeeds', () => {
    const result = runPush('dev');
    expect([result.status, result.stdout.trim()]).toEqual([0, 'GitOps tree of dev unchanged']);
    expect(remoteLog()).toEqual(['initial tree']);
  });

  it('GIVEN a changed and a removed component WHEN the step runs THEN one commit naming the environment and the source carries both to the GitOps repository', () => {
    put(clone, 'dev/prometheus/manifests.yaml', 'replicas: 2\n');
    rmSync(join(clone, 'dev/loki'), { recursive: true });
    const result = runPush('dev');
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(remoteLog()).toEqual([`Deploy dev from ${SOURCE}`, 'initial tree']);
    expect(remoteFile('dev/prometheus/manifests.yaml')).toBe('replicas: 2\n');
    expect(git(remote, 'ls-tree', '-r', '--name-only', 'main').split('\n')).toEqual([
      'dev/prometheus/manifests.yaml',
      'staging/prometheus/manifests.yaml',
    ]);
  });

  it('GIVEN someone pushed to the GitOps repository after the checkout WHEN the step runs THEN it rebases onto that push and pushes again, keeping both', () => {
    put(clone, 'dev/prometheus/manifests.yaml', 'replicas: 2\n');
    concurrentPush('staging/prometheus/manifests.yaml', 'replicas: 3\n', 'staging deploy');
    const result = runPush('dev');
    expect(result.status).toBe(0);
    expect(result.stdout.match(/::warning::/g)).toHaveLength(1);
    expect(remoteLog()).toEqual([`Deploy dev from ${SOURCE}`, 'staging deploy', 'initial tree']);
    expect([remoteFile('dev/prometheus/manifests.yaml'), remoteFile('staging/prometheus/manifests.yaml')]).toEqual([
      'replicas: 2\n',
      'replicas: 3\n',
    ]);
  });

  it('GIVEN a concurrent push that changed the same file WHEN the step runs THEN it fails loudly and leaves the GitOps repository as the other push left it', () => {
    put(clone, 'dev/prometheus/manifests.yaml', 'replicas: 2\n');
    concurrentPush('dev/prometheus/manifests.yaml', 'replicas: 5\n', 'hand edit');
    const result = runPush('dev');
    expect(result.status).not.toBe(0);
    expect(result.stdout).toMatch(/^::error::GitOps tree of dev conflicts with a concurrent change to main/m);
    expect(remoteLog()).toEqual(['hand edit', 'initial tree']);
  });

  it('GIVEN a GitOps repository that rejects every push WHEN the step runs THEN it gives up after the configured number of attempts and fails loudly', () => {
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(10);
    const tries = join(dir, 'tries');
    writeFileSync(join(remote, 'hooks', 'pre-receive'), `#!/bin/sh\necho push >> '${tries}'\nexit 1\n`, { mode: 0o755 });
    put(clone, 'dev/prometheus/manifests.yaml', 'replicas: 2\n');
    const result = runPush('dev');
    expect(result.status).not.toBe(0);
    expect(readFileSync(tries, 'utf8').trim().split('\n')).toHaveLength(attempts);
    expect(result.stdout.match(/::warning::/g)).toHaveLength(attempts - 1);
    expect(result.stdout).toMatch(new RegExp(`^::error::GitOps push of dev rejected ${attempts} times`, 'm'));
    expect(remoteLog()).toEqual(['initial tree']);
  });
});
