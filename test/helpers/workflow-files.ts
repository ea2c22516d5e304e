// The GitHub Actions workflows read as data, and queries over them, for the workflow tests.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import type { ValidationError } from '@action-validator/core';

export type Step = {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'working-directory'?: string;
};
export type Job = {
  if?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: unknown;
  concurrency?: { group?: string; 'cancel-in-progress'?: unknown };
  strategy?: { matrix?: { include?: Record<string, string>[] } };
  /** A job runs steps, or calls a reusable workflow with `uses`, `with` and `secrets`. */
  steps?: Step[];
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, string> | 'inherit';
};
export type Declared = Record<string, { required?: boolean; type?: string }>;
export type Workflow = {
  on: unknown;
  permissions?: unknown;
  concurrency?: { group?: string; 'cancel-in-progress'?: unknown };
  jobs: Record<string, Job>;
};

export const ROOT = join(__dirname, '..', '..');
export const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
export const WORKFLOW_DIR = '.github/workflows';
// Every workflow file in the directory, so a new one cannot escape these checks.
export const FILES = readdirSync(join(ROOT, WORKFLOW_DIR))
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
export const text: Record<string, string> = Object.fromEntries(FILES.map((f) => [f, read(`${WORKFLOW_DIR}/${f}`)]));
export const wf: Record<string, Workflow> = Object.fromEntries(FILES.map((f) => [f, parse(text[f]) as Workflow]));
export const SCRIPTS = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
export const FORK_GUARD = 'github.event.pull_request.head.repo.full_name == github.repository';
export const REUSABLE = './.github/workflows/deploy-environment.yml';

export const jobsOf = (w: Workflow) => Object.entries(w.jobs);
export const allJobs = () => FILES.flatMap((f) => jobsOf(wf[f]).map(([id, job]) => ({ file: f, id, job })));
export const stepsOf = (job: Job) => job.steps ?? [];
export const stepsUsing = (job: Job, action: string) => stepsOf(job).filter((s) => s.uses?.split('@')[0] === action);
/** The workflow a calling job runs (only workflows of this repository are called). */
export const calledWorkflow = (job: Job) => (job.uses?.startsWith('./') ? wf[basename(job.uses)] : undefined);
/** Shell commands of a job's run steps: continuations joined, split at newlines and `&&`. */
export const commandsOf = (job: Job) =>
  stepsOf(job)
    .flatMap((s) => (s.run ?? '').replace(/\\\n\s*/g, ' ').split(/\n|&&/))
    .map((c) => c.trim())
    .filter((c) => c && !c.startsWith('#'));
export const triggers = (w: Workflow) =>
  typeof w.on === 'string' ? { [w.on]: null } : (w.on as Record<string, Record<string, unknown> | null>);
export const permissionsOf = (w: Workflow, job: Job) => job.permissions ?? w.permissions;
export const writeScopes = (permissions: unknown) =>
  Object.entries(permissions as Record<string, string>)
    .filter(([, level]) => level === 'write')
    .map(([scope]) => scope)
    .sort();
/** The write scopes a job's steps use: OIDC for the AWS role; pull-requests for the report comment or pulumi's comment-on-pr. */
export function scopesNeeded(job: Job): string[] {
  const called = calledWorkflow(job);
  if (called) return [...new Set(jobsOf(called).flatMap(([, j]) => scopesNeeded(j)))].sort();
  return [
    ...(stepsUsing(job, 'aws-actions/configure-aws-credentials').length > 0 ? ['id-token'] : []),
    ...(stepsUsing(job, 'marocchino/sticky-pull-request-comment').length > 0 ||
    stepsUsing(job, 'pulumi/actions').some((s) => String(s.with?.['comment-on-pr']) === 'true')
      ? ['pull-requests']
      : []),
  ].sort();
}
/** Every leaf problem of a schema validation, as `path: detail` (one-of branches flattened). */
export const schemaProblems = (errors: ValidationError[]): string[] =>
  errors.flatMap((e) => [
    `${'path' in e ? e.path : ''}: ${e.detail ?? e.title}`,
    ...('states' in e ? (e.states ?? []).flatMap((s) => schemaProblems(s.errors)) : []),
  ]);

/** The package.json script each npm invocation needs (`test` for `npm test`), or an error for other npm commands. */
export function npmScriptsIn(command: string): string[] {
  return [...command.matchAll(/(?:^|[\s;(])npm\s+((?:-\S+\s+)*)(\S+)(?:\s+((?:-\S+\s+)*)(\S+))?/g)].map((m) => {
    const [sub, name] = [m[2], m[4]];
    if (sub === 'ci') return 'ci';
    if (sub === 'test' || sub === 't') return 'test';
    if ((sub === 'run' || sub === 'run-script') && name) return name;
    throw new Error(`unexpected npm command: ${command}`);
  });
}
