// Runs the Pulumi program (infra/) under Pulumi's mocks for one stack and records what it registers:
// every resource with its inputs, which inputs were secret, and the dependencies the engine would see.
// The config comes from the real Pulumi.<stack>.yaml (its placeholder admin network replaced) plus the
// test secret values below. Dependencies are keyed by URN, not name: the VPC, the EKS cluster and the
// Kubernetes provider share one name.
import * as pulumi from '@pulumi/pulumi';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isEnvironmentName, loadEnvironments, type EnvironmentInput } from '../../config';
import { isSshRepo } from '../../config/schema/gitops';
import { INFRA_CONFIG_KEY, projectRoot, PULUMI_PROJECT, readStackConfig } from '../../config/stack-files';

/** One value per secret config key any stack may read; each is distinct so a leak names its source. */
export const TEST_SECRETS = {
  grafanaAdminPassword: 'test-grafana-admin-password-5d1e',
  pagerdutyRoutingKey: 'test-pagerduty-routing-key-9a2c',
  pagerWebhookToken: 'test-pager-webhook-token-41f7',
  slackApiUrl: 'https://hooks.example.com/services/test-slack-url-7b3e',
  smtpPassword: 'test-smtp-password-c84d',
  heartbeatToken: 'test-heartbeat-token-2e90',
  postgresPassword: 'test-postgres-password-6f15',
  redisPassword: 'test-redis-password-03ab',
  grafanaDatabasePassword: 'test-grafana-database-password-e7c2',
  // Shaped like a key so the program's PEM check passes; not a key.
  gitopsRepoSshKey: '-----BEGIN OPENSSH PRIVATE KEY-----\ntest-gitops-deploy-key-8c1d\n-----END OPENSSH PRIVATE KEY-----\n',
} as const;
export type TestSecretKey = keyof typeof TEST_SECRETS;

/**
 * Stands in for the admin network a deployer puts where the stack files ship an RFC 5737
 * documentation network (the program refuses those). RFC 2544's benchmarking range: never routed.
 */
export const TEST_ADMIN_CIDR = '198.18.0.0/24';
const DOCUMENTATION_NETWORKS = /^(192\.0\.2|198\.51\.100|203\.0\.113)\./;
// Every run loads a fresh SDK, which adds its exit hooks to the one process; a file runs up to ~20.
process.setMaxListeners(Math.max(process.getMaxListeners(), 64));

/**
 * The secret keys a stack reads, from the environment config (not from infra/): the pager receiver
 * decides between the PagerDuty key and the webhook token; a PostgreSQL-backed Grafana adds its password.
 * A stack that is not an environment reads none.
 */
export function secretKeysOf(stack: string): TestSecretKey[] {
  if (!isEnvironmentName(stack)) return [];
  const [env] = loadEnvironments([stack]);
  const keys: TestSecretKey[] = [
    'grafanaAdminPassword',
    'slackApiUrl',
    'smtpPassword',
    'heartbeatToken',
    'postgresPassword',
    'redisPassword',
  ];
  keys.push(env.alerting.receivers.pager.type === 'pagerduty' ? 'pagerdutyRoutingKey' : 'pagerWebhookToken');
  if (env.grafana.database.type === 'postgres') keys.push('grafanaDatabasePassword');
  // Argo CD reads an ssh GitOps repository with a deploy key.
  if (env.gitops.delivery === 'argocd' && isSshRepo(env.gitops.repoURL)) keys.push('gitopsRepoSshKey');
  return keys.sort();
}

export interface RunOptions {
  /** Config to set or replace (objects are stored as JSON) or, with `undefined`, remove; keys with or without the project prefix. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Keys stored as plain config although they are secret by default (every key of TEST_SECRETS is). */
  readonly plain?: readonly string[];
  /** Further keys stored as secret config. */
  readonly secret?: readonly string[];
  /** Keep the stack file's placeholder admin networks instead of replacing them with TEST_ADMIN_CIDR. @default false */
  readonly keepPlaceholders?: boolean;
  /** The environment's `gitops` settings as the program sees them. @default - the checked-in ones */
  readonly gitops?: unknown;
}

export interface ResourceRecord {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** The ID the mock gave it (`<name>-id`); other resources' inputs refer to it, e.g. a bucket policy's `bucket`. */
  readonly id: string;
  /** Inputs as the provider would get them, secret markers removed (see `secretPaths`). */
  readonly inputs: Record<string, unknown>;
  /** The outputs the mock gave it (inputs plus what AWS would compute, such as `arn`). */
  readonly state: Record<string, unknown>;
  /** Dotted paths of the inputs that reached the engine as secrets, e.g. `stringData` (the Kubernetes SDK marks it whole). */
  readonly secretPaths: readonly string[];
}

export interface ProgramRun<Program = Record<string, unknown>> {
  readonly resources: ResourceRecord[];
  /** URN → URNs the engine is told the resource depends on (dependsOn, with components expanded by the SDK, and inputs). */
  readonly dependencies: Map<string, string[]>;
  /** The program's module: its exports are the stack outputs. */
  readonly outputs: Program;
  /** Every provider function the program invoked. */
  readonly calls: Array<{ token: string; inputs: Record<string, unknown> }>;
}

export type ProgramAttempt<Program> =
  ({ readonly ok: true } & ProgramRun<Program>) | ({ readonly ok: false; readonly error: unknown } & Omit<ProgramRun<Program>, 'outputs'>);

const fullKey = (key: string) => (key.includes(':') ? key : `${PULUMI_PROJECT}:${key}`);

/** The resource name: the last `::` segment of a URN. */
export const nameOfUrn = (urn: string) => urn.split('::').pop()!;
/** The resource type: the last `$` part of the URN's type segment (the rest are its parents' types). */
export const typeOfUrn = (urn: string) => urn.split('::')[2].split('$').pop()!;

const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
const SIG_KEY = '4dabf18193072939515e22adb298388d';
const isSecretValue = (value: unknown): value is { value: unknown } =>
  typeof value === 'object' && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;

/** Removes the wire format's secret wrappers, noting where each one was. */
function unwrapSecrets(value: unknown, path: string, secretPaths: string[]): unknown {
  if (isSecretValue(value)) {
    secretPaths.push(path);
    return unwrapSecrets(value.value, path, secretPaths);
  }
  if (Array.isArray(value)) return value.map((item, i) => unwrapSecrets(item, `${path}.${i}`, secretPaths));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v, path ? `${path}.${k}` : k, secretPaths)]));
}

/** State the program reads back from resources that AWS would compute. */
function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  // Resources left unnamed get a physical name from Pulumi; here the logical one, without the random suffix.
  const physical = { name: inputs.name ?? name, arn: `arn:aws:mock:us-west-2:000000000000:${type.split(':')[1]}/${name}` };
  switch (type) {
    case 'aws:eks/cluster:Cluster':
      return {
        ...physical,
        endpoint: `https://${name}.eks.example.com`,
        certificateAuthority: { data: Buffer.from(`${name}-ca`).toString('base64') },
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.us-west-2.amazonaws.com/id/${name.toUpperCase()}` }] }],
        vpcConfig: { ...(inputs.vpcConfig as object), clusterSecurityGroupId: `sg-${name}` },
      };
    case 'aws:s3/bucket:Bucket':
      return { ...physical, arn: `arn:aws:s3:::${inputs.bucket}` };
    case 'aws:iam/role:Role':
      return { ...physical, arn: `arn:aws:iam::000000000000:role${inputs.path ?? '/'}${physical.name}` };
    case 'aws:ec2/launchTemplate:LaunchTemplate':
      return { ...physical, latestVersion: 1 };
    default:
      return type.startsWith('aws:') ? physical : {};
  }
}

/** The stack file's admin networks as an operator sets them: each documentation (placeholder) network becomes TEST_ADMIN_CIDR. */
export const withOperatorNetworks = (cidrs: readonly unknown[]) =>
  cidrs.map((cidr) => (DOCUMENTATION_NETWORKS.test(String(cidr)) ? TEST_ADMIN_CIDR : cidr));

/** Pulumi.<stack>.yaml's config with objects as JSON, as `pulumi` hands it over; empty when there is no such file. */
function stackFileConfig(stack: string, keepPlaceholders: boolean): Record<string, string> {
  if (!existsSync(join(projectRoot(), `Pulumi.${stack}.yaml`))) return {};
  const config = readStackConfig(stack);
  const eks = (config[INFRA_CONFIG_KEY] as { eks?: { publicAccessCidrs?: unknown } } | undefined)?.eks;
  if (!keepPlaceholders && eks && Array.isArray(eks.publicAccessCidrs)) eks.publicAccessCidrs = withOperatorNetworks(eks.publicAccessCidrs);
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getDependenciesList(): string[];
}
type Callback = (
  error: unknown,
  response?: { getUrn(): string; getId(): string; getObject(): { toJavaScript(): Record<string, unknown> } | undefined },
) => void;
interface MonitorLike {
  registerResource(request: RegisterRequest, callback: Callback): unknown;
}

/**
 * Runs infra/ for `stack` and waits until every registration has settled. Resets the module
 * registry itself (callers need not), so each run builds a fresh program. Does not reject for the
 * program's errors: one that throws while loading yields `ok: false` with its error and whatever it
 * registered before. Each run loads a fresh SDK, which adds a process exit listener: Node warns after ten.
 */
export async function attemptProgram<Program = Record<string, unknown>>(
  stack: string,
  options: RunOptions = {},
): Promise<ProgramAttempt<Program>> {
  const resources: ResourceRecord[] = [];
  const dependencies = new Map<string, string[]>();
  const calls: ProgramRun['calls'] = [];

  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, ...mockState(args.type, args.name, args.inputs) } }),
      call: (args) => {
        calls.push({ token: args.token, inputs: args.inputs });
        if (args.token === 'aws:index/getAvailabilityZones:getAvailabilityZones')
          return { names: ['us-west-2a', 'us-west-2b', 'us-west-2c'] };
        if (args.token === 'aws:eks/getAddonVersion:getAddonVersion')
          return { ...args.inputs, version: `${args.inputs.addonName}-default` };
        return args.inputs;
      },
    },
    PULUMI_PROJECT,
    stack,
  );
  // newResource never sees dependsOn: the request to the monitor carries it, so record from there.
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) =>
    register(request, (error, response) => {
      if (response) {
        const urn = response.getUrn();
        const secretPaths: string[] = [];
        const inputs = unwrapSecrets(request.getObject()?.toJavaScript() ?? {}, '', secretPaths) as Record<string, unknown>;
        const state = unwrapSecrets(response.getObject()?.toJavaScript() ?? {}, '', []) as Record<string, unknown>;
        resources.push({ type: request.getType(), name: request.getName(), urn, id: response.getId(), inputs, state, secretPaths });
        dependencies.set(urn, request.getDependenciesList());
      }
      callback(error, response);
    });

  const config = stackFileConfig(stack, options.keepPlaceholders ?? false);
  for (const key of secretKeysOf(stack)) config[fullKey(key)] = TEST_SECRETS[key];
  for (const [key, value] of Object.entries(options.config ?? {})) {
    if (value === undefined) delete config[fullKey(key)];
    else config[fullKey(key)] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  // As `pulumi config set --secret` would: every key of TEST_SECRETS, plus `secret`, minus `plain`.
  const plain = new Set((options.plain ?? []).map(fullKey));
  const secret = new Set([...Object.keys(TEST_SECRETS), ...(options.secret ?? [])].map(fullKey));
  pulumi.runtime.setAllConfig(
    config,
    Object.keys(config).filter((key) => secret.has(key) && !plain.has(key)),
  );

  jest.resetModules();
  // The program reads the checked-in environment config: a variant replaces the stack's settings in a fresh module.
  const envModule = `../../config/environments/${stack}`;
  if (options.gitops !== undefined)
    jest.doMock(envModule, () => {
      const actual = jest.requireActual<Record<string, EnvironmentInput>>(envModule);
      return { ...actual, [stack]: { ...actual[stack], gitops: options.gitops } };
    });
  // Internal to the SDK (left out of its typings): resolves once no registration is in flight.
  const settled = () => (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  try {
    const outputs = (await import('../../infra')) as Program;
    await settled();
    return { ok: true, resources, dependencies, outputs, calls };
  } catch (error) {
    await settled();
    return { ok: false, error, resources, dependencies, calls };
  } finally {
    if (options.gitops !== undefined) jest.dontMock(envModule);
  }
}

/** Like `attemptProgram`, but rejects with the program's own error when it fails. */
export async function runProgram<Program = Record<string, unknown>>(stack: string, options: RunOptions = {}): Promise<ProgramRun<Program>> {
  const attempt = await attemptProgram<Program>(stack, options);
  if (!attempt.ok) throw attempt.error;
  return attempt;
}

/** The value of a stack output (or any Output), however deeply its parts are Outputs. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
  return new Promise((resolve) => pulumi.output(output).apply(resolve));
}
