// The managed node groups: `system` (on-demand CPU for the monitoring stack and add-ons),
// `cpu-workers` (Mage workers; spot where the environment allows) and `gpu` (NVIDIA AL2023 AMI,
// labelled and tainted exactly as the workloads and the device plugin select, EFA in prod).
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { GpuNodeSettings } from '../config/schema/gpu-nodes';
import type { InfraSettings } from '../config/infra';
import { MANAGED_POLICIES, serviceTrust } from './policies';

export interface NodeGroupsArgs {
  readonly clusterName: pulumi.Input<string>;
  /** The control plane's version: nodes follow it, so a version bump upgrades them too. */
  readonly kubernetesVersion: pulumi.Input<string>;
  readonly settings: InfraSettings['nodeGroups'];
  readonly gpuNodes: GpuNodeSettings;
  readonly subnetIds: pulumi.Input<string>[];
  /** The cluster security group: EFA interfaces must be in it (it admits all traffic between nodes). */
  readonly securityGroupId: pulumi.Input<string>;
  /** Tags for the instances, volumes and interfaces the groups launch. */
  readonly tags: Record<string, string>;
}

/** The node group names of the issue and the docs; a label on every node says which group it is in. */
export const NODE_GROUP_NAMES = { system: 'system', cpuWorkers: 'cpu-workers', gpu: 'gpu' } as const;
export const NODE_GROUP_LABEL = 'moe-lab.io/node-group';
/** The value of the GPU taint; its key and effect come from the environment's gpuNodes. */
export const GPU_TAINT_VALUE = 'true';

const TAINT_EFFECTS = { NoSchedule: 'NO_SCHEDULE', PreferNoSchedule: 'PREFER_NO_SCHEDULE', NoExecute: 'NO_EXECUTE' } as const;

interface GroupSpec {
  readonly group: keyof typeof NODE_GROUP_NAMES;
  readonly amiType: string;
  readonly capacityType: 'ON_DEMAND' | 'SPOT';
  readonly instanceTypes: string[];
  readonly scaling: { min: number; desired: number; max: number };
  readonly diskSizeGib: number;
  readonly labels: Record<string, string>;
  readonly taints: aws.types.input.eks.NodeGroupTaint[];
  readonly efa: boolean;
}

export class NodeGroups extends pulumi.ComponentResource {
  public readonly groups: aws.eks.NodeGroup[];
  public readonly nodeRoleArn: pulumi.Output<string>;

  constructor(name: string, args: NodeGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('moe:infra:NodeGroups', name, {}, opts);
    const parent = { parent: this };
    const { settings, gpuNodes } = args;

    // The VPC CNI gets its own IRSA role (addons.ts), so nodes carry no network-admin permission.
    const role = new aws.iam.Role(`${name}-node`, { assumeRolePolicy: serviceTrust('ec2.amazonaws.com') }, parent);
    const attachments = [MANAGED_POLICIES.eksWorkerNode, MANAGED_POLICIES.ecrReadOnly].map(
      (policyArn, i) => new aws.iam.RolePolicyAttachment(`${name}-node-${i}`, { role: role.name, policyArn }, parent),
    );

    const specs: GroupSpec[] = [
      {
        group: 'system',
        amiType: 'AL2023_x86_64_STANDARD',
        capacityType: 'ON_DEMAND',
        labels: {},
        taints: [],
        efa: false,
        ...settings.system,
      },
      { group: 'cpuWorkers', amiType: 'AL2023_x86_64_STANDARD', labels: {}, taints: [], efa: false, ...settings.cpuWorkers },
      {
        group: 'gpu',
        // Ships the NVIDIA driver and container toolkit; the device plugin comes from our agents chart.
        amiType: 'AL2023_x86_64_NVIDIA',
        capacityType: 'ON_DEMAND',
        labels: { [gpuNodes.label.key]: gpuNodes.label.value },
        taints: [{ key: gpuNodes.taint.key, value: GPU_TAINT_VALUE, effect: TAINT_EFFECTS[gpuNodes.taint.effect] }],
        ...settings.gpu,
      },
    ];
    this.groups = specs.map((spec) => this.nodeGroup(name, spec, args, role.arn, attachments));
    this.nodeRoleArn = role.arn;
    this.registerOutputs({ nodeRoleArn: this.nodeRoleArn, names: this.groups.map((g) => g.nodeGroupName) });
  }

  private nodeGroup(
    name: string,
    spec: GroupSpec,
    args: NodeGroupsArgs,
    nodeRoleArn: pulumi.Output<string>,
    dependsOn: pulumi.Resource[],
  ): aws.eks.NodeGroup {
    const parent = { parent: this };
    const groupName = NODE_GROUP_NAMES[spec.group];
    // EFA needs the nodes close together: a cluster placement group in one zone.
    const placement = spec.efa ? new aws.ec2.PlacementGroup(`${name}-${groupName}`, { strategy: 'cluster' }, parent) : undefined;
    const template = new aws.ec2.LaunchTemplate(
      `${name}-${groupName}`,
      {
        updateDefaultVersion: true,
        blockDeviceMappings: [
          {
            deviceName: '/dev/xvda',
            ebs: { volumeSize: spec.diskSizeGib, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
          },
        ],
        // IMDSv2 only, two hops as EKS sets for AL2023: the EBS CSI controller (not host-network) reads its
        // region there. The node role holds only the worker-node and ECR read policies; add-ons have their own.
        metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 2 },
        networkInterfaces: spec.efa
          ? [
              {
                deviceIndex: 0,
                networkCardIndex: 0,
                interfaceType: 'efa',
                securityGroups: [args.securityGroupId],
                deleteOnTermination: 'true',
              },
            ]
          : undefined,
        placement: placement ? { groupName: placement.name } : undefined,
        // Provider default tags stop at the launch template: tag what it launches, for cost attribution.
        tagSpecifications: ['instance', 'volume', 'network-interface'].map((resourceType) => ({
          resourceType,
          tags: { Name: `${name}-${groupName}`, ...args.tags },
        })),
      },
      parent,
    );
    return new aws.eks.NodeGroup(
      `${name}-${groupName}`,
      {
        clusterName: args.clusterName,
        version: args.kubernetesVersion,
        // A prefix, not a fixed name: EKS cannot change instance or capacity types in place, and
        // Pulumi creates the replacement before deleting the old group. The label names the group.
        nodeGroupNamePrefix: `${groupName}-`,
        nodeRoleArn,
        subnetIds: spec.efa ? [args.subnetIds[0]] : args.subnetIds,
        amiType: spec.amiType,
        capacityType: spec.capacityType,
        instanceTypes: spec.instanceTypes,
        scalingConfig: { minSize: spec.scaling.min, desiredSize: spec.scaling.desired, maxSize: spec.scaling.max },
        launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
        labels: { [NODE_GROUP_LABEL]: groupName, ...spec.labels },
        taints: spec.taints,
        updateConfig: { maxUnavailable: 1 },
      },
      { ...parent, dependsOn },
    );
  }
}
