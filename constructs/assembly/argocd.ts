// Argo CD objects for one environment's GitOps tree, as app-of-apps: a root Application (created by
// `pulumi up`) syncs `argocd/apps/`, which holds the AppProject and one Application per component.
import { posix } from 'node:path';
// Types only: the models' excess-property checks refuse a field Argo CD's CRDs do not have at compile time.
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import type { IAppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { stringify } from 'yaml';
import { IN_CLUSTER, type ArgoCdSettings } from '../../config/schema/gitops';
import { PART_OF } from '../k8s/labels';
import { ARGOCD_HEADER } from '../../contracts/generated-header';

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
/**
 * For objects holding data (model weights, checkpoints): Argo CD neither prunes them when they leave
 * the tree nor deletes them with their Application; removing one takes a person.
 */
export const KEEP_ON_DELETE = { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' } as const;

/** What the Argo CD objects need to know about one component's manifest. */
export interface ComponentObjects {
  readonly component: string;
  readonly objects: readonly { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }[];
}

/** Kinds without a namespace; every other kind must name one, or it would land in whatever namespace Argo CD picks. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'PriorityClass',
  'StorageClass',
  'PersistentVolume',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'IngressClass',
  'RuntimeClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);
const WORKLOADS = new Set(['Pod', 'ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/**
 * Sync waves of the child Applications: the AppProject, then components that only configure (RBAC,
 * ConfigMaps, Services), then anything that starts pods. Namespaces and priority classes come before
 * all of them: `pulumi up` creates those, with the Secrets, before it creates the root Application.
 * Inside one Application Argo CD's kind order already puts namespaces, CRDs and RBAC before workloads.
 * The root waits for a child's health through the `argoproj.io/Application` health check the
 * Pulumi program configures in Argo CD.
 */
export const WAVES = { project: -1, configuration: 0, workloads: 1 } as const;

export function componentWave(objects: ComponentObjects['objects']): number {
  return Math.max(...objects.map((o) => (WORKLOADS.has(o.kind) ? WAVES.workloads : WAVES.configuration)));
}

/** The one namespace the component's namespaced objects live in; undefined if all are cluster-scoped. */
export function componentNamespace({ component, objects }: ComponentObjects): string | undefined {
  const namespaces = new Set<string>();
  for (const o of objects) {
    const scoped = CLUSTER_SCOPED.has(o.kind);
    if (scoped && o.metadata.namespace) throw new Error(`${component}: cluster-scoped ${o.kind} ${o.metadata.name} names a namespace`);
    if (!scoped && !o.metadata.namespace) throw new Error(`${component}: ${o.kind} ${o.metadata.name} names no namespace`);
    if (o.metadata.namespace) namespaces.add(o.metadata.namespace);
  }
  if (namespaces.size > 1)
    throw new Error(`${component}: objects span namespaces ${[...namespaces].sort().join(', ')}; one Application deploys to one`);
  return [...namespaces][0];
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

function kindsOf(components: readonly ComponentObjects[], clusterScoped: boolean) {
  const kinds = new Map<string, { group: string; kind: string }>();
  for (const { objects } of components)
    for (const o of objects)
      if (CLUSTER_SCOPED.has(o.kind) === clusterScoped)
        kinds.set(`${groupOf(o.apiVersion)}/${o.kind}`, { group: groupOf(o.apiVersion), kind: o.kind });
  return [...kinds.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, kind]) => kind);
}

function syncPolicy(policy: ArgoCdSettings['syncPolicy']): IApplication['spec']['syncPolicy'] {
  // Manual sync is the absence of `automated`; retries and options apply to both. Automated sync does not
  // try a failed revision again by itself, so a component synced before its namespace would stay failed.
  const automated = policy.mode === 'automated' ? { automated: { prune: policy.prune, selfHeal: policy.selfHeal } } : {};
  return {
    ...automated,
    syncOptions: ['CreateNamespace=false', 'PruneLast=true'],
    retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
  };
}

const labels = (env: string) => ({ 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': 'gitops', environment: env });

/** `argocd/apps/`, relative to the repository root: the root Application's source path. */
export const appsPath = (settings: ArgoCdSettings, env: string) => posix.join(settings.rootPath, env, 'argocd', 'apps');
export const componentPath = (settings: ArgoCdSettings, env: string, component: string) => posix.join(settings.rootPath, env, component);

export function application(settings: ArgoCdSettings, env: string, component: ComponentObjects): IApplication {
  const namespace = componentNamespace(component);
  // Deleting the Application deletes its objects only where removals are pruned automatically anyway.
  const cascade = settings.syncPolicy.mode === 'automated' && settings.syncPolicy.prune;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `${env}-${component.component}`,
      namespace: settings.argocdNamespace,
      labels: { ...labels(env), 'app.kubernetes.io/component': component.component },
      annotations: { [SYNC_WAVE]: String(componentWave(component.objects)) },
      ...(cascade ? { finalizers: ['resources-finalizer.argocd.argoproj.io'] } : {}),
    },
    spec: {
      project: settings.project,
      source: {
        repoURL: settings.repoURL,
        targetRevision: settings.targetRevision,
        path: componentPath(settings, env, component.component),
        // The component's config/ copies are for review; only manifests.yaml is applied.
        directory: { include: 'manifests.yaml', recurse: false },
      },
      destination: { server: IN_CLUSTER, ...(namespace ? { namespace } : {}) },
      syncPolicy: syncPolicy(settings.syncPolicy),
    },
  };
}

/** Limits the environment's Applications to the GitOps repository, its namespaces and the kinds it deploys. */
export function appProject(settings: ArgoCdSettings, env: string, components: readonly ComponentObjects[]): IAppProject {
  const namespaces = [...new Set(components.map(componentNamespace).filter((n): n is string => n !== undefined))].sort();
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: {
      name: settings.project,
      namespace: settings.argocdNamespace,
      labels: labels(env),
      annotations: { [SYNC_WAVE]: String(WAVES.project) },
    },
    spec: {
      description: `GPU observability stack, ${env}`,
      sourceRepos: [settings.repoURL],
      // An Application without a namespace (cluster-scoped objects only) is matched by the empty one.
      destinations: ['', ...namespaces].map((namespace) => ({ server: IN_CLUSTER, namespace })),
      clusterResourceWhitelist: kindsOf(components, true),
      namespaceResourceWhitelist: kindsOf(components, false),
    },
  };
}

/** Created by `pulumi up` (infra/argocd.ts) from this same function; from then on it syncs the rest. */
export function rootApplication(settings: ArgoCdSettings, env: string): IApplication {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: `${env}-root`, namespace: settings.argocdNamespace, labels: labels(env) },
    spec: {
      // Manages the AppProject itself, so it lives in the built-in project.
      project: 'default',
      source: {
        repoURL: settings.repoURL,
        targetRevision: settings.targetRevision,
        path: appsPath(settings, env),
        directory: { recurse: false },
      },
      destination: { server: IN_CLUSTER, namespace: settings.argocdNamespace },
      syncPolicy: syncPolicy(settings.syncPolicy),
    },
  };
}

const toYaml = (object: unknown) => ARGOCD_HEADER + stringify(object, { lineWidth: 0, sortMapEntries: true });

/** Files of `<env>/argocd/`, keyed by path relative to `<env>/`. */
export function renderArgoCd(settings: ArgoCdSettings, env: string, components: readonly ComponentObjects[]): Map<string, string> {
  const files = new Map<string, string>([
    ['argocd/root.yaml', toYaml(rootApplication(settings, env))],
    ['argocd/apps/appproject.yaml', toYaml(appProject(settings, env, components))],
  ]);
  for (const component of components)
    files.set(`argocd/apps/application-${component.component}.yaml`, toYaml(application(settings, env, component)));
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
