// Everything inside the cluster: a Kubernetes provider that only exists once the cluster, its node
// groups and add-ons do; the foundation charts (namespaces, priority classes) and the StorageClasses
// and Secrets the manifests expect; then either every other chart as a ConfigGroup (delivery `pulumi`)
// or Argo CD and its root Application, which apply them from the GitOps tree (delivery `argocd`).
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { GitopsSettings } from '../config/schema/gitops';
import type { StorageClassName } from '../config/schema/storage';
import { ArgoCd } from './argocd';
import type { ChartObjects } from './manifests';
import type { SecretSpec } from './secrets';

export interface ClusterDeploymentArgs {
  readonly kubeconfig: pulumi.Input<string>;
  /** Resources the provider must wait for: the cluster, its node groups and add-ons. */
  readonly clusterResources: pulumi.Resource[];
  /** Synthesized charts, foundation ones first (see manifests.ts). */
  readonly charts: readonly ChartObjects[];
  readonly foundationCharts: readonly string[];
  readonly secrets: ReadonlyArray<SecretSpec & { namespace: string }>;
  /** Value of each config key the Secrets read. */
  readonly values: ReadonlyMap<string, { value: string; secret: boolean }>;
  readonly efsFileSystemId: pulumi.Input<string>;
  readonly environment: string;
  /** Who applies the charts past the foundation. */
  readonly gitops: GitopsSettings;
  /** Argo CD's deploy key for an ssh GitOps repository. */
  readonly gitopsSshKey?: pulumi.Output<string>;
}

/** The StorageClasses of STORAGE_CLASSES (config/schema/storage.ts): EBS gp3 (the default) and EFS. */
export function storageClasses(efsFileSystemId: pulumi.Input<string>): Record<StorageClassName, k8s.types.input.storage.v1.StorageClass> {
  return {
    gp3: {
      metadata: { name: 'gp3', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true', 'csi.storage.k8s.io/fstype': 'ext4' },
      // Bind in the zone the pod lands in: an EBS volume cannot follow a pod to another zone.
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      reclaimPolicy: 'Delete',
    },
    'efs-sc': {
      metadata: { name: 'efs-sc' },
      provisioner: 'efs.csi.aws.com',
      // One access point per volume, owned by its own uid/gid, so non-root pods can write to it.
      parameters: { provisioningMode: 'efs-ap', fileSystemId: efsFileSystemId, directoryPerms: '700', basePath: '/volumes' },
      volumeBindingMode: 'Immediate',
      reclaimPolicy: 'Retain',
    },
  };
}

export class ClusterDeployment extends pulumi.ComponentResource {
  public readonly provider: k8s.Provider;
  /** The charts `pulumi up` applies: the foundation, and with delivery `pulumi` every other one too. */
  public readonly groups: k8s.yaml.v2.ConfigGroup[];
  public readonly argoCd?: ArgoCd;

  constructor(name: string, args: ClusterDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super('moe:infra:ClusterDeployment', name, {}, opts);
    this.provider = new k8s.Provider(
      name,
      { kubeconfig: args.kubeconfig, enableServerSideApply: true },
      { parent: this, dependsOn: args.clusterResources },
    );
    const withProvider = { parent: this, provider: this.provider };

    const foundation: k8s.yaml.v2.ConfigGroup[] = [];
    const group = (chart: ChartObjects, dependsOn: pulumi.Resource[]) =>
      new k8s.yaml.v2.ConfigGroup(chart.component, { objs: chart.objects }, { ...withProvider, dependsOn });
    const foundationCharts = args.charts.filter((c) => args.foundationCharts.includes(c.component));
    for (const chart of foundationCharts) foundation.push(group(chart, [...foundation]));

    const prerequisites = [
      ...Object.entries(storageClasses(args.efsFileSystemId)).map(
        ([className, spec]) => new k8s.storage.v1.StorageClass(className, spec, { ...withProvider, dependsOn: args.clusterResources }),
      ),
      ...args.secrets.map((spec) => this.secret(spec, args.values, foundation)),
    ];
    const bootstrap = [...foundation, ...prerequisites];
    const others = args.charts.filter((c) => !foundationCharts.includes(c));
    const applied = args.gitops.delivery === 'pulumi' ? args.charts : foundationCharts;
    const workloads = args.gitops.delivery === 'pulumi' ? others.map((chart) => group(chart, bootstrap)) : [];
    if (args.gitops.delivery === 'argocd')
      this.argoCd = new ArgoCd(
        name,
        { environment: args.environment, settings: args.gitops, sshPrivateKey: args.gitopsSshKey, bootstrap },
        { parent: this, provider: this.provider },
      );
    this.groups = [...foundation, ...workloads];
    this.registerOutputs({ components: applied.map((c) => c.component), delivery: args.gitops.delivery });
  }

  private secret(
    spec: SecretSpec & { namespace: string },
    values: ClusterDeploymentArgs['values'],
    dependsOn: pulumi.Resource[],
  ): k8s.core.v1.Secret {
    const stringData: Record<string, pulumi.Output<string>> = {};
    for (const [key, source] of Object.entries(spec.data)) {
      const { value, secret } = values.get(source.key)!;
      stringData[key] = secret ? pulumi.secret(value) : pulumi.output(value);
    }
    return new k8s.core.v1.Secret(
      `${spec.namespace}-${spec.name}`,
      { metadata: { name: spec.name, namespace: spec.namespace }, type: 'Opaque', stringData },
      { parent: this, provider: this.provider, dependsOn, additionalSecretOutputs: ['data', 'stringData'] },
    );
  }
}
