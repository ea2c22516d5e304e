// EKS managed add-ons. The network add-ons go on before the node groups (nodes only turn Ready
// with a CNI); the ones that run Deployments go on after them, since they wait for their pods.
// Add-ons that call AWS get their own role: the VPC CNI through IRSA (it must work before the
// Pod Identity agent runs), the CSI drivers through Pod Identity.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { irsaTrust, MANAGED_POLICIES, podIdentityTrust } from './policies';

export interface AddonRole {
  readonly policyArn: string;
  /** The add-on's ServiceAccount in kube-system. */
  readonly serviceAccount: string;
  readonly via: 'irsa' | 'pod-identity';
}

export interface AddonSpec {
  readonly name: string;
  readonly role?: AddonRole;
  /** The add-on's configuration values (schema: `aws eks describe-addon-configuration`). */
  readonly configuration?: Record<string, unknown>;
}

/** Before the node groups: pod networking, kube-proxy and the Pod Identity agent (DaemonSets). */
export const NETWORK_ADDONS: readonly AddonSpec[] = [
  {
    name: 'vpc-cni',
    role: { policyArn: MANAGED_POLICIES.eksCni, serviceAccount: 'aws-node', via: 'irsa' },
    // The charts' NetworkPolicies are only enforced with the CNI's network policy agent on (off by default).
    configuration: { enableNetworkPolicy: 'true' },
  },
  { name: 'kube-proxy' },
  { name: 'eks-pod-identity-agent' },
];

/** After the node groups: DNS, block and file storage (gp3 and efs-sc), and metrics-server for the inference HPA. */
export const WORKLOAD_ADDONS: readonly AddonSpec[] = [
  { name: 'coredns' },
  {
    name: 'aws-ebs-csi-driver',
    role: { policyArn: MANAGED_POLICIES.ebsCsi, serviceAccount: 'ebs-csi-controller-sa', via: 'pod-identity' },
  },
  {
    name: 'aws-efs-csi-driver',
    role: { policyArn: MANAGED_POLICIES.efsCsi, serviceAccount: 'efs-csi-controller-sa', via: 'pod-identity' },
  },
  { name: 'metrics-server' },
];

export interface AddonsArgs {
  readonly clusterName: pulumi.Input<string>;
  /** Each add-on gets EKS's default version for this Kubernetes version, recorded in the state. */
  readonly kubernetesVersion: pulumi.Input<string>;
  readonly addons: readonly AddonSpec[];
  readonly oidc: { arn: pulumi.Input<string>; issuer: pulumi.Input<string> };
}

export class Addons extends pulumi.ComponentResource {
  public readonly addons: aws.eks.Addon[];
  /** Role ARN per add-on that has one. */
  public readonly roleArns: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: AddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('moe:infra:Addons', name, {}, opts);
    const parent = { parent: this };
    this.addons = args.addons.map((spec) => {
      const { role, attachment } = spec.role ? this.role(`${name}-${spec.name}`, spec.role, args) : {};
      if (role) this.roleArns[spec.name] = role.arn;
      return new aws.eks.Addon(
        `${name}-${spec.name}`,
        {
          clusterName: args.clusterName,
          addonName: spec.name,
          addonVersion: aws.eks.getAddonVersionOutput({ addonName: spec.name, kubernetesVersion: args.kubernetesVersion }, parent).version,
          configurationValues: spec.configuration ? JSON.stringify(spec.configuration) : undefined,
          resolveConflictsOnCreate: 'OVERWRITE',
          resolveConflictsOnUpdate: 'OVERWRITE',
          serviceAccountRoleArn: spec.role?.via === 'irsa' ? role?.arn : undefined,
          podIdentityAssociations:
            spec.role?.via === 'pod-identity' && role ? [{ roleArn: role.arn, serviceAccount: spec.role.serviceAccount }] : undefined,
        },
        { ...parent, dependsOn: attachment ? [attachment] : [] },
      );
    });
    this.registerOutputs({ roleArns: this.roleArns });
  }

  private role(name: string, spec: AddonRole, args: AddonsArgs): { role: aws.iam.Role; attachment: aws.iam.RolePolicyAttachment } {
    const parent = { parent: this };
    const trust =
      spec.via === 'irsa' ? irsaTrust(args.oidc, [{ namespace: 'kube-system', serviceAccount: spec.serviceAccount }]) : podIdentityTrust();
    const role = new aws.iam.Role(name, { assumeRolePolicy: trust }, parent);
    const attachment = new aws.iam.RolePolicyAttachment(name, { role: role.name, policyArn: spec.policyArn }, parent);
    return { role, attachment };
  }
}
