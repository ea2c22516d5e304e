// The Pulumi program, run as `pulumi up --stack <env>` with env one of dev, staging, prod. It reads
// and checks the whole stack config first (stack-settings.ts), so a bad value stops the deployment
// before any resource is registered; then builds the AWS side and deploys the synthesized charts,
// itself or through Argo CD, as the environment's `gitops.delivery` says.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '../config';
import { deploymentAccount, workloadRoleArns } from '../config/infra';
import { PULUMI_PROJECT } from '../config/stack-files';
import { NETWORK_ADDONS, WORKLOAD_ADDONS, Addons } from './addons';
import { SecureBucket } from './bucket';
import { Cluster } from './cluster';
import { SharedFileSystem } from './file-system';
import { execKubeconfig } from './kubeconfig';
import { ClusterDeployment } from './kubernetes';
import { FOUNDATION_CHARTS, irsaServiceAccounts, synthesizedCharts } from './manifests';
import { Network } from './network';
import { NodeGroups } from './node-groups';
import { GITOPS_SSH_KEY, placeSecrets, secretReferences, secretSpecs } from './secrets';
import { readStackSettings } from './stack-settings';
import { WorkloadRoles } from './workload-roles';
import { GRAFANA_SERVICE, PROMETHEUS_SERVICE } from '../contracts/services';

// isConfigSecret is internal to the SDK (absent from its typings); the program tests run through it.
const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret(key: string): boolean };
const { env, values } = readStackSettings(pulumi.getStack(), {
  values: runtime.allConfig(),
  isSecret: (key) => runtime.isConfigSecret(key),
});

// Everything that can fail without AWS is done before the first resource: the charts, the
// Secrets they reference and the ServiceAccounts each workload role must trust.
const charts = synthesizedCharts(env);
const objects = charts.flatMap((chart) => chart.objects);
const secrets = placeSecrets(secretSpecs(env), secretReferences(objects));
const irsaSubjects = irsaServiceAccounts(objects);
const roleSubjects = workloadRoleArns(env).map((role) => ({ ...role, subjects: irsaSubjects.get(role.arn) ?? [] }));
const unbound = roleSubjects.filter((role) => role.subjects.length === 0);
if (unbound.length > 0)
  throw new ConfigError(unbound.map((role) => `${role.path}: no ServiceAccount in the manifests is annotated with ${role.arn}`));
const clusterName = env.cluster.name;
const { infra } = env;
const tags = { project: PULUMI_PROJECT, environment: env.name, 'managed-by': 'pulumi' };
const accountId = deploymentAccount(env);

// One explicit provider: the region comes from the environment config and a stack pointed at the
// wrong account (credentials of another environment) fails before it changes anything.
const provider = new aws.Provider('aws', {
  region: env.cluster.region as aws.Region,
  allowedAccountIds: [accountId],
  defaultTags: { tags },
});
const opts = { providers: { aws: provider } };

const network = new Network(
  clusterName,
  {
    clusterName,
    region: env.cluster.region,
    accountId,
    settings: infra.network,
    logRetentionDays: infra.eks.logRetentionDays,
  },
  opts,
);
const cluster = new Cluster(clusterName, { clusterName, settings: infra.eks, subnetIds: network.privateSubnetIds }, opts);
const oidc = { arn: cluster.oidcProviderArn, issuer: cluster.oidcIssuer };
const addonArgs = { clusterName: cluster.name, kubernetesVersion: cluster.version, oidc };
const networkAddons = new Addons(`${clusterName}-network`, { ...addonArgs, addons: NETWORK_ADDONS }, opts);
const nodeGroups = new NodeGroups(
  clusterName,
  {
    clusterName: cluster.name,
    kubernetesVersion: cluster.version,
    settings: infra.nodeGroups,
    gpuNodes: env.gpuNodes,
    subnetIds: network.privateSubnetIds,
    securityGroupId: cluster.securityGroupId,
    tags,
  },
  { ...opts, dependsOn: [networkAddons] },
);
const workloadAddons = new Addons(
  `${clusterName}-workload`,
  { ...addonArgs, addons: WORKLOAD_ADDONS },
  { ...opts, dependsOn: [nodeGroups] },
);

const dataKey = new aws.kms.Key(
  `${clusterName}-data`,
  { description: `S3 objects of ${clusterName}`, enableKeyRotation: true, deletionWindowInDays: 30 },
  // Without it every backup and log chunk in the (protected) buckets is unreadable.
  { provider, protect: true },
);
const bucketArgs = { kmsKeyArn: dataKey.arn, noncurrentVersionDays: infra.buckets.noncurrentVersionDays };
const backups = new SecureBucket(
  env.storage.backups.bucket,
  { ...bucketArgs, bucket: env.storage.backups.bucket, expireAfterDays: infra.buckets.backupRetentionDays },
  opts,
);
const lokiStorage = env.logging.loki.objectStorage;
// Loki's compactor deletes chunks past its retention itself; the lifecycle only clears old versions.
const logs =
  lokiStorage.type === 's3' ? new SecureBucket(lokiStorage.bucket, { ...bucketArgs, bucket: lokiStorage.bucket }, opts) : undefined;
const fileSystem = new SharedFileSystem(
  `${clusterName}-shared`,
  { vpcId: network.vpcId, subnetIds: network.privateSubnetIds, nodeSecurityGroupId: cluster.securityGroupId },
  opts,
);

// Each workload role may touch its own bucket only. Loki's compactor also deletes chunks past retention.
const roleBuckets: Record<string, { arn: pulumi.Output<string>; actions: string[] }> = {
  'storage.backups.roleArn': { arn: backups.arn, actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'] },
  ...(logs && {
    'logging.loki.objectStorage.roleArn': {
      arn: logs.arn,
      actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
    },
  }),
};
const roles = new WorkloadRoles(
  `${clusterName}-workloads`,
  {
    kmsKeyArn: dataKey.arn,
    oidc,
    roles: roleSubjects.map((role) => ({
      arn: role.arn,
      bucketArn: roleBuckets[role.path].arn,
      objectActions: roleBuckets[role.path].actions,
      subjects: role.subjects,
    })),
  },
  opts,
);

const kubeconfigText = pulumi
  .all([cluster.cluster.name, cluster.cluster.endpoint, cluster.cluster.certificateAuthority.data])
  .apply(([name, endpoint, certificateAuthority]) =>
    execKubeconfig({ clusterName: name, region: env.cluster.region, endpoint, certificateAuthority }),
  );
const deployment = new ClusterDeployment(clusterName, {
  kubeconfig: kubeconfigText,
  clusterResources: [cluster, nodeGroups, networkAddons, workloadAddons, ...fileSystem.mountTargets],
  charts,
  foundationCharts: FOUNDATION_CHARTS,
  secrets,
  values,
  efsFileSystemId: fileSystem.fileSystemId,
  environment: env.name,
  gitops: env.gitops,
  gitopsSshKey: values.has(GITOPS_SSH_KEY.key) ? pulumi.secret(values.get(GITOPS_SSH_KEY.key)!.value) : undefined,
});

export const environment = env.name;
export const region = env.cluster.region;
const eksClusterName = cluster.name;
export { eksClusterName as clusterName };
export const kubeconfig = pulumi.secret(kubeconfigText);
export const vpcId = network.vpcId;
export const backupBucket = backups.name;
export const logsBucket = logs?.name;
export const roleArns = { ...roles.arns, ...networkAddons.roleArns, ...workloadAddons.roleArns, nodes: nodeGroups.nodeRoleArn };
export const nodeGroupNames = nodeGroups.groups.map((group) => group.nodeGroupName);
export const services = {
  grafana: `${env.namespaces.monitoring}/${GRAFANA_SERVICE.name}`,
  prometheus: `${env.namespaces.monitoring}/${PROMETHEUS_SERVICE.name}`,
};
/** Charts `pulumi up` applies itself; with Argo CD delivery only the foundation. */
export const deployedComponents = deployment.groups.length;
export const delivery = env.gitops.delivery;
export const argocdRootApplication = deployment.argoCd?.rootApplication.metadata.name;
