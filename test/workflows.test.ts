import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENT_NAMES, loadEnvironments } from '../config';

// The GitHub Actions workflows, read as data: triggers, permissions, pins, the commands they run
// (checked against package.json and the README) and the environments they deploy.
type Step = { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, unknown> };
type Job = {
  if?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: unknown;
  strategy?: { matrix?: { include?: Record<string, string>[] } };
  steps: Step[];
};
type Workflow = {
  on: unknown;
  permissions?: unknown;
  concurrency?: { group?: string; 'cancel-in-progress'?: unknown };
  jobs: Record<string, Job>;
};

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const FILES = ['ci.yml', 'preview.yml', 'deploy.yml'] as const;
const text = Object.fromEntries(FILES.map((f) => [f, read(`.github/workflows/${f}`)])) as Record<(typeof FILES)[number], string>;
const wf = Object.fromEntries(FILES.map((f) => [f, parse(text[f]) as Workflow])) as Record<(typeof FILES)[number], Workflow>;
const SCRIPTS = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
const REGION = Object.fromEntries(loadEnvironments().map((env) => [env.name, env.cluster.region]));
const FORK_GUARD = 'github.event.pull_request.head.repo.full_name == github.repository';

const jobsOf = (w: Workflow) => Object.entries(w.jobs);
const allJobs = () => FILES.flatMap((f) => jobsOf(wf[f]).map(([id, job]) => ({ file: f, id, job })));
const stepsUsing = (job: Job, action: string) => job.steps.filter((s) => s.uses?.split('@')[0] === action);
/** Shell commands of a job's run steps: continuations joined, split at newlines and `&&`. */
const commandsOf = (job: Job) =>
  job.steps
    .flatMap((s) => (s.run ?? '').replace(/\\\n\s*/g, ' ').split(/\n|&&/))
    .map((c) => c.trim())
    .filter((c) => c && !c.startsWith('#'));
const triggers = (w: Workflow) => (typeof w.on === 'string' ? { [w.on]: null } : (w.on as Record<string, { branches?: string[] } | null>));
const permissionsOf = (w: Workflow, job: Job) => job.permissions ?? w.permissions;
const writeScopes = (permissions: unknown) =>
  Object.entries(permissions as Record<string, string>)
    .filter(([, level]) => level === 'write')
    .map(([scope]) => scope)
    .sort();

/** The package.json script each npm invocation needs (`test` for `npm test`), or an error for other npm commands. */
function npmScriptsIn(command: string): string[] {
  return [...command.matchAll(/(?:^|[\s;(])npm\s+((?:-\S+\s+)*)(\S+)(?:\s+((?:-\S+\s+)*)(\S+))?/g)].map((m) => {
    const [sub, name] = [m[2], m[4]];
    if (sub === 'ci') return 'ci';
    if (sub === 'test' || sub === 't') return 'test';
    if ((sub === 'run' || sub === 'run-script') && name) return name;
    throw new Error(`unexpected npm command: ${command}`);
  });
}

describe('workflow files', () => {
  it('GIVEN the workflows WHEN their triggers are read THEN CI runs on pull requests and main, preview on pull requests, deploy only on main', () => {
    expect(triggers(wf['ci.yml'])).toEqual({ pull_request: null, push: { branches: ['main'] } });
    expect(triggers(wf['preview.yml'])).toEqual({ pull_request: null });
    // A deploy must never start from a pull request (untrusted code with deploy credentials).
    expect(triggers(wf['deploy.yml'])).toEqual({ push: { branches: ['main'] } });
  });

  it('GIVEN every job WHEN its permissions are read THEN they are explicit, contents is read-only, and each write scope is one the job uses', () => {
    for (const { file, id, job } of allJobs()) {
      const permissions = permissionsOf(wf[file], job);
      expect([file, id, typeof permissions]).toEqual([file, id, 'object']); // not absent, not write-all/read-all
      expect([file, id, (permissions as Record<string, string>).contents]).toEqual([file, id, 'read']);
      // OIDC for the AWS role; pull-requests for the report comment or pulumi's comment-on-pr.
      const needed = [
        ...(stepsUsing(job, 'aws-actions/configure-aws-credentials').length > 0 ? ['id-token'] : []),
        ...(stepsUsing(job, 'marocchino/sticky-pull-request-comment').length > 0 ||
        stepsUsing(job, 'pulumi/actions').some((s) => String(s.with?.['comment-on-pr']) === 'true')
          ? ['pull-requests']
          : []),
      ];
      expect([file, id, writeScopes(permissions)]).toEqual([file, id, needed.sort()]);
    }
    for (const file of FILES) expect([file, writeScopes(wf[file].permissions ?? {})]).toEqual([file, []]);
  });

  it('GIVEN every `uses:` WHEN read THEN it is pinned to a full version or a commit SHA with the version in a comment, the same pin everywhere', () => {
    const pins = new Map<string, Set<string>>();
    for (const file of FILES) {
      const lines = text[file].split('\n').filter((l) => /^\s*(- )?uses:/.test(l));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        const [, action, ref, comment] = line.match(/uses:\s*([\w.-]+\/[\w./-]+)@(\S+)\s*(#.*)?$/) ?? [line];
        expect([file, line, /^v\d+\.\d+\.\d+$/.test(ref ?? '') || /^[0-9a-f]{40}$/.test(ref ?? '')]).toEqual([file, line, true]);
        if (/^[0-9a-f]{40}$/.test(ref)) expect([file, line, /^# v\d+\.\d+\.\d+$/.test(comment ?? '')]).toEqual([file, line, true]);
        pins.set(action, new Set([...(pins.get(action) ?? []), `${ref} ${comment ?? ''}`.trim()]));
      }
    }
    for (const [action, refs] of pins) expect([action, refs.size]).toEqual([action, 1]);
  });

  it('GIVEN every run step WHEN it calls npm THEN it is npm ci, npm test or `npm run` of a script package.json defines', () => {
    const used = new Set<string>();
    for (const { file, id, job } of allJobs())
      for (const command of commandsOf(job))
        for (const script of npmScriptsIn(command)) {
          if (script !== 'ci') expect([file, id, command, SCRIPTS.includes(script)]).toEqual([file, id, command, true]);
          used.add(script);
        }
    expect([...used].sort()).toEqual(['ci', 'gitops', 'preview', 'synth', 'test']);
    // Shell scripts the workflows run exist too.
    for (const { job } of allJobs())
      for (const m of commandsOf(job).flatMap((c) => [...c.matchAll(/\bbash\s+(\S+\.sh)\b/g)]))
        expect([m[1], existsSync(join(ROOT, m[1]))]).toEqual([m[1], true]);
  });

  it('GIVEN a misspelled or unknown npm command WHEN checked THEN the check names the script or refuses the command', () => {
    expect(npmScriptsIn('npm run --silent synthh -- --out x')).toEqual(['synthh']);
    expect(SCRIPTS.includes('synthh')).toBe(false);
    expect(npmScriptsIn('npm ci && npm test')).toEqual(['ci', 'test']);
    expect(() => npmScriptsIn('npm install left-pad')).toThrow('unexpected npm command');
  });

  it('GIVEN the README quick start and .ci/run WHEN compared with the CI job THEN CI runs exactly those commands, tools installed before npm test', () => {
    const quickStart = read('README.md').split('## Quick start')[1].split('\n## ')[0];
    const block = quickStart.match(/```sh\n([\s\S]*?)```/)![1];
    const readme = block
      .split('\n')
      .flatMap((l) => l.replace(/#.*/, '').split('&&'))
      .map((c) => c.trim())
      .filter(Boolean);
    const ciRun = read('.ci/run')
      .split('\n')
      .filter((l) => l.startsWith('npm '));
    expect(readme).toEqual(expect.arrayContaining(['npm ci', 'npm test']));
    const [[, job]] = jobsOf(wf['ci.yml']);
    const commands = commandsOf(job);
    for (const command of [...readme, ...ciRun]) expect([command, commands.includes(command)]).toEqual([command, true]);
    const at = (c: string) => commands.indexOf(c);
    expect(at('npm ci')).toBeLessThan(at('sudo bash scripts/ensure-tools.sh'));
    expect(at('sudo bash scripts/ensure-tools.sh')).toBeLessThan(at('npm test'));
  });

  it('GIVEN the CI job WHEN it checks determinism THEN it synthesizes a second time into another directory and diffs it against dist/', () => {
    const commands = commandsOf(jobsOf(wf['ci.yml'])[0][1]);
    const again = commands.map((c) => c.match(/^npm run synth -- --out (\S+)$/)?.[1]).find(Boolean);
    expect(again).toBeDefined();
    expect(commands.indexOf('npm run synth')).toBeGreaterThanOrEqual(0);
    expect(commands).toContain(`diff -r dist ${again}`);
    expect(commands.indexOf(`diff -r dist ${again}`)).toBeGreaterThan(commands.indexOf('npm run synth'));
  });
});

describe('secrets in workflows', () => {
  it('GIVEN the workflow text WHEN scanned THEN it holds no literal credential, account id or role ARN', () => {
    const literals = [
      /pul-[0-9a-f]{40}/,
      /gh[pousr]_[A-Za-z0-9]{30,}/,
      /github_pat_/,
      /AKIA[0-9A-Z]{16}/,
      /-----BEGIN/,
      /\b\d{12}\b/,
      /arn:aws:/,
    ];
    for (const file of FILES)
      for (const pattern of literals) expect([file, pattern.source, pattern.test(text[file])]).toEqual([file, pattern.source, false]);
  });

  it('GIVEN every credential-like input or env var WHEN read THEN its value comes from secrets, never a literal', () => {
    const checked = new Set<string>();
    for (const { file, id, job } of allJobs())
      for (const step of job.steps)
        for (const [key, value] of Object.entries({ ...step.with, ...step.env }))
          if (/token|password|secret|key|role-to-assume/i.test(key)) {
            checked.add(key);
            expect([file, id, key, value]).toEqual([
              file,
              id,
              key,
              expect.stringMatching(/^\$\{\{ secrets(\.[A-Z0-9_]+|\[matrix\.[\w-]+\]) \}\}$/),
            ]);
          }
    expect([...checked].sort()).toEqual(['PULUMI_ACCESS_TOKEN', 'role-to-assume', 'ssh-key']);
  });

  it('GIVEN every run script WHEN read THEN it has no secret and no pull-request-controlled expression inside (they go through env)', () => {
    for (const { file, id, job } of allJobs())
      for (const step of job.steps)
        expect([file, id, step.run ?? '']).toEqual([
          file,
          id,
          expect.not.stringMatching(/\$\{\{[^}]*(secrets|github\.(event|head_ref|base_ref))/),
        ]);
    for (const file of FILES) expect([file, /secrets:\s*inherit/.test(text[file])]).toEqual([file, false]);
  });
});

describe('preview workflow', () => {
  const jobs = wf['preview.yml'].jobs;
  const pulumiJob = Object.values(jobs).find((j) => stepsUsing(j, 'pulumi/actions').length > 0)!;
  const reportJob = Object.values(jobs).find((j) => commandsOf(j).some((c) => npmScriptsIn(c).includes('preview')))!;

  it('GIVEN the pulumi preview matrix WHEN read THEN it has exactly the configured environments, each with its region and role secret', () => {
    const include = pulumiJob.strategy!.matrix!.include!;
    expect(include.map((e) => e.environment).sort()).toEqual([...ENVIRONMENT_NAMES].sort());
    for (const entry of include) {
      expect(entry.region).toBe(REGION[entry.environment]);
      expect(entry['role-secret']).toBe(`AWS_PREVIEW_ROLE_ARN_${entry.environment.toUpperCase()}`);
    }
    const [aws] = stepsUsing(pulumiJob, 'aws-actions/configure-aws-credentials');
    expect(aws.with).toEqual({ 'role-to-assume': '${{ secrets[matrix.role-secret] }}', 'aws-region': '${{ matrix.region }}' });
  });

  it('GIVEN the pulumi step WHEN read THEN it previews the matrix stack from the Pulumi project directory and comments on the PR', () => {
    const [pulumi] = stepsUsing(pulumiJob, 'pulumi/actions');
    expect(pulumi.with).toMatchObject({ command: 'preview', 'stack-name': '${{ matrix.environment }}', 'comment-on-pr': true });
    expect(existsSync(join(ROOT, String(pulumi.with!['work-dir']), 'Pulumi.yaml'))).toBe(true);
    expect(pulumi.env).toEqual({ PULUMI_ACCESS_TOKEN: '${{ secrets.PULUMI_ACCESS_TOKEN }}' });
  });

  it('GIVEN a pull request from a fork WHEN the workflow runs THEN every job or step that needs secrets or writes to the PR is skipped', () => {
    for (const [id, job] of jobsOf(wf['preview.yml']))
      for (const step of job.steps) {
        const needsTrust = JSON.stringify(step).includes('secrets') || step.uses?.startsWith('marocchino/sticky-pull-request-comment@');
        if (needsTrust)
          expect([id, step.name ?? step.uses, `${job.if ?? ''} ${step.if ?? ''}`]).toEqual([
            id,
            step.name ?? step.uses,
            expect.stringContaining(FORK_GUARD),
          ]);
      }
    expect(reportJob.if).toBeUndefined(); // the report itself runs for forks too (job summary, artifact)
  });

  it('GIVEN the report job WHEN read THEN it compares against the base branch with full history and posts summary.md as one sticky comment', () => {
    const [checkout] = stepsUsing(reportJob, 'actions/checkout');
    expect(checkout.with?.['fetch-depth']).toBe(0);
    const previewStep = reportJob.steps.find((s) => s.run?.startsWith('npm run preview'))!;
    expect(previewStep.env).toEqual({ BASE_REF: '${{ github.base_ref }}' });
    const out = previewStep.run!.match(/^npm run preview -- --base "origin\/\$BASE_REF" --out (\S+)$/)?.[1];
    expect(out).toBe('preview');
    const comments = stepsUsing(reportJob, 'marocchino/sticky-pull-request-comment');
    expect(comments).toHaveLength(1);
    expect(comments[0].with).toEqual({ header: expect.stringMatching(/\S/), path: `${out}/summary.md` });
  });
});

describe('deploy workflow', () => {
  const deploy = wf['deploy.yml'];

  it('GIVEN the deploy jobs WHEN read THEN each environment gets `pulumi up` on its own stack, chained in config order, staging and prod behind their environments', () => {
    ENVIRONMENT_NAMES.forEach((env, i) => {
      const job = deploy.jobs[env];
      expect(stepsUsing(job, 'pulumi/actions').map((s) => s.with)).toEqual([
        expect.objectContaining({ command: 'up', 'stack-name': env, 'work-dir': '.' }),
      ]);
      expect(job.needs).toEqual(i === 0 ? undefined : ENVIRONMENT_NAMES[i - 1]);
      expect(job.environment).toBe(env);
      const [aws] = stepsUsing(job, 'aws-actions/configure-aws-credentials');
      expect(aws.with).toEqual({ 'role-to-assume': `\${{ secrets.AWS_DEPLOY_ROLE_ARN_${env.toUpperCase()} }}`, 'aws-region': REGION[env] });
      // Deploy credentials never share the npm cache that pull-request runs write (cache poisoning).
      expect(stepsUsing(job, 'actions/setup-node')[0].with).toMatchObject({ 'package-manager-cache': false });
    });
    expect(deploy.concurrency).toEqual({ group: expect.any(String), 'cancel-in-progress': false });
  });

  it('GIVEN the gitops job WHEN read THEN after prod it writes the tree into the GitOps checkout and pushes only when something changed', () => {
    const job = deploy.jobs.gitops;
    expect(job.needs).toBe(ENVIRONMENT_NAMES[ENVIRONMENT_NAMES.length - 1]);
    const target = stepsUsing(job, 'actions/checkout').find((s) => s.with?.repository === '${{ vars.GITOPS_REPO }}')!;
    expect(target.with).toMatchObject({ 'ssh-key': '${{ secrets.GITOPS_DEPLOY_KEY }}', path: expect.any(String) });
    const commands = commandsOf(job);
    expect(commands).toContain(`npm run gitops -- --out ${target.with!.path}`);
    const push = job.steps.find((s) => s.run?.includes('git push'))!;
    expect(push).toMatchObject({ 'working-directory': target.with!.path });
    expect(push.run!.indexOf('git diff --cached --quiet')).toBeGreaterThan(push.run!.indexOf('git add --all'));
    expect(push.run!.indexOf('exit 0')).toBeLessThan(push.run!.indexOf('git push'));
  });
});
