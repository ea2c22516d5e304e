// Reads and checks the whole stack config before the program registers any resource: the stack
// name, the infra settings (validated with the rest of the environment by the config's own schema),
// and every secret the Kubernetes Secrets need. All problems are reported together.
import { ConfigError, ENVIRONMENT_INPUTS, ENVIRONMENT_NAMES, isEnvironmentName, loadEnvironments, type EnvironmentConfig } from '../config';
import { INFRA_CONFIG_KEY, PULUMI_PROJECT } from '../config/stack-files';
import { gitopsConfigValues, secretConfigValues, secretSpecs } from './secrets';

export interface StackSettings {
  readonly env: EnvironmentConfig;
  /** Every Secret value by config key: secret ones as given, plain ones with their default applied. */
  readonly values: ReadonlyMap<string, { value: string; secret: boolean }>;
}

export interface RawStackConfig {
  /** Every config value, keyed `<namespace>:<key>`, as Pulumi hands them to the program (objects as JSON). */
  readonly values: Readonly<Record<string, string>>;
  /** Whether a key was set with `--secret`. */
  readonly isSecret: (fullKey: string) => boolean;
}

const fullKey = (key: string) => `${PULUMI_PROJECT}:${key}`;
/** RFC 5737 documentation networks: the stack files ship one as a placeholder the deployer must replace. */
const DOCUMENTATION_NETWORKS = ['192.0.2.', '198.51.100.', '203.0.113.'];
const setSecret = (stack: string, key: string) => `pulumi config set --stack ${stack} --secret ${key} <value>`;

function parseInfra(stack: string, raw: string | undefined): { problems: string[]; infra?: unknown } {
  if (raw === undefined)
    return { problems: [`${INFRA_CONFIG_KEY}: missing; it belongs in Pulumi.${stack}.yaml (see the other stacks' files)`] };
  try {
    return { problems: [], infra: JSON.parse(raw) };
  } catch {
    return { problems: [`${INFRA_CONFIG_KEY}: must be an object (network, eks, nodeGroups, buckets), not ${JSON.stringify(raw)}`] };
  }
}

/** Checks the stack config; returns the validated settings or throws one ConfigError listing every problem. */
export function readStackSettings(stack: string, config: RawStackConfig): StackSettings {
  if (!isEnvironmentName(stack))
    throw new ConfigError([`stack "${stack}": must be named after an environment, one of ${ENVIRONMENT_NAMES.join(', ')}`]);
  const { problems, infra } = parseInfra(stack, config.values[INFRA_CONFIG_KEY]);
  let env: EnvironmentConfig | undefined;
  try {
    if (problems.length === 0) [env] = loadEnvironments([stack], { [stack]: { ...ENVIRONMENT_INPUTS[stack], infra } });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  // The synth accepts the placeholder; a deployment cannot reach its cluster through it.
  env?.infra.eks.publicAccessCidrs.forEach((cidr, i) => {
    if (DOCUMENTATION_NETWORKS.some((prefix) => cidr.startsWith(prefix)))
      problems.push(
        `${INFRA_CONFIG_KEY}: eks.publicAccessCidrs.${i}: ${cidr} is a documentation network (placeholder); set the networks \`pulumi up\` and your admins reach the API from`,
      );
  });
  // The Secrets are named by settings outside infra, so their checks run even when infra is wrong.
  const sources = env ?? ENVIRONMENT_INPUTS[stack];
  const wanted = [...secretConfigValues(secretSpecs(sources)), ...gitopsConfigValues(sources)];
  const known = new Set([INFRA_CONFIG_KEY, ...wanted.map((value) => fullKey(value.key))]);
  for (const key of Object.keys(config.values)
    .filter((k) => k.startsWith(`${PULUMI_PROJECT}:`) && !known.has(k))
    .sort())
    problems.push(`${key}: unknown key; this stack reads ${[...known].sort().join(', ')}`);

  const values = new Map<string, { value: string; secret: boolean }>();
  for (const wantedValue of wanted) {
    const key = fullKey(wantedValue.key);
    const given = config.values[key];
    if (!wantedValue.secret) {
      if (given === '') problems.push(`${key}: must not be empty; unset it for the default ${wantedValue.default}`);
      values.set(wantedValue.key, { value: given ?? wantedValue.default, secret: false });
      continue;
    }
    if (given === undefined || given === '') problems.push(`${key}: missing; set it with \`${setSecret(stack, wantedValue.key)}\``);
    else if (!config.isSecret(key))
      problems.push(`${key}: stored in plain text; set it again with \`${setSecret(stack, wantedValue.key)}\``);
    else {
      const problem = wantedValue.check?.(given);
      if (problem) problems.push(`${key}: ${problem}`);
      else values.set(wantedValue.key, { value: given, secret: true });
    }
  }
  if (!env || problems.length > 0) throw new ConfigError(problems);
  return { env, values };
}
