import { loadEnvironments } from '../../config';
import { GPU_INSTANCE_TYPES, infraSchema } from '../../config/schema/infra';
import { readStackInfra } from '../../config/stack-files';
import { problemsAfterChange } from '../helpers/config-problems';

const STACK_INFRA = { dev: readStackInfra('dev'), staging: readStackInfra('staging'), prod: readStackInfra('prod') };

interface Draft {
  network: Record<string, unknown>;
  eks: Record<string, unknown>;
  nodeGroups: Record<string, Record<string, unknown>>;
}

const issuesOf = (input: unknown) => {
  const result = infraSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};
/** The prod defaults as plain mutable data, so a case can break one field. */
const withChange = (change: (input: Draft) => void) => {
  const input = structuredClone(STACK_INFRA.prod) as unknown as Draft;
  change(input);
  return input;
};
/** Loads every environment with one change to one environment's raw settings; returns the problems. */
const loadProblems = problemsAfterChange;

describe('infra settings', () => {
  it('GIVEN the checked-in environments (their Pulumi stack files) THEN their infra settings pass the schema and the cross-checks', () => {
    for (const [name, input] of Object.entries(STACK_INFRA)) expect([name, issuesOf(input)]).toEqual([name, []]);
    expect(loadEnvironments().map((env) => env.name)).toEqual(['dev', 'staging', 'prod']);
  });

  it('GIVEN the environments THEN prod has NAT per zone, flow logs and EFA 8-GPU nodes, dev one NAT and single-GPU nodes', () => {
    const byEnv = Object.fromEntries(loadEnvironments().map((env) => [env.name, env.infra]));
    expect([byEnv.dev.network.natGateways, byEnv.prod.network.natGateways]).toEqual(['single', 'per-az']);
    expect([byEnv.dev.network.flowLogs, byEnv.prod.network.flowLogs]).toEqual([false, true]);
    expect([byEnv.dev.nodeGroups.gpu.efa, byEnv.prod.nodeGroups.gpu.efa]).toEqual([false, true]);
    expect(byEnv.dev.nodeGroups.gpu.instanceTypes.map((type) => GPU_INSTANCE_TYPES[type].gpus)).toEqual([1]);
    expect(new Set(byEnv.prod.nodeGroups.gpu.instanceTypes.map((type) => GPU_INSTANCE_TYPES[type].gpus))).toEqual(new Set([8]));
    expect(byEnv.prod.nodeGroups.gpu.scaling.max).toBeGreaterThan(byEnv.dev.nodeGroups.gpu.scaling.max);
  });

  it.each([
    ['a missing node group', (i: Draft) => delete i.nodeGroups.gpu, 'nodeGroups.gpu: Invalid input'],
    [
      'a GPU instance type of an unknown family',
      (i: Draft) => (i.nodeGroups.gpu.instanceTypes = ['x2gd.xlarge']),
      'nodeGroups.gpu.instanceTypes.0: must be one of the GPU instance types g5.xlarge',
    ],
    [
      'min above max',
      (i: Draft) => (i.nodeGroups.gpu.scaling = { min: 5, desired: 5, max: 4 }),
      'nodeGroups.gpu.scaling.min: 5 is above max 4',
    ],
    [
      'desired outside min and max',
      (i: Draft) => (i.nodeGroups.system.scaling = { min: 1, desired: 9, max: 3 }),
      'nodeGroups.system.scaling.desired: 9 must be between min 1 and max 3',
    ],
    [
      'EFA on an instance type without it',
      (i: Draft) => (i.nodeGroups.gpu = { ...i.nodeGroups.gpu, instanceTypes: ['g5.4xlarge'], efa: true }),
      'nodeGroups.gpu.efa: g5.4xlarge has no EFA interface',
    ],
    [
      'an API endpoint open to the internet',
      (i: Draft) => (i.eks.publicAccessCidrs = ['0.0.0.0/0']),
      'eks.publicAccessCidrs: must not contain 0.0.0.0/0',
    ],
    ['an unsupported EKS version', (i: Draft) => (i.eks.version = '1.25'), 'eks.version: must be one of 1.34, 1.35, 1.36'],
    ['a VPC CIDR without prefix length', (i: Draft) => (i.network.vpcCidr = '10.0.0.0'), 'network.vpcCidr: must be an IPv4 CIDR'],
    ['an unknown NAT mode', (i: Draft) => (i.network.natGateways = 'none'), 'network.natGateways: must be one of single, per-az'],
    [
      'a CPU type of a GPU family',
      (i: Draft) => (i.nodeGroups.cpuWorkers.instanceTypes = ['g5.xlarge']),
      'nodeGroups.cpuWorkers.instanceTypes.0: must be a CPU instance type',
    ],
  ])('GIVEN %s THEN the schema names the field and what is allowed', (_case, change, expected) => {
    expect(issuesOf(withChange(change))).toEqual([expect.stringContaining(expected)]);
  });

  it('GIVEN the Loki role in another account than the backup role WHEN loaded THEN the second is named, since the program creates both in one', () => {
    const problems = loadProblems('prod', (input) => {
      const storage = (input.logging.loki as Record<string, Record<string, string>>).objectStorage;
      storage.roleArn = storage.roleArn.replace(/::\d{12}:/, '::999999999999:');
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^environment "prod": logging\.loki\.objectStorage\.roleArn: account 999999999999 differs from \d{12} of storage\.backups\.roleArn;/,
      ),
    ]);
  });

  it('GIVEN GPU instance types whose GPU count differs from fleet.gpusPerNode WHEN loaded THEN each is named with both counts', () => {
    const problems = loadProblems('staging', (input) => {
      (input.infra.nodeGroups as Record<string, Record<string, unknown>>).gpu.instanceTypes = ['g5.48xlarge', 'g5.12xlarge'];
    });
    expect(problems).toEqual([
      'environment "staging": infra.nodeGroups.gpu.instanceTypes.1: g5.12xlarge has 4 GPU(s) but fleet.gpusPerNode is 8; pick types with 8',
    ]);
  });

  it('GIVEN an expected fleet larger than the node groups can grow WHEN loaded THEN the scaling maximum is named', () => {
    const problems = loadProblems('prod', (input) => {
      input.fleet = { ...input.fleet, gpuNodes: 30, cpuNodes: 40 };
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'environment "prod": infra.nodeGroups.gpu.scaling.max: 24 is below fleet.gpuNodes 30',
        'environment "prod": infra.nodeGroups.cpuWorkers.scaling.max: system and cpuWorkers reach 26 nodes at most, below fleet.cpuNodes 40',
      ]),
    );
  });
});
