import { ConfigError, ENVIRONMENT_NAMES, loadEnvironments } from '../../config';
import { INFRA_CONFIG_KEY, PULUMI_PROJECT, readStackConfig } from '../../config/stack-files';
import { readStackSettings, type RawStackConfig } from '../../infra/stack-settings';
import { attemptProgram, secretKeysOf, TEST_ADMIN_CIDR, TEST_SECRETS, withOperatorNetworks } from '../helpers/pulumi-program';

type Draft = Record<string, Record<string, Record<string, unknown> & { scaling?: Record<string, number> }>>;
interface Change {
  /** Edits a copy of the stack file's infra settings. */
  readonly infra?: (infra: Draft) => void;
  /** Config values to set, or with `undefined` remove; keys without the project prefix. */
  readonly values?: Readonly<Record<string, string | undefined>>;
  /** Keys stored as plain text instead of with `--secret`. */
  readonly plain?: readonly string[];
  /** Keep the stack file's placeholder admin network, as a fresh clone has it. @default false */
  readonly keepPlaceholders?: boolean;
}

const key = (name: string) => `${PULUMI_PROJECT}:${name}`;
const setSecret = (stack: string, name: string) => `pulumi config set --stack ${stack} --secret ${name} <value>`;
const envOf = (stack: string) => loadEnvironments([stack])[0];
/** The stack file's infra settings; unless kept, its TEST-NET-3 admin network becomes one an operator would set. */
const stackInfra = (stack: string, keepPlaceholders = false) => {
  const infra = structuredClone(readStackConfig(stack)[INFRA_CONFIG_KEY]) as Draft;
  const eks = infra.eks as unknown as { publicAccessCidrs: string[] };
  if (!keepPlaceholders) eks.publicAccessCidrs = withOperatorNetworks(eks.publicAccessCidrs) as string[];
  return infra;
};

/** The stack config as Pulumi hands it to the program: the real stack file plus every secret it needs. */
function rawConfig(stack: string, change: Change = {}): RawStackConfig {
  const infra = stackInfra(stack, change.keepPlaceholders);
  change.infra?.(infra);
  const values: Record<string, string> = { [INFRA_CONFIG_KEY]: JSON.stringify(infra) };
  for (const name of secretKeysOf(stack)) values[key(name)] = TEST_SECRETS[name];
  for (const [name, value] of Object.entries(change.values ?? {}))
    if (value === undefined) delete values[key(name)];
    else values[key(name)] = value;
  const plain = new Set((change.plain ?? []).map(key));
  return { values, isSecret: (fullKey) => fullKey in values && fullKey !== INFRA_CONFIG_KEY && !plain.has(fullKey) };
}

/** The problem lines readStackSettings throws for `config`; fails the test when it does not throw. */
function problemsOf(stack: string, config: RawStackConfig): string[] {
  try {
    readStackSettings(stack, config);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error(`stack ${stack}: the config was accepted`);
}

/** GPU types the checked-in stacks use: each must be among the allowed ones a bad-type message lists. */
const GPU_TYPES_IN_USE = [
  ...new Set(ENVIRONMENT_NAMES.flatMap((stack) => stackInfra(stack).nodeGroups.gpu.instanceTypes as unknown as string[])),
];
const infraLine = (stack: string, path: string, message: string) => `environment "${stack}": infra.${path}: ${message}`;

/** One bad config per case; the lines are what an operator reads, so each names the field and the fix. */
const BAD_CONFIGS: Array<{ name: string; stack: string; change: Change; line: string | RegExp }> = [
  {
    name: 'no gpu-observability:infra',
    stack: 'dev',
    change: { values: { infra: undefined } },
    line: "gpu-observability:infra: missing; it belongs in Pulumi.dev.yaml (see the other stacks' files)",
  },
  {
    name: 'infra that is not JSON',
    stack: 'dev',
    change: { values: { infra: 'network: {' } },
    line: 'gpu-observability:infra: must be an object (network, eks, nodeGroups, buckets), not "network: {"',
  },
  {
    name: 'a GPU instance type of an unknown family',
    stack: 'dev',
    change: { infra: (infra) => (infra.nodeGroups.gpu.instanceTypes = ['x2gd.16xlarge'] as never) },
    line: new RegExp(
      `^environment "dev": infra\\.nodeGroups\\.gpu\\.instanceTypes\\.0: must be one of the GPU instance types ${GPU_TYPES_IN_USE.map((t) => `(?=.*\\b${t.replace('.', '\\.')}\\b)`).join('')}`,
    ),
  },
  {
    name: 'scaling with min above max',
    stack: 'dev',
    change: { infra: (infra) => Object.assign(infra.nodeGroups.system.scaling!, { min: 5, max: 3 }) },
    line: infraLine('dev', 'nodeGroups.system.scaling.min', '5 is above max 3'),
  },
  {
    name: 'a node-group field removed',
    stack: 'staging',
    change: { infra: (infra) => delete infra.nodeGroups.cpuWorkers.capacityType },
    line: infraLine('staging', 'nodeGroups.cpuWorkers.capacityType', 'must be one of ON_DEMAND, SPOT'),
  },
  {
    name: '0.0.0.0/0 among the public access CIDRs',
    stack: 'prod',
    change: { infra: (infra) => (infra.eks.publicAccessCidrs = [TEST_ADMIN_CIDR, '0.0.0.0/0'] as never) },
    line: infraLine(
      'prod',
      'eks.publicAccessCidrs',
      'must not contain 0.0.0.0/0 or other networks wider than /8: list the networks that administer the cluster',
    ),
  },
  {
    name: 'the whole internet as two halves',
    stack: 'dev',
    change: { infra: (infra) => (infra.eks.publicAccessCidrs = ['0.0.0.0/1', '128.0.0.0/1'] as never) },
    line: infraLine(
      'dev',
      'eks.publicAccessCidrs',
      'must not contain 0.0.0.0/0 or other networks wider than /8: list the networks that administer the cluster',
    ),
  },
  {
    name: "the stack file's placeholder admin network (a fresh clone)",
    stack: 'staging',
    change: { keepPlaceholders: true },
    line: 'gpu-observability:infra: eks.publicAccessCidrs.0: 203.0.113.0/24 is a documentation network (placeholder); set the networks `pulumi up` and your admins reach the API from',
  },
  {
    name: 'an admin role listed twice',
    stack: 'prod',
    change: {
      infra: (infra) => {
        const eks = infra.eks as unknown as { adminRoleArns: string[] };
        eks.adminRoleArns = [eks.adminRoleArns[0], eks.adminRoleArns[0]];
      },
    },
    line: infraLine('prod', 'eks.adminRoleArns', 'must not name a role twice: EKS allows one access entry per role'),
  },
  {
    name: 'a missing grafanaAdminPassword',
    stack: 'dev',
    change: { values: { grafanaAdminPassword: undefined } },
    line: `gpu-observability:grafanaAdminPassword: missing; set it with \`${setSecret('dev', 'grafanaAdminPassword')}\``,
  },
  {
    name: 'a secret stored in plain text',
    stack: 'staging',
    change: { plain: ['smtpPassword'] },
    line: `gpu-observability:smtpPassword: stored in plain text; set it again with \`${setSecret('staging', 'smtpPassword')}\``,
  },
  {
    name: 'a redis password containing "',
    stack: 'dev',
    change: { values: { redisPassword: 'pa"ss' } },
    line: 'gpu-observability:redisPassword: must not contain ", \\ or a line break (redis.conf quotes it)',
  },
  {
    name: 'a Slack API URL that is not https',
    stack: 'prod',
    change: { values: { slackApiUrl: 'http://hooks.example.com/services/T000/B000/plain' } },
    line: 'gpu-observability:slackApiUrl: must be an https:// URL',
  },
  {
    name: 'no deploy key for the ssh GitOps repository Argo CD reads',
    stack: 'staging',
    change: { values: { gitopsRepoSshKey: undefined } },
    line: `gpu-observability:gitopsRepoSshKey: missing; set it with \`${setSecret('staging', 'gitopsRepoSshKey')}\``,
  },
  {
    name: 'a public key given as the GitOps deploy key',
    stack: 'prod',
    change: { values: { gitopsRepoSshKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample deploy@moe-lab' } },
    line: /^gpu-observability:gitopsRepoSshKey: must be a private key in PEM form/,
  },
  {
    name: 'an unknown key in the project namespace (a typo)',
    stack: 'dev',
    change: { values: { grafanaAdminPasword: 'typo-value' } },
    line: /^gpu-observability:grafanaAdminPasword: unknown key; this stack reads .*gpu-observability:grafanaAdminPassword\b/,
  },
];

describe('readStackSettings', () => {
  it.each(BAD_CONFIGS)(
    'GIVEN $name WHEN reading the stack settings THEN the problem names the field and the fix',
    ({ stack, change, line }) => {
      const problems = problemsOf(stack, rawConfig(stack, change));
      if (typeof line === 'string') expect(problems).toContain(line);
      else expect(problems).toContainEqual(expect.stringMatching(line));
    },
  );

  it('GIVEN a GPU type whose GPU count differs from fleet.gpusPerNode THEN the problem names both counts', () => {
    const { gpusPerNode } = envOf('dev').fleet;
    // g5.48xlarge has 8 A10G GPUs, g5.2xlarge one (AWS accelerated-computing instance table).
    const [type, gpus] = gpusPerNode === 8 ? ['g5.2xlarge', 1] : ['g5.48xlarge', 8];
    const problems = problemsOf('dev', rawConfig('dev', { infra: (infra) => (infra.nodeGroups.gpu.instanceTypes = [type] as never) }));
    expect(problems).toEqual([
      infraLine(
        'dev',
        'nodeGroups.gpu.instanceTypes.0',
        `${type} has ${gpus} GPU(s) but fleet.gpusPerNode is ${gpusPerNode}; pick types with ${gpusPerNode}`,
      ),
    ]);
  });

  it.each(['qa', 'Prod', 'production'])('GIVEN stack "%s" WHEN reading THEN it must be named after an environment', (stack) => {
    expect(problemsOf(stack, rawConfig('dev'))).toEqual([
      `stack "${stack}": must be named after an environment, one of ${ENVIRONMENT_NAMES.join(', ')}`,
    ]);
  });

  it.each(['back\\slash', 'two\nlines'])('GIVEN a redis password with %j THEN it is refused without echoing it', (password) => {
    const problems = problemsOf('dev', rawConfig('dev', { values: { redisPassword: password } }));
    expect(problems).toEqual([expect.stringMatching(/^gpu-observability:redisPassword: must not contain/)]);
    expect(problems.join('\n')).not.toContain(password);
  });

  it('GIVEN several infra problems THEN they are all reported in one error', () => {
    const problems = problemsOf(
      'dev',
      rawConfig('dev', {
        infra: (infra) => {
          infra.nodeGroups.gpu.instanceTypes = ['x2gd.16xlarge'] as never;
          Object.assign(infra.nodeGroups.system.scaling!, { min: 5, max: 3 });
          infra.eks.publicAccessCidrs = ['0.0.0.0/0'] as never;
        },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^environment "dev": infra\.nodeGroups\.gpu\.instanceTypes\.0: must be one of the GPU instance types/),
        infraLine('dev', 'nodeGroups.system.scaling.min', '5 is above max 3'),
        expect.stringMatching(/^environment "dev": infra\.eks\.publicAccessCidrs: must not contain 0\.0\.0\.0\/0/),
      ]),
    );
  });

  it('GIVEN several secret problems THEN each is reported, and no secret value appears in the message', () => {
    const slack = 'http://hooks.example.com/services/leaky-value';
    const problems = problemsOf(
      'prod',
      rawConfig('prod', { values: { grafanaAdminPassword: undefined, slackApiUrl: slack, heartbeatTokn: 'x' }, plain: ['smtpPassword'] }),
    );
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        `gpu-observability:grafanaAdminPassword: missing; set it with \`${setSecret('prod', 'grafanaAdminPassword')}\``,
        'gpu-observability:slackApiUrl: must be an https:// URL',
        `gpu-observability:smtpPassword: stored in plain text; set it again with \`${setSecret('prod', 'smtpPassword')}\``,
        expect.stringMatching(/^gpu-observability:heartbeatTokn: unknown key/),
      ]),
    );
    expect(problems.join('\n')).not.toContain(slack);
    expect(problems.join('\n')).not.toContain(TEST_SECRETS.smtpPassword);
  });

  describe.each(ENVIRONMENT_NAMES)('GIVEN the %s stack file and its secrets', (stack) => {
    const env = envOf(stack);
    const usesPostgres = env.grafana.database.type === 'postgres';

    it('THEN the settings are that environment, with every secret as given and marked secret', () => {
      const settings = readStackSettings(stack, rawConfig(stack));
      expect(settings.env.name).toBe(stack);
      expect(settings.env.infra.network.vpcCidr).toBe(stackInfra(stack).network.vpcCidr);
      for (const name of secretKeysOf(stack))
        expect([name, settings.values.get(name)]).toEqual([name, { value: TEST_SECRETS[name], secret: true }]);
    });

    it('THEN unset plain keys take their defaults and a set one wins', () => {
      const defaults = readStackSettings(stack, rawConfig(stack)).values;
      expect(defaults.get('grafanaAdminUser')).toEqual({ value: 'admin', secret: false });
      expect(defaults.get('postgresUser')).toEqual({ value: 'postgres', secret: false });
      expect(defaults.get('grafanaDatabaseUser')).toEqual(usesPostgres ? { value: 'grafana', secret: false } : undefined);
      const set = readStackSettings(stack, rawConfig(stack, { values: { grafanaAdminUser: 'ops' }, plain: ['grafanaAdminUser'] })).values;
      expect(set.get('grafanaAdminUser')).toEqual({ value: 'ops', secret: false });
    });

    it(`THEN grafanaDatabasePassword is ${usesPostgres ? 'required (Grafana on PostgreSQL)' : 'not read (Grafana on SQLite)'}`, () => {
      const without = rawConfig(stack, { values: { grafanaDatabasePassword: undefined } });
      if (usesPostgres)
        expect(problemsOf(stack, without)).toEqual([
          `gpu-observability:grafanaDatabasePassword: missing; set it with \`${setSecret(stack, 'grafanaDatabasePassword')}\``,
        ]);
      else {
        expect(readStackSettings(stack, without).values.has('grafanaDatabasePassword')).toBe(false);
        const extra = rawConfig(stack, { values: { grafanaDatabasePassword: 'unused' } });
        expect(problemsOf(stack, extra)).toEqual([expect.stringMatching(/^gpu-observability:grafanaDatabasePassword: unknown key/)]);
      }
    });
  });

  it('GIVEN config of another namespace (aws:region) THEN it is not taken for a typo', () => {
    const config = rawConfig('dev');
    expect(() => readStackSettings('dev', { ...config, values: { ...config.values, 'aws:region': 'us-west-2' } })).not.toThrow();
  });
});

describe('the Pulumi program with a bad stack config', () => {
  // The control: the same recorder does see resources when the config is good, so "none" means none.
  it('GIVEN the dev stack file and its secrets WHEN the program runs THEN it registers resources', async () => {
    const attempt = await attemptProgram('dev');
    expect(attempt.ok).toBe(true);
    expect(attempt.resources.map((r) => r.type)).toEqual(expect.arrayContaining(['aws:ec2/vpc:Vpc', 'aws:eks/cluster:Cluster']));
  });

  it.each(BAD_CONFIGS)(
    'GIVEN $name WHEN the program runs THEN it registers no resource and stops with the problem',
    async ({ stack, change, line }) => {
      // The harness takes the same changes as config: objects as JSON, `undefined` to remove a key.
      const config: Record<string, unknown> = { ...change.values };
      if (change.infra) {
        const infra = stackInfra(stack, change.keepPlaceholders);
        change.infra(infra);
        config.infra = infra;
      }
      const attempt = await attemptProgram(stack, { config, plain: change.plain, keepPlaceholders: change.keepPlaceholders });
      expect(attempt.ok).toBe(false);
      expect(attempt.resources).toEqual([]);
      expect(attempt.calls).toEqual([]);
      const error = (attempt as { error: Error & { problems?: string[] } }).error;
      expect(error.name).toBe('ConfigError');
      if (typeof line === 'string') expect(error.problems).toContain(line);
      else expect(error.problems).toContainEqual(expect.stringMatching(line));
      expect(error.message).toContain('invalid environment configuration');
    },
  );
});
