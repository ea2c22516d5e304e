// IAM policy documents as typed data: the program writes every document it attaches here, so the
// tests can read each statement (no `*` action on a `*` resource, trust scoped to one subject).
import * as pulumi from '@pulumi/pulumi';

export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource?: pulumi.Input<string> | ReadonlyArray<pulumi.Input<string>>;
  readonly Principal?: Record<string, pulumi.Input<string> | ReadonlyArray<pulumi.Input<string>>> | '*';
  readonly Condition?: Record<string, Record<string, pulumi.Input<string> | ReadonlyArray<pulumi.Input<string>>>>;
}

/** A policy document as the JSON string IAM and S3 take, resolved once every ARN in it is known. */
export function policyDocument(statements: readonly Statement[]): pulumi.Output<string> {
  return pulumi.output({ Version: '2012-10-17', Statement: statements }).apply((doc) => JSON.stringify(doc));
}

/** Trust for an AWS service principal, e.g. eks.amazonaws.com; `sourceAccount` guards against a confused deputy. */
export function serviceTrust(
  service: string,
  actions: readonly string[] = ['sts:AssumeRole'],
  sourceAccount?: string,
): pulumi.Output<string> {
  const Condition = sourceAccount ? { StringEquals: { 'aws:SourceAccount': sourceAccount } } : undefined;
  return policyDocument([{ Effect: 'Allow', Principal: { Service: service }, Action: actions, Condition }]);
}

/** EKS Pod Identity: the agent assumes the role and tags the session with the pod's identity. */
export const podIdentityTrust = () => serviceTrust('pods.eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession']);

/** IRSA: only the token of `namespace/serviceAccount` issued by the cluster's OIDC provider may assume the role. */
export function irsaTrust(
  oidc: { arn: pulumi.Input<string>; issuer: pulumi.Input<string> },
  subjects: ReadonlyArray<{ namespace: string; serviceAccount: string }>,
): pulumi.Output<string> {
  return pulumi.output(oidc.issuer).apply((issuer) => {
    const host = issuer.replace(/^https:\/\//, '');
    return policyDocument([
      {
        Effect: 'Allow',
        Principal: { Federated: oidc.arn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${host}:aud`]: 'sts.amazonaws.com',
            [`${host}:sub`]: subjects.map((s) => `system:serviceaccount:${s.namespace}:${s.serviceAccount}`),
          },
        },
      },
    ]);
  });
}

/** AWS managed policies the program attaches; each is scoped by AWS to one service's needs. */
export const MANAGED_POLICIES = {
  eksCluster: 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy',
  eksWorkerNode: 'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
  ecrReadOnly: 'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
  eksCni: 'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
  ebsCsi: 'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy',
  efsCsi: 'arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy',
} as const;
