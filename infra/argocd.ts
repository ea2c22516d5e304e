// Argo CD in the environment's cluster, for environments whose charts Argo CD delivers: the argo-cd
// Helm chart, the GitOps repository's credentials and the root Application, which syncs the tree
// `npm run gitops` pushed (AppProject and one Application per component). It is created last, once
// the bootstrap (namespaces, priority classes, StorageClasses, Secrets) exists.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { isSshRepo, type ArgoCdSettings } from '../config/schema/gitops';
import { rootApplication } from '../constructs/assembly/argocd';

export const ARGO_HELM_REPO = 'https://argoproj.github.io/argo-helm';
/** Secret label Argo CD finds repository credentials by. */
const REPOSITORY_SECRET = { 'argocd.argoproj.io/secret-type': 'repository' } as const;

/**
 * Argo CD has no health check for Application objects, so without this an app-of-apps root is
 * Healthy at once and its sync waves do not wait for a child's objects to become healthy.
 */
const APPLICATION_HEALTH = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
end
return hs
`;

const resources = (cpu: [string, string], memory: [string, string]) => ({
  requests: { cpu: cpu[0], memory: memory[0] },
  limits: { cpu: cpu[1], memory: memory[1] },
});

/** Helm values: only what differs from the chart's defaults, and a request and limit for every pod. */
export function argoCdValues() {
  return {
    configs: {
      cm: {
        'application.resourceTrackingMethod': 'annotation',
        'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH,
      },
    },
    // SSO goes through `oidc.config` when a team needs it; an idle Dex is one more thing to patch.
    dex: { enabled: false },
    controller: { resources: resources(['250m', '1'], ['512Mi', '2Gi']) },
    repoServer: { resources: resources(['100m', '500m'], ['256Mi', '1Gi']) },
    server: { resources: resources(['50m', '500m'], ['128Mi', '512Mi']) },
    applicationSet: { resources: resources(['50m', '250m'], ['64Mi', '256Mi']) },
    notifications: { resources: resources(['50m', '250m'], ['64Mi', '256Mi']) },
    redis: { resources: resources(['50m', '250m'], ['64Mi', '256Mi']) },
    // The Job that writes the Redis password on install.
    redisSecretInit: { resources: resources(['10m', '100m'], ['32Mi', '64Mi']) },
  };
}

export interface ArgoCdArgs {
  readonly environment: string;
  readonly settings: ArgoCdSettings;
  /** The deploy key for an ssh repository URL; absent for https. */
  readonly sshPrivateKey?: pulumi.Output<string>;
  /** What must exist before Argo CD applies anything: the bootstrap charts, StorageClasses and Secrets. */
  readonly bootstrap: pulumi.Resource[];
}

export class ArgoCd extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  public readonly rootApplication: k8s.apiextensions.CustomResource;

  constructor(name: string, args: ArgoCdArgs, opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider }) {
    super('moe:infra:ArgoCd', name, {}, opts);
    const withProvider = { parent: this, provider: opts.provider };
    const namespace = args.settings.argocdNamespace;
    this.release = new k8s.helm.v3.Release(
      `${name}-argo-cd`,
      {
        name: 'argo-cd',
        chart: 'argo-cd',
        version: args.settings.chartVersion,
        repositoryOpts: { repo: ARGO_HELM_REPO },
        namespace,
        createNamespace: true,
        // A failed install or upgrade rolls back instead of leaving a half-upgraded Argo CD.
        atomic: true,
        values: argoCdValues(),
      },
      withProvider,
    );
    const credentials =
      isSshRepo(args.settings.repoURL) && args.sshPrivateKey
        ? [
            new k8s.core.v1.Secret(
              `${name}-repository`,
              {
                metadata: { name: 'gitops-repository', namespace, labels: REPOSITORY_SECRET },
                type: 'Opaque',
                stringData: { type: 'git', url: args.settings.repoURL, sshPrivateKey: args.sshPrivateKey },
              },
              { ...withProvider, dependsOn: [this.release], additionalSecretOutputs: ['data', 'stringData'] },
            ),
          ]
        : [];
    const root = rootApplication(args.settings, args.environment);
    this.rootApplication = new k8s.apiextensions.CustomResource(
      `${name}-root`,
      { apiVersion: root.apiVersion, kind: root.kind, metadata: root.metadata, spec: root.spec },
      { ...withProvider, dependsOn: [this.release, ...credentials, ...args.bootstrap] },
    );
    this.registerOutputs({ release: this.release.status, rootApplication: root.metadata.name });
  }
}
