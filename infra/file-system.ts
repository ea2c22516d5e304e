// The EFS file system behind the `efs-sc` StorageClass: the trainer's models, checkpoints and data
// volumes are ReadWriteMany and mounted from pods on many nodes. Encrypted, one mount target per
// zone, NFS open to the cluster's nodes only.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface SharedFileSystemArgs {
  readonly vpcId: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<string>[];
  /** The cluster security group, which every managed node carries. */
  readonly nodeSecurityGroupId: pulumi.Input<string>;
}

const NFS_PORT = 2049;

export class SharedFileSystem extends pulumi.ComponentResource {
  public readonly fileSystemId: pulumi.Output<string>;
  public readonly mountTargets: aws.efs.MountTarget[];

  constructor(name: string, args: SharedFileSystemArgs, opts?: pulumi.ComponentResourceOptions) {
    super('moe:infra:SharedFileSystem', name, {}, opts);
    const parent = { parent: this };
    const fileSystem = new aws.efs.FileSystem(
      name,
      {
        encrypted: true,
        performanceMode: 'generalPurpose',
        // Elastic throughput follows checkpoint bursts without paying for provisioned throughput.
        throughputMode: 'elastic',
        lifecyclePolicies: [{ transitionToIa: 'AFTER_30_DAYS' }],
        tags: { Name: name },
      },
      { ...parent, protect: true },
    );
    const group = new aws.ec2.SecurityGroup(
      name,
      { vpcId: args.vpcId, description: 'NFS from the EKS nodes to EFS', tags: { Name: `${name}-efs` } },
      parent,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-nfs`,
      {
        securityGroupId: group.id,
        referencedSecurityGroupId: args.nodeSecurityGroupId,
        ipProtocol: 'tcp',
        fromPort: NFS_PORT,
        toPort: NFS_PORT,
      },
      parent,
    );
    this.mountTargets = args.subnetIds.map(
      (subnetId, i) =>
        new aws.efs.MountTarget(`${name}-${i}`, { fileSystemId: fileSystem.id, subnetId, securityGroups: [group.id] }, parent),
    );
    this.fileSystemId = fileSystem.id;
    this.registerOutputs({ fileSystemId: this.fileSystemId });
  }
}
