// What the Pulumi program registered under mocks (test/helpers/pulumi-program.ts), and queries over
// it shared by the program tests: each test file runs the stacks it needs once, in beforeAll.
import { join } from 'node:path';
import { loadManifests, podSpecOf, type KubeObject } from './manifests';
import { runProgram, type ProgramRun, type ResourceRecord, type RunOptions } from './pulumi-program';
import { removeDir, synthToTemp } from './synth-tmp';

export type Program = typeof import('../../infra');

export const input = <T>(record: ResourceRecord, key: string) => record.inputs[key] as T;
export const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
export const identity = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
export const groupObjects = (group: ResourceRecord) => input<KubeObject[]>(group, 'objs');
// A group is named outright or by a prefix (`gpu-`) that lets a replacement exist beside the old group.
export const groupName = (g: ResourceRecord) => String(g.inputs.nodeGroupName ?? g.inputs.nodeGroupNamePrefix).replace(/-$/, '');
// A role is matched to an ARN by path and name: the account is the mock's, not the config's.
export const arnSuffix = (arn: string) => `:role${arn.split(':role')[1]}`;
export const roleSuffix = (role: ResourceRecord) => `:role${input<string | undefined>(role, 'path') ?? '/'}${role.state.name}`;
// The EKS API's names for the Kubernetes taint effects.
export const EKS_TAINT_EFFECT = { NoSchedule: 'NO_SCHEDULE', PreferNoSchedule: 'PREFER_NO_SCHEDULE', NoExecute: 'NO_EXECUTE' };

/**
 * Runs the program once per named variant before the file's tests (e.g. `{ dev: { stack: 'dev' } }`)
 * and returns the queries over what each variant registered, by its name.
 */
export function programRuns(variants: Readonly<Record<string, { readonly stack: string; readonly options?: RunOptions }>>) {
  const runs = new Map<string, ProgramRun<Program>>();
  beforeAll(async () => {
    for (const [name, { stack, options }] of Object.entries(variants)) runs.set(name, await runProgram<Program>(stack, options));
  }, 80_000);

  const run = (env: string) => runs.get(env)!;
  const ofType = (env: string, type: string) => run(env).resources.filter((r) => r.type === type);
  const deployedObjects = (env: string) => ofType(env, 'kubernetes:yaml/v2:ConfigGroup').flatMap(groupObjects);
  const nodeGroup = (env: string, name: string) => ofType(env, 'aws:eks/nodeGroup:NodeGroup').find((g) => groupName(g) === name)!;
  const k8sSecret = (env: string, namespace: string, name: string) =>
    ofType(env, 'kubernetes:core/v1:Secret').find((s) => {
      const meta = input<KubeObject['metadata']>(s, 'metadata');
      return meta.name === name && meta.namespace === namespace;
    });
  const dependsOn = (env: string, record: ResourceRecord) => run(env).dependencies.get(record.urn) ?? [];

  /** Every policy document in any resource's inputs: `policy` and `assumeRolePolicy` must parse, other JSON strings may. */
  function policyDocuments(env: string): Array<{ type: string; source: string; document: PolicyDocument }> {
    return run(env).resources.flatMap((r) =>
      Object.entries(r.inputs).flatMap(([key, value]) => {
        if (typeof value !== 'string' || !(['policy', 'assumeRolePolicy'].includes(key) || value.startsWith('{'))) return [];
        let parsed: unknown;
        try {
          parsed = JSON.parse(value);
        } catch (error) {
          if (key === 'policy' || key === 'assumeRolePolicy') throw new Error(`${r.type} ${r.name}.${key} is not JSON`, { cause: error });
          return [];
        }
        const isPolicy = typeof parsed === 'object' && parsed !== null && 'Statement' in parsed;
        return isPolicy ? [{ type: r.type, source: `${r.type} ${r.name}.${key}`, document: parsed as PolicyDocument }] : [];
      }),
    );
  }

  const priorityClassGroup = (env: string, name: string) =>
    ofType(env, 'kubernetes:yaml/v2:ConfigGroup').find((g) =>
      groupObjects(g).some((o) => o.kind === 'PriorityClass' && o.metadata.name === name),
    )!;

  return { run, ofType, deployedObjects, nodeGroup, k8sSecret, dependsOn, policyDocuments, priorityClassGroup };
}

/** What `npm run synth` writes for `environments`, synthesized afresh for the file (a clean checkout has no dist/). */
export function synthesizedManifests(environments?: readonly string[]): (env: string) => ReturnType<typeof loadManifests> {
  const dir = synthToTemp({ environments });
  afterAll(() => removeDir(dir));
  const manifests = new Map<string, ReturnType<typeof loadManifests>>();
  return (env) => manifests.get(env) ?? manifests.set(env, loadManifests(join(dir, env))).get(env)!;
}

export const isSecretPath = (record: ResourceRecord, path: string) =>
  record.secretPaths.some((p) => path === p || path.startsWith(`${p}.`));

/** Every string in `value` outside the paths that reached the engine as secrets. */
export function plainStrings(value: unknown, record: ResourceRecord, path = ''): string[] {
  if (path && isSecretPath(record, path)) return [];
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => plainStrings(v, record, path ? `${path}.${k}` : k));
}

export const countBy = <T>(items: T[], key: (item: T) => string) =>
  items.reduce<Record<string, number>>((counts, item) => ({ ...counts, [key(item)]: (counts[key(item)] ?? 0) + 1 }), {});

export interface PodLike {
  volumes?: Array<{
    name: string;
    secret?: SecretSource & { secretName?: string };
    projected?: { sources?: Array<{ secret?: SecretSource }> };
  }>;
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  priorityClassName?: string;
}
export interface SecretSource {
  name?: string;
  items?: Array<{ key: string }>;
}
export interface ContainerLike {
  env?: Array<{ valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }>;
  envFrom?: Array<{ secretRef?: { name: string } }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

/** Every Secret (and key, where one is named) that a pod template reads; mounted keys are found as `<mountPath>/<key>` in any object. */
export function secretReferences(objects: KubeObject[]): Array<{ namespace: string; name: string; key?: string }> {
  const text = JSON.stringify(objects);
  return objects.flatMap((object) => {
    const pod = podSpecOf(object) as PodLike | undefined;
    if (!pod) return [];
    const namespace = object.metadata.namespace ?? 'default';
    const containers = [...(pod.containers ?? []), ...(pod.initContainers ?? [])];
    const refs: Array<{ namespace: string; name: string; key?: string }> = [];
    for (const volume of pod.volumes ?? []) {
      const sources = [
        ...(volume.secret ? [{ ...volume.secret, name: volume.secret.secretName }] : []),
        ...(volume.projected?.sources ?? []).flatMap((s) => (s.secret ? [s.secret] : [])),
      ];
      for (const source of sources) {
        refs.push(
          { namespace, name: source.name! },
          ...(source.items ?? []).map((item) => ({ namespace, name: source.name!, key: item.key })),
        );
        const mounts = containers.flatMap((c) => c.volumeMounts ?? []).filter((m) => m.name === volume.name);
        for (const { mountPath } of mounts)
          for (const match of text.matchAll(new RegExp(`${mountPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/([A-Za-z0-9._-]+)`, 'g')))
            refs.push({ namespace, name: source.name!, key: match[1] });
      }
    }
    for (const container of containers) {
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (ref && !ref.optional) refs.push({ namespace, name: ref.name, key: ref.key });
      }
      for (const source of container.envFrom ?? []) if (source.secretRef) refs.push({ namespace, name: source.secretRef.name });
    }
    return refs;
  });
}

export function storageClassesOf(object: KubeObject): string[] {
  const spec = object.spec as
    { storageClassName?: string; volumeClaimTemplates?: Array<{ spec?: { storageClassName?: string } }> } | undefined;
  if (object.kind === 'PersistentVolumeClaim') return list(spec?.storageClassName);
  return (spec?.volumeClaimTemplates ?? []).flatMap((t) => list(t.spec?.storageClassName));
}

/** PriorityClasses the pods name, except the two built into every cluster. */
export function priorityClassesOf(object: KubeObject): string[] {
  const name = (podSpecOf(object) as PodLike | undefined)?.priorityClassName;
  return name && !['system-node-critical', 'system-cluster-critical'].includes(name) ? [name] : [];
}

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Principal?: '*' | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDocument {
  Statement: Statement | Statement[];
}
export interface LifecycleRule {
  status: string;
  expiration?: { days: number };
  noncurrentVersionExpiration?: { noncurrentDays: number };
}
