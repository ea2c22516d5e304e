// The EKS control plane: a pinned version, the API reachable privately and from the configured
// networks only, Secrets envelope-encrypted with a KMS key, every control-plane log type kept,
// access entries (not the aws-auth ConfigMap) for the admin roles, and the OIDC provider for IRSA.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { InfraSettings } from '../config/infra';
import { MANAGED_POLICIES, policyDocument, serviceTrust } from './policies';
import { roleNameOf } from './workload-roles';

export interface ClusterArgs {
  readonly clusterName: string;
  readonly settings: InfraSettings['eks'];
  /** Subnets for the control plane's network interfaces: the private node subnets. */
  readonly subnetIds: pulumi.Input<string>[];
}

const CONTROL_PLANE_LOGS = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];
export const CLUSTER_ADMIN_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';

export class Cluster extends pulumi.ComponentResource {
  public readonly cluster: aws.eks.Cluster;
  public readonly name: pulumi.Output<string>;
  public readonly version: pulumi.Output<string>;
  /** The security group EKS creates for the control plane and managed nodes; members reach each other. */
  public readonly securityGroupId: pulumi.Output<string>;
  public readonly oidcProviderArn: pulumi.Output<string>;
  public readonly oidcIssuer: pulumi.Output<string>;
  public readonly accessEntries: aws.eks.AccessPolicyAssociation[];

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('moe:infra:Cluster', name, {}, opts);
    const parent = { parent: this };
    const { clusterName, settings } = args;

    const key = new aws.kms.Key(
      `${name}-secrets`,
      { description: `Envelope encryption of Kubernetes Secrets in ${clusterName}`, enableKeyRotation: true, deletionWindowInDays: 30 },
      parent,
    );
    new aws.kms.Alias(`${name}-secrets`, { name: `alias/${clusterName}-secrets`, targetKeyId: key.keyId }, parent);

    const role = new aws.iam.Role(
      `${name}-control-plane`,
      { assumeRolePolicy: serviceTrust('eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession']) },
      parent,
    );
    const attachment = new aws.iam.RolePolicyAttachment(
      `${name}-control-plane`,
      { role: role.name, policyArn: MANAGED_POLICIES.eksCluster },
      parent,
    );
    const keyAccess = new aws.iam.RolePolicy(
      `${name}-control-plane-kms`,
      {
        role: role.id,
        policy: policyDocument([
          { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant'], Resource: key.arn },
        ]),
      },
      parent,
    );
    // Created first, so EKS writes into a group with our retention rather than one that keeps logs forever.
    const logs = new aws.cloudwatch.LogGroup(
      `${name}-control-plane`,
      { name: `/aws/eks/${clusterName}/cluster`, retentionInDays: settings.logRetentionDays },
      parent,
    );

    this.cluster = new aws.eks.Cluster(
      name,
      {
        name: clusterName,
        version: settings.version,
        roleArn: role.arn,
        vpcConfig: {
          subnetIds: args.subnetIds,
          endpointPrivateAccess: true,
          endpointPublicAccess: true,
          publicAccessCidrs: settings.publicAccessCidrs,
        },
        encryptionConfig: { provider: { keyArn: key.arn }, resources: ['secrets'] },
        enabledClusterLogTypes: CONTROL_PLANE_LOGS,
        // Access entries only; whoever runs `pulumi up` is cluster admin so it can deploy the charts.
        accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true },
        // Standard support only: extended support costs extra per hour and hides a missed upgrade.
        upgradePolicy: { supportType: 'STANDARD' },
      },
      { ...parent, dependsOn: [attachment, keyAccess, logs] },
    );

    // Named by role, not position: removing one role must not replace the entries after it.
    this.accessEntries = settings.adminRoleArns.map((principalArn) => {
      const id = `${name}-admin-${roleNameOf(principalArn).name}`;
      const entry = new aws.eks.AccessEntry(id, { clusterName: this.cluster.name, principalArn, type: 'STANDARD' }, parent);
      return new aws.eks.AccessPolicyAssociation(
        id,
        {
          clusterName: this.cluster.name,
          principalArn: entry.principalArn,
          policyArn: CLUSTER_ADMIN_POLICY,
          accessScope: { type: 'cluster' },
        },
        parent,
      );
    });

    this.oidcIssuer = this.cluster.identities.apply((identities) => {
      const issuer = identities?.[0]?.oidcs?.[0]?.issuer;
      if (!issuer) throw new Error(`cluster ${clusterName} reports no OIDC issuer`);
      return issuer;
    });
    const oidc = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, { url: this.oidcIssuer, clientIdLists: ['sts.amazonaws.com'] }, parent);

    this.name = this.cluster.name;
    this.version = this.cluster.version;
    this.securityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;
    this.oidcProviderArn = oidc.arn;
    this.registerOutputs({ name: this.name, securityGroupId: this.securityGroupId, oidcProviderArn: this.oidcProviderArn });
  }
}
