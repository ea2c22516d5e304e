// The GitHub Actions workflows, read as data: triggers, permissions, pins, the commands they run
// (checked against package.json and the README), the environments they deploy, and the published
// workflow schema. The GitOps push step runs against local git repositories in gitops-push.test.ts.
import { validateWorkflow } from '@action-validator/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_NAMES, loadEnvironments } from '../../config';
import {
  Step,
  Declared,
  ROOT,
  read,
  FILES,
  text,
  wf,
  SCRIPTS,
  FORK_GUARD,
  REUSABLE,
  jobsOf,
  allJobs,
  stepsOf,
  stepsUsing,
  commandsOf,
  triggers,
  permissionsOf,
  writeScopes,
  scopesNeeded,
  schemaProblems,
  npmScriptsIn,
} from '../helpers/workflow-files';

const REGION = Object.fromEntries(loadEnvironments().map((env) => [env.name, env.cluster.region]));

describe('workflow files', () => {
  it('GIVEN the workflow directory WHEN listed THEN it holds CI, preview, deploy and the per-environment deploy it calls', () => {
    expect(FILES).toEqual(['ci.yml', 'deploy-environment.yml', 'deploy.yml', 'preview.yml']);
  });

  it('GIVEN the workflows WHEN their triggers are read THEN CI runs on pull requests and main, preview on pull requests, deploy only on main', () => {
    expect(triggers(wf['ci.yml'])).toEqual({ pull_request: null, push: { branches: ['main'] } });
    expect(triggers(wf['preview.yml'])).toEqual({ pull_request: null });
    // A deploy must never start from a pull request (untrusted code with deploy credentials).
    expect(triggers(wf['deploy.yml'])).toEqual({ push: { branches: ['main'] } });
    // The per-environment deploy runs only when called, never on an event of its own.
    expect(Object.keys(triggers(wf['deploy-environment.yml']))).toEqual(['workflow_call']);
  });

  it('GIVEN every job WHEN its permissions are read THEN they are explicit, contents is read-only, and each write scope is one the job (or the workflow it calls) uses', () => {
    for (const { file, id, job } of allJobs()) {
      const permissions = permissionsOf(wf[file], job);
      expect([file, id, typeof permissions]).toEqual([file, id, 'object']); // not absent, not write-all/read-all
      expect([file, id, (permissions as Record<string, string>).contents]).toEqual([file, id, 'read']);
      expect([file, id, writeScopes(permissions)]).toEqual([file, id, scopesNeeded(job)]);
    }
    // The deploy's calls grant exactly the OIDC token; without it the called job could not assume the AWS role.
    for (const env of ENVIRONMENT_NAMES) expect(wf['deploy.yml'].jobs[env].permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    for (const file of FILES) expect([file, writeScopes(wf[file].permissions ?? {})]).toEqual([file, []]);
  });

  it('GIVEN every `uses:` WHEN read THEN it is a workflow of this repository or pinned to a full version or commit SHA with the version in a comment, the same pin everywhere', () => {
    const pins = new Map<string, Set<string>>();
    for (const file of FILES) {
      const lines = text[file].split('\n').filter((l) => /^\s*(- )?uses:/.test(l));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        const local = line.match(/uses:\s*\.\/(\S+)\s*$/)?.[1];
        if (local) {
          expect([file, line, existsSync(join(ROOT, local))]).toEqual([file, line, true]);
          continue;
        }
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

  it('GIVEN every credential-like input, env var or secret passed to a called workflow WHEN read THEN its value comes from secrets, never a literal', () => {
    const checked = new Set<string>();
    const fromSecrets = expect.stringMatching(/^\$\{\{ secrets(\.[A-Z0-9_]+|\[matrix\.[\w-]+\]) \}\}$/);
    for (const { file, id, job } of allJobs()) {
      for (const step of stepsOf(job))
        for (const [key, value] of Object.entries({ ...step.with, ...step.env }))
          if (/token|password|secret|key|role-to-assume/i.test(key)) {
            checked.add(key);
            expect([file, id, key, value]).toEqual([file, id, key, fromSecrets]);
          }
      for (const [key, value] of Object.entries(job.secrets ?? {})) {
        checked.add(key);
        expect([file, id, key, value]).toEqual([file, id, key, fromSecrets]);
      }
    }
    expect([...checked].sort()).toEqual(['AWS_DEPLOY_ROLE_ARN', 'GITOPS_DEPLOY_KEY', 'PULUMI_ACCESS_TOKEN', 'role-to-assume', 'ssh-key']);
  });

  it('GIVEN every run script WHEN read THEN it has no secret, input or pull-request-controlled expression inside (they go through env), and no call inherits all secrets', () => {
    for (const { file, id, job } of allJobs())
      for (const step of stepsOf(job))
        expect([file, id, step.run ?? '']).toEqual([
          file,
          id,
          expect.not.stringMatching(/\$\{\{[^}]*(secrets|inputs|github\.(event|head_ref|base_ref))/),
        ]);
    // Each call names the secrets it passes: `inherit` would hand every environment's role to each.
    for (const { file, id, job } of allJobs()) expect([file, id, job.secrets]).not.toEqual([file, id, 'inherit']);
  });

  it('GIVEN the per-environment deploy and its callers WHEN compared THEN each call passes exactly the declared inputs and secrets, and the workflow reads nothing undeclared', () => {
    const call = triggers(wf['deploy-environment.yml']).workflow_call as { inputs: Declared; secrets: Declared };
    const callers = allJobs().filter(({ job }) => job.uses === REUSABLE);
    expect(callers.map(({ file, id }) => `${file}:${id}`)).toEqual(ENVIRONMENT_NAMES.map((env) => `deploy.yml:${env}`));
    for (const { id, job } of callers) {
      expect([id, Object.keys(job.with ?? {}).sort()]).toEqual([id, Object.keys(call.inputs).sort()]);
      expect([id, Object.keys(job.secrets as Record<string, string>).sort()]).toEqual([id, Object.keys(call.secrets).sort()]);
    }
    // Everything is required, so a caller that forgets one fails before any step runs.
    for (const declared of [call.inputs, call.secrets])
      for (const [name, spec] of Object.entries(declared)) expect([name, spec.required]).toEqual([name, true]);
    // A secret or input read but not declared would be empty at run time, not an error.
    const referenced = (kind: string) =>
      [
        ...new Set([...text['deploy-environment.yml'].matchAll(new RegExp(`\\$\\{\\{\\s*${kind}\\.([\\w-]+)`, 'g'))].map((m) => m[1])),
      ].sort();
    expect(referenced('secrets')).toEqual(Object.keys(call.secrets).sort());
    expect(referenced('inputs')).toEqual(Object.keys(call.inputs).sort());
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
      for (const step of stepsOf(job)) {
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
    const previewStep = stepsOf(reportJob).find((s) => s.run?.startsWith('npm run preview'))!;
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
  const [[, envJob]] = jobsOf(wf['deploy-environment.yml']);
  const steps = stepsOf(envJob);
  const gitopsCheckout = stepsUsing(envJob, 'actions/checkout').find((s) => s.with?.repository === '${{ vars.GITOPS_REPO }}')!;
  const gitopsDir = String(gitopsCheckout.with!.path);
  const writeStep = steps.find((s) => s.run?.startsWith('npm run gitops'))!;
  const pushStep = steps.find((s) => s.run?.includes('git push'))!;

  it('GIVEN deploy.yml WHEN its jobs are read THEN it deploys dev, then staging after dev, then prod after staging, each through the per-environment workflow', () => {
    expect(ENVIRONMENT_NAMES).toEqual(['dev', 'staging', 'prod']); // the order the issue asks for
    expect(Object.keys(deploy.jobs)).toEqual(['dev', 'staging', 'prod']);
    expect([deploy.jobs.dev.needs, deploy.jobs.staging.needs, deploy.jobs.prod.needs]).toEqual([undefined, 'dev', 'staging']);
    for (const env of ENVIRONMENT_NAMES) {
      expect(deploy.jobs[env]).toMatchObject({ uses: REUSABLE, with: { environment: env } });
      expect(deploy.jobs[env].secrets).toMatchObject({ AWS_DEPLOY_ROLE_ARN: `\${{ secrets.AWS_DEPLOY_ROLE_ARN_${env.toUpperCase()} }}` });
    }
    // Deploys of one environment never overlap and are not cancelled half-way; environments do not wait for each other.
    expect(deploy.concurrency).toBeUndefined();
    expect(envJob.concurrency).toEqual({ group: 'deploy-${{ inputs.environment }}', 'cancel-in-progress': false });
  });

  it("GIVEN each environment's call WHEN its region is read THEN it is that environment's cluster.region from config", () => {
    for (const env of ENVIRONMENT_NAMES) expect([env, deploy.jobs[env].with?.['aws-region']]).toEqual([env, REGION[env]]);
  });

  it('GIVEN the per-environment job WHEN read THEN it runs in the GitHub environment of its input and `pulumi up` on that stack with that region, without the npm cache', () => {
    // The environment's required reviewers gate the whole job, credentials included.
    expect(envJob.environment).toBe('${{ inputs.environment }}');
    expect(stepsUsing(envJob, 'pulumi/actions').map((s) => s.with)).toEqual([
      { command: 'up', 'stack-name': '${{ inputs.environment }}', 'work-dir': '.' },
    ]);
    expect(existsSync(join(ROOT, 'Pulumi.yaml'))).toBe(true);
    const [aws] = stepsUsing(envJob, 'aws-actions/configure-aws-credentials');
    expect(aws.with).toEqual({ 'role-to-assume': '${{ secrets.AWS_DEPLOY_ROLE_ARN }}', 'aws-region': '${{ inputs.aws-region }}' });
    // Deploy credentials never share the npm cache that pull-request runs write (cache poisoning).
    const [setupNode] = stepsUsing(envJob, 'actions/setup-node');
    expect(setupNode.with).toMatchObject({ 'package-manager-cache': false });
    expect(setupNode.with?.cache).toBeUndefined();
  });

  it("GIVEN the per-environment job WHEN its steps are ordered THEN the stack is deployed first, and only then is the GitOps repository checked out and that environment's tree written and pushed", () => {
    const [self] = stepsUsing(envJob, 'actions/checkout');
    expect(self.with).toEqual({ 'persist-credentials': false }); // this repository is never pushed to
    expect(gitopsCheckout.with).toEqual({
      repository: '${{ vars.GITOPS_REPO }}',
      'ssh-key': '${{ secrets.GITOPS_DEPLOY_KEY }}',
      path: gitopsDir,
    });
    const at = (step: Step) => steps.indexOf(step);
    const [pulumi] = stepsUsing(envJob, 'pulumi/actions');
    const order = [at(self), at(pulumi), at(gitopsCheckout), at(writeStep), at(pushStep)];
    expect(order).not.toContain(-1);
    expect(order).toEqual([...new Set(order)].sort((a, b) => a - b));
    // Only the named environment's directory is written, and the push commits only that directory.
    expect(writeStep.run).toBe(`npm run gitops -- --out ${gitopsDir} "$ENVIRONMENT"`);
    expect(writeStep.env).toEqual({ ENVIRONMENT: '${{ inputs.environment }}' });
    expect(pushStep['working-directory']).toBe(gitopsDir);
    expect(pushStep.env).toMatchObject({ ENVIRONMENT: '${{ inputs.environment }}' });
    expect(pushStep.run).toContain('git add --all -- "$ENVIRONMENT"');
  });
});

describe('workflow schema', () => {
  // SchemaStore's github-workflow.json, as shipped (compiled in) by @action-validator/core.
  const problems = (source: string) => schemaProblems(validateWorkflow(source).errors);

  it('GIVEN every workflow file WHEN validated against the published GitHub Actions workflow schema THEN it has no problem', () => {
    for (const file of FILES) expect([file, problems(text[file])]).toEqual([file, []]);
  });

  it('GIVEN deliberately broken copies WHEN validated THEN the schema names each mistake', () => {
    const reusable = text['deploy-environment.yml'];
    const typo = reusable.replace('    timeout-minutes: 90\n', '    timeout-minute: 90\n');
    expect(typo).not.toBe(reusable);
    expect(problems(typo)).toContain("/jobs/deploy: Additional property 'timeout-minute' is not allowed");

    const badScope = reusable.replace('id-token: write # OIDC', 'id-token: admin # OIDC');
    expect(badScope).not.toBe(reusable);
    expect(problems(badScope).some((p) => p.startsWith('/jobs/deploy/permissions/id-token:'))).toBe(true);

    // A job that calls a reusable workflow cannot also say where it runs.
    const caller = text['deploy.yml'].replace('    needs: dev\n', '    needs: dev\n    runs-on: ubuntu-24.04\n');
    expect(caller).not.toBe(text['deploy.yml']);
    expect(problems(caller)).toContain("/jobs/staging: Additional property 'runs-on' is not allowed");

    const badInputType = reusable.replace('        type: string\n', '        type: text\n');
    expect(problems(badInputType).some((p) => p.startsWith('/on/workflow_call/inputs/environment/type:'))).toBe(true);
  });
});
