import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown> & { template?: { spec?: PodSpec; metadata?: KubeObject['metadata'] } };
  [key: string]: unknown;
}

export interface Container {
  name: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[] } };
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: Record<string, unknown>;
}

/** Kinds that are not namespaced; everything else this stack writes is. */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PriorityClass',
  'StorageClass',
  'CustomResourceDefinition',
  'PersistentVolume',
]);

/** Every object of every manifest file (`*.yaml`) directly in `envDir`, with its file name. */
export function loadManifests(envDir: string): Array<{ file: string; object: KubeObject }> {
  return readdirSync(envDir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(envDir, file), 'utf8')).map((doc) => {
        if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
        return { file, object: doc.toJSON() as KubeObject };
      }),
    );
}

/** The pod spec of a workload object, or undefined for non-workloads. */
export function podSpecOf(object: KubeObject): PodSpec | undefined {
  if (object.kind === 'Pod') return object.spec as unknown as PodSpec;
  if (object.kind === 'CronJob') {
    const jobTemplate = object.spec?.jobTemplate as { spec: { template: { spec: PodSpec } } };
    return jobTemplate.spec.template.spec;
  }
  return object.spec?.template?.spec;
}

/** Validates against the Kubernetes OpenAPI schema of its apiVersion/kind; throws on a violation. */
export function validateAgainstSchema(object: KubeObject): void {
  // kubernetes-models publishes one module per group/version: "v1", "apps/v1", "networking.k8s.io/v1".
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const models = require(`kubernetes-models/${object.apiVersion}`) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = models[object.kind];
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  new Model(object).validate();
}

/** `Kind/name: reason` for every object its Kubernetes schema rejects; empty when all are valid. */
export function schemaFailures(objects: readonly KubeObject[]): string[] {
  return objects.flatMap((object) => {
    try {
      validateAgainstSchema(object);
      return [];
    } catch (error) {
      return [`${object.kind}/${object.metadata.name}: ${(error as Error).message}`];
    }
  });
}
