import { ENVIRONMENT_INPUTS } from '../../config';
import { workloadsProblems, workloadsSchema, type WorkloadsInput } from '../../config/schema/workloads';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;

/** Schema problems of the checked-in values of `env` after one change, as `path: message` lines. */
function problemsAfter(env: (typeof ENVIRONMENTS)[number], change: (input: Mutable<WorkloadsInput>) => void): string[] {
  const input = structuredClone(ENVIRONMENT_INPUTS[env].workloads) as Mutable<WorkloadsInput>;
  change(input);
  const parsed = workloadsSchema.safeParse(input);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? `${issue.path.join('.')}: unknown field(s) ${issue.keys.join(', ')}`
      : `${issue.path.join('.')}: ${issue.message}`,
  );
}

describe('ML workload settings', () => {
  it.each(ENVIRONMENTS)('GIVEN the checked-in %s values WHEN parsed THEN the schema accepts them', (env) => {
    expect(problemsAfter(env, () => undefined)).toEqual([]);
  });

  it('GIVEN the checked-in values WHEN loaded THEN every image is pinned and prod serves from at least 2 inference replicas', () => {
    for (const env of ENVIRONMENTS) {
      const settings = workloadsSchema.parse(ENVIRONMENT_INPUTS[env].workloads);
      for (const workload of Object.values(settings))
        expect([env, workload.image.tag]).toEqual([env, expect.stringMatching(/^\d+\.\d+\.\d+$/)]);
    }
    const prod = workloadsSchema.parse(ENVIRONMENT_INPUTS.prod.workloads);
    expect(prod.moeInference.replicas.min).toBeGreaterThanOrEqual(2);
    expect(workloadsProblems(prod, true)).toEqual([]);
  });

  it('GIVEN staging and prod THEN staging runs the MoE releases prod runs', () => {
    // Staging runs what prod runs next: the same trainer and inference releases.
    const staging = workloadsSchema.parse(ENVIRONMENT_INPUTS.staging.workloads);
    const prod = workloadsSchema.parse(ENVIRONMENT_INPUTS.prod.workloads);
    expect([staging.moeTrainer.image, staging.moeInference.image]).toEqual([prod.moeTrainer.image, prod.moeInference.image]);
  });

  // Each case: the environment, the change, then fragments the one error line must contain (field first).
  const badCases: Array<[string, (typeof ENVIRONMENTS)[number], (i: Mutable<WorkloadsInput>) => void, string[]]> = [
    ['a trainer with 0 GPUs', 'prod', (i) => (i.moeTrainer.gpus = 0), ['moeTrainer.gpus', 'at least 1', '1–8']],
    ['a trainer with 16 GPUs', 'prod', (i) => (i.moeTrainer.gpus = 16), ['moeTrainer.gpus', 'at most 8']],
    ['half a GPU for inference', 'dev', (i) => (i.moeInference.gpus = 0.5), ['moeInference.gpus', 'whole number of GPUs from 1 to 8']],
    [
      'autoscaling min above max',
      'prod',
      (i) => (i.moeInference.replicas = { min: 6, max: 3 }),
      ['moeInference.replicas.min', '6 is above replicas.max 3', 'min <= max'],
    ],
    ['0 inference replicas', 'dev', (i) => (i.moeInference.replicas.min = 0), ['moeInference.replicas.min', 'at least 1']],
    ['a CPU target of 100 %', 'prod', (i) => (i.moeInference.targetCpuUtilization = 100), ['moeInference.targetCpuUtilization', '10–95']],
    ['a trainer budget of 2', 'prod', (i) => Object.assign(i.moeTrainer, { maxUnavailable: 2 }), ['moeTrainer.maxUnavailable', '0 or 1']],
    ['image tag latest', 'staging', (i) => (i.mageLearner.image.tag = 'latest'), ['mageLearner.image.tag', 'not "latest"']],
    ['0 game runners', 'dev', (i) => (i.mageWorker.numGameRunners = 0), ['mageWorker.numGameRunners', 'at least 1']],
    ['a learner without GPU', 'dev', (i) => (i.mageLearner.gpus = 0), ['mageLearner.gpus', 'at least 1']],
    [
      'a memory limit below its request',
      'prod',
      (i) => (i.dashboard.resources.memory = { request: '1Gi', limit: '512Mi' }),
      ['dashboard.resources.memory.limit', 'below the request'],
    ],
    [
      'a misspelt field',
      'prod',
      (i) => Object.assign(i.mageWorker, { numGameRunner: 4 }),
      ['mageWorker', 'unknown field(s) numGameRunner'],
    ],
  ];

  it.each(badCases)('GIVEN %s WHEN parsed THEN one error names the field and what is allowed', (_name, env, change, fragments) => {
    const line = problemsAfter(env, change).find((problem) => problem.startsWith(`${fragments[0]}:`));
    expect(line).toBeDefined();
    for (const fragment of fragments) expect(line).toContain(fragment);
  });

  it('GIVEN 1 inference replica WHEN checked for a highly available environment THEN it is refused naming the field and the minimum', () => {
    const dev = workloadsSchema.parse(ENVIRONMENT_INPUTS.dev.workloads);
    expect(dev.moeInference.replicas.min).toBe(1);
    const problems = workloadsProblems(dev, true);
    expect(problems).toEqual([{ path: 'workloads.moeInference.replicas.min', message: expect.stringContaining('must be at least 2') }]);
    expect(problems[0].message).toMatch(/^1 is too few/);
    // Outside prod one replica is a fine way to save GPUs.
    expect(workloadsProblems(dev, false)).toEqual([]);
  });
});
