// The Kubernetes Secrets the synthesized manifests reference, and the Pulumi stack config each key
// comes from. Names and namespaces come from the environment config; key names from the constructs
// that read them, so a renamed key cannot drift from the Secret the program creates.
import { isSshRepo } from '../config/schema/gitops';
import { SECRET_KEYS } from '../constructs/config-files/alertmanager-receivers';
import { podTemplateOf } from '../constructs/k8s/pod-template';

/** A value from Pulumi stack config: `secret` ones must be set with `--secret`; plain ones may default. */
export type ConfigValue =
  | { readonly key: string; readonly secret: true; readonly check?: (value: string) => string | undefined }
  | { readonly key: string; readonly secret: false; readonly default: string };

export interface SecretSpec {
  readonly name: string;
  /** Secret key → where its value comes from. */
  readonly data: Readonly<Record<string, ConfigValue>>;
}

const secret = (key: string, check?: (value: string) => string | undefined): ConfigValue => ({ key, secret: true, check });
const plain = (key: string, fallback: string): ConfigValue => ({ key, secret: false, default: fallback });

// redis.conf quotes the password in "…" (constructs/components/redis.ts), so these two would end the string.
const redisPassword = (value: string) =>
  /["\\\n]/.test(value) ? 'must not contain ", \\ or a line break (redis.conf quotes it)' : undefined;
const httpsUrl = (value: string) => (/^https:\/\/\S+$/.test(value) ? undefined : 'must be an https:// URL');

/**
 * The settings naming the Secrets. Both the validated config and the raw checked-in input fit, so the
 * secret checks still run (and report) when the stack's infra settings are wrong.
 */
export interface SecretSources {
  readonly grafana: { readonly adminSecret: string; readonly database: { readonly type: string; readonly credentialsSecret?: string } };
  readonly alerting: { readonly receivers: { readonly credentialsSecret: string; readonly pager: { readonly type: string } } };
  readonly storage: { readonly postgres: { readonly credentialsSecret: string }; readonly redis: { readonly authSecret: string } };
  readonly gitops: { readonly delivery: string; readonly repoURL?: string };
}

/** Every Secret of the environment, with the Pulumi config key of each value. */
export function secretSpecs(env: SecretSources): SecretSpec[] {
  const receivers = env.alerting.receivers;
  const pager: Record<string, ConfigValue> =
    receivers.pager.type === 'pagerduty'
      ? { [SECRET_KEYS.pagerdutyRoutingKey]: secret('pagerdutyRoutingKey') }
      : { [SECRET_KEYS.pagerWebhookToken]: secret('pagerWebhookToken') };
  const specs: SecretSpec[] = [
    {
      name: env.grafana.adminSecret,
      data: { 'admin-user': plain('grafanaAdminUser', 'admin'), 'admin-password': secret('grafanaAdminPassword') },
    },
    {
      name: receivers.credentialsSecret,
      data: {
        ...pager,
        [SECRET_KEYS.slackApiUrl]: secret('slackApiUrl', httpsUrl),
        [SECRET_KEYS.smtpPassword]: secret('smtpPassword'),
        [SECRET_KEYS.heartbeatToken]: secret('heartbeatToken'),
      },
    },
    {
      name: env.storage.postgres.credentialsSecret,
      data: { username: plain('postgresUser', 'postgres'), password: secret('postgresPassword') },
    },
    { name: env.storage.redis.authSecret, data: { password: secret('redisPassword', redisPassword) } },
  ];
  const database = env.grafana.database;
  if (database.type === 'postgres' && database.credentialsSecret)
    // Grafana logs in with it; the in-cluster PostgreSQL creates the role from the same values.
    specs.push({
      name: database.credentialsSecret,
      data: { username: plain('grafanaDatabaseUser', 'grafana'), password: secret('grafanaDatabasePassword') },
    });
  return specs;
}

interface PodSpecLike {
  volumes?: Array<{ secret?: { secretName?: string }; projected?: { sources?: Array<{ secret?: { name?: string } }> } }>;
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
}
interface ContainerLike {
  env?: Array<{ valueFrom?: { secretKeyRef?: { name?: string } } }>;
  envFrom?: Array<{ secretRef?: { name?: string } }>;
}
interface ObjectLike {
  kind: string;
  metadata: { namespace?: string };
  spec?: unknown;
}

// The PEM armour of an OpenSSH or PKCS#8 private key: catches a public key or a key file's path pasted instead.
const privateKey = (value: string) =>
  /^-----BEGIN [A-Z ]*PRIVATE KEY-----\n[\s\S]+\n-----END [A-Z ]*PRIVATE KEY-----\n?$/.test(value)
    ? undefined
    : 'must be a private key in PEM form, its BEGIN and END lines included, e.g. `pulumi config set --secret gitopsRepoSshKey < key`';

/** The read-only deploy key Argo CD reads an ssh GitOps repository with; https repositories need none. */
export const GITOPS_SSH_KEY = secret('gitopsRepoSshKey', privateKey);
export function gitopsConfigValues(env: SecretSources): ConfigValue[] {
  return env.gitops.delivery === 'argocd' && isSshRepo(env.gitops.repoURL ?? '') ? [GITOPS_SSH_KEY] : [];
}

/** Every `namespace/name` of a Secret that a pod template of `objects` mounts or reads. */
export function secretReferences(objects: readonly ObjectLike[]): string[] {
  const found = new Set<string>();
  for (const object of objects) {
    const pod = podTemplateOf<PodSpecLike>(object)?.spec;
    if (!pod) continue;
    const add = (name?: string) => name && found.add(`${object.metadata.namespace ?? 'default'}/${name}`);
    for (const volume of pod.volumes ?? []) {
      add(volume.secret?.secretName);
      for (const source of volume.projected?.sources ?? []) add(source.secret?.name);
    }
    for (const container of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
      for (const variable of container.env ?? []) add(variable.valueFrom?.secretKeyRef?.name);
      for (const source of container.envFrom ?? []) add(source.secretRef?.name);
    }
  }
  return [...found].sort();
}

/** Each referenced Secret with its spec; throws naming any reference the program has no values for. */
export function placeSecrets(specs: readonly SecretSpec[], references: readonly string[]): Array<SecretSpec & { namespace: string }> {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const missing = references.filter((ref) => !byName.has(ref.split('/')[1]));
  if (missing.length > 0) throw new Error(`the manifests reference Secrets the program does not create: ${missing.join(', ')}`);
  return references.map((ref) => ({ ...byName.get(ref.split('/')[1])!, namespace: ref.split('/')[0] }));
}

/** The distinct config values the Secrets read, in a stable order. */
export function secretConfigValues(specs: readonly SecretSpec[]): ConfigValue[] {
  const byKey = new Map<string, ConfigValue>();
  for (const spec of specs) for (const value of Object.values(spec.data)) byKey.set(value.key, value);
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
}
