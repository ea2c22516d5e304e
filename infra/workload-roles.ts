// IAM roles of the workloads that write to S3 (the backup CronJobs and Loki), assumed through IRSA
// by the ServiceAccounts the synthesized manifests annotate with each role's ARN. Each may touch
// its own bucket and the data key only.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { irsaTrust, policyDocument } from './policies';

export interface WorkloadRoleSpec {
  /** The ARN the environment config gives the role; the program creates it under that name. */
  readonly arn: string;
  readonly bucketArn: pulumi.Input<string>;
  /** S3 object actions besides listing the bucket. */
  readonly objectActions: readonly string[];
  /** ServiceAccounts annotated with `arn` in the manifests. */
  readonly subjects: ReadonlyArray<{ namespace: string; serviceAccount: string }>;
}

export interface WorkloadRolesArgs {
  readonly roles: readonly WorkloadRoleSpec[];
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly oidc: { arn: pulumi.Input<string>; issuer: pulumi.Input<string> };
}

/** Role name and path from an ARN such as arn:aws:iam::123456789012:role/team/moe-lab-backup-dev. */
export function roleNameOf(arn: string): { name: string; path: string } {
  const full = arn.split(':role/')[1];
  const slash = full.lastIndexOf('/');
  return slash === -1 ? { name: full, path: '/' } : { name: full.slice(slash + 1), path: `/${full.slice(0, slash + 1)}` };
}

export class WorkloadRoles extends pulumi.ComponentResource {
  /** Created role ARN by the config's ARN. */
  public readonly arns: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: WorkloadRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('moe:infra:WorkloadRoles', name, {}, opts);
    const parent = { parent: this };
    for (const spec of args.roles) {
      if (spec.subjects.length === 0) throw new Error(`role ${spec.arn}: no ServiceAccount in the manifests is annotated with it`);
      const { name: roleName, path } = roleNameOf(spec.arn);
      const role = new aws.iam.Role(roleName, { name: roleName, path, assumeRolePolicy: irsaTrust(args.oidc, spec.subjects) }, parent);
      new aws.iam.RolePolicy(
        roleName,
        {
          role: role.id,
          policy: policyDocument([
            { Sid: 'ListBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: spec.bucketArn },
            { Sid: 'Objects', Effect: 'Allow', Action: spec.objectActions, Resource: pulumi.interpolate`${spec.bucketArn}/*` },
            { Sid: 'DataKey', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: args.kmsKeyArn },
          ]),
        },
        parent,
      );
      this.arns[spec.arn] = role.arn;
    }
    this.registerOutputs({ arns: this.arns });
  }
}
