// The AWS side of an environment, which the Pulumi program (infra/) builds: network, EKS and its
// managed node groups. A fragment of the environment schema, with each environment's values; the
// Pulumi stack reads these, so no value is defined twice.
import { z } from 'zod';
import { PLACEHOLDER_ACCOUNTS, roleArn } from './aws';

/** GPUs per instance, and whether it has an EFA network interface, of the GPU instance types offered. */
export const GPU_INSTANCE_TYPES = {
  'g5.xlarge': { gpus: 1, efa: false },
  'g5.2xlarge': { gpus: 1, efa: false },
  'g5.4xlarge': { gpus: 1, efa: false },
  'g5.12xlarge': { gpus: 4, efa: true },
  'g5.48xlarge': { gpus: 8, efa: true },
  'g6e.xlarge': { gpus: 1, efa: false },
  'g6e.12xlarge': { gpus: 4, efa: true },
  'g6e.48xlarge': { gpus: 8, efa: true },
  'p4d.24xlarge': { gpus: 8, efa: true },
  'p4de.24xlarge': { gpus: 8, efa: true },
  'p5.48xlarge': { gpus: 8, efa: true },
  'p5e.48xlarge': { gpus: 8, efa: true },
} as const satisfies Record<string, { gpus: number; efa: boolean }>;
export type GpuInstanceType = keyof typeof GPU_INSTANCE_TYPES;
const GPU_TYPES = Object.keys(GPU_INSTANCE_TYPES) as GpuInstanceType[];

/** EKS versions in standard support that the program is tested with; pinned so upgrades are deliberate. */
export const EKS_VERSIONS = ['1.31', '1.32', '1.33'] as const;
const CAPACITY_TYPES = ['ON_DEMAND', 'SPOT'] as const;
const NAT_MODES = ['single', 'per-az'] as const;

const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(\d|[12]\d|3[0-2])$/;
const cidr = z.string().regex(IPV4_CIDR, { error: 'must be an IPv4 CIDR such as 10.0.0.0/16 or 203.0.113.0/24' });
/** CPU instance types of the general-purpose, compute and memory families (m, c, r; generation 5 on). */
const cpuInstanceType = z.string().regex(/^[mcr][5-8][a-z]*\.(large|[1-9]?\d?xlarge|metal)$/, {
  error: 'must be a CPU instance type of the m, c or r families, generation 5 or later, such as m6i.2xlarge',
});
const gpuInstanceType = z.enum(GPU_TYPES as [GpuInstanceType, ...GpuInstanceType[]], {
  error: `must be one of the GPU instance types ${GPU_TYPES.join(', ')}`,
});

/** Node count bounds; the cluster autoscaler moves between min and max, starting from desired. */
const scaling = z
  .strictObject({
    min: z.int({ error: 'must be a whole number' }).min(0, { error: 'must be 0 or more' }),
    desired: z.int({ error: 'must be a whole number' }).min(0, { error: 'must be 0 or more' }),
    max: z.int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }),
  })
  .superRefine((value, ctx) => {
    if (value.min > value.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `${value.min} is above max ${value.max}` });
    else if (value.desired < value.min || value.desired > value.max)
      ctx.addIssue({
        code: 'custom',
        path: ['desired'],
        message: `${value.desired} must be between min ${value.min} and max ${value.max}`,
      });
  });
const diskSizeGib = z
  .int({ error: 'must be a whole number of GiB' })
  .min(20, { error: 'must be at least 20 (GiB)' })
  .max(2000, { error: 'must be at most 2000 (GiB)' });
const instanceTypes = <T extends z.ZodType>(type: T) =>
  z.array(type).min(1, { error: 'must name at least one instance type' }).max(10, { error: 'must name at most 10' });

export const infraSchema = z.strictObject({
  network: z.strictObject({
    vpcCidr: cidr,
    /** Subnets are spread over this many availability zones of the region. */
    availabilityZones: z
      .int({ error: 'must be a whole number' })
      .min(2, { error: 'must be at least 2' })
      .max(6, { error: 'must be at most 6' }),
    /** One NAT gateway for the VPC, or one per zone so a zone outage does not cut the others off. */
    natGateways: z.enum(NAT_MODES, { error: `must be one of ${NAT_MODES.join(', ')}` }),
    flowLogs: z.boolean({ error: 'must be true or false' }),
  }),
  eks: z.strictObject({
    version: z.enum(EKS_VERSIONS, { error: `must be one of ${EKS_VERSIONS.join(', ')}` }),
    /** Who may reach the public API endpoint; nodes use the private one. */
    publicAccessCidrs: z
      .array(cidr)
      .min(1, { error: 'must name at least one CIDR' })
      .refine((cidrs) => !cidrs.includes('0.0.0.0/0'), {
        error: 'must not contain 0.0.0.0/0: list the networks that administer the cluster',
      }),
    /** IAM roles given cluster-admin through EKS access entries. */
    adminRoleArns: z.array(roleArn).min(1, { error: 'must name at least one admin role' }),
  }),
  nodeGroups: z.strictObject({
    /** On-demand CPU nodes for the monitoring stack and cluster add-ons. */
    system: z.strictObject({ instanceTypes: instanceTypes(cpuInstanceType), scaling, diskSizeGib }),
    /** CPU nodes for the Mage workers; spot where an interrupted episode costs little. */
    cpuWorkers: z.strictObject({
      instanceTypes: instanceTypes(cpuInstanceType),
      capacityType: z.enum(CAPACITY_TYPES, { error: `must be one of ${CAPACITY_TYPES.join(', ')}` }),
      scaling,
      diskSizeGib,
    }),
    /** GPU nodes, labelled and tainted as `gpuNodes` says; images of CUDA frameworks need a large disk. */
    gpu: z
      .strictObject({
        instanceTypes: instanceTypes(gpuInstanceType),
        scaling,
        diskSizeGib,
        efa: z.boolean({ error: 'must be true or false' }),
      })
      .superRefine((value, ctx) => {
        const withoutEfa = value.instanceTypes.filter((type) => !GPU_INSTANCE_TYPES[type].efa);
        if (value.efa && withoutEfa.length > 0)
          ctx.addIssue({
            code: 'custom',
            path: ['efa'],
            message: `${withoutEfa.join(', ')} has no EFA interface; use efa: false or EFA types`,
          });
      }),
  }),
});

export type InfraInput = z.input<typeof infraSchema>;
export type InfraSettings = z.output<typeof infraSchema>;

/**
 * Problems between the node groups and the rest of the environment: every GPU instance type must
 * have `fleet.gpusPerNode` GPUs (the workloads and the capacity model size GPU pods by it), and the
 * expected fleet must fit the node groups' maximum.
 */
export function infraProblems(settings: {
  infra: InfraSettings;
  fleet: { cpuNodes: number; gpuNodes: number; gpusPerNode: number };
}): Array<{ path: string; message: string }> {
  const { infra, fleet } = settings;
  const problems: Array<{ path: string; message: string }> = [];
  const { gpu, system, cpuWorkers } = infra.nodeGroups;
  gpu.instanceTypes.forEach((type, i) => {
    if (GPU_INSTANCE_TYPES[type].gpus !== fleet.gpusPerNode)
      problems.push({
        path: `infra.nodeGroups.gpu.instanceTypes.${i}`,
        message: `${type} has ${GPU_INSTANCE_TYPES[type].gpus} GPU(s) but fleet.gpusPerNode is ${fleet.gpusPerNode}; pick types with ${fleet.gpusPerNode}`,
      });
  });
  if (fleet.gpuNodes > gpu.scaling.max)
    problems.push({ path: 'infra.nodeGroups.gpu.scaling.max', message: `${gpu.scaling.max} is below fleet.gpuNodes ${fleet.gpuNodes}` });
  const cpuMax = system.scaling.max + cpuWorkers.scaling.max;
  if (fleet.cpuNodes > cpuMax)
    problems.push({
      path: 'infra.nodeGroups.cpuWorkers.scaling.max',
      message: `system and cpuWorkers reach ${cpuMax} nodes at most, below fleet.cpuNodes ${fleet.cpuNodes}`,
    });
  return problems;
}

/** Placeholder networks allowed to reach the API endpoint (TEST-NET-3): set your office or VPN ranges. */
const ADMIN_NETWORKS = ['203.0.113.0/24'];
const adminRole = (env: keyof typeof PLACEHOLDER_ACCOUNTS) => `arn:aws:iam::${PLACEHOLDER_ACCOUNTS[env]}:role/moe-lab-platform-admin`;

/**
 * Per-environment values. dev runs one small GPU on spot-friendly sizes; prod spreads NAT over every
 * zone, keeps flow logs, and runs 8-GPU p4d/p5 nodes with EFA for multi-node training.
 */
export const INFRA_DEFAULTS: Readonly<Record<keyof typeof PLACEHOLDER_ACCOUNTS, InfraInput>> = {
  dev: {
    network: { vpcCidr: '10.10.0.0/16', availabilityZones: 3, natGateways: 'single', flowLogs: false },
    eks: { version: '1.33', publicAccessCidrs: ADMIN_NETWORKS, adminRoleArns: [adminRole('dev')] },
    nodeGroups: {
      system: { instanceTypes: ['m6i.xlarge'], scaling: { min: 1, desired: 2, max: 3 }, diskSizeGib: 50 },
      cpuWorkers: {
        instanceTypes: ['m6i.2xlarge', 'm7i.2xlarge'],
        capacityType: 'SPOT',
        scaling: { min: 0, desired: 1, max: 4 },
        diskSizeGib: 100,
      },
      gpu: { instanceTypes: ['g5.2xlarge'], scaling: { min: 0, desired: 1, max: 2 }, diskSizeGib: 200, efa: false },
    },
  },
  staging: {
    network: { vpcCidr: '10.20.0.0/16', availabilityZones: 3, natGateways: 'single', flowLogs: false },
    eks: { version: '1.33', publicAccessCidrs: ADMIN_NETWORKS, adminRoleArns: [adminRole('staging')] },
    nodeGroups: {
      system: { instanceTypes: ['m6i.xlarge'], scaling: { min: 2, desired: 2, max: 4 }, diskSizeGib: 50 },
      cpuWorkers: {
        instanceTypes: ['m6i.4xlarge', 'm7i.4xlarge'],
        capacityType: 'SPOT',
        scaling: { min: 1, desired: 2, max: 8 },
        diskSizeGib: 100,
      },
      gpu: { instanceTypes: ['g5.48xlarge'], scaling: { min: 0, desired: 2, max: 4 }, diskSizeGib: 300, efa: false },
    },
  },
  prod: {
    network: { vpcCidr: '10.30.0.0/16', availabilityZones: 3, natGateways: 'per-az', flowLogs: true },
    eks: { version: '1.33', publicAccessCidrs: ADMIN_NETWORKS, adminRoleArns: [adminRole('prod')] },
    nodeGroups: {
      system: { instanceTypes: ['m6i.2xlarge'], scaling: { min: 3, desired: 3, max: 6 }, diskSizeGib: 100 },
      cpuWorkers: {
        instanceTypes: ['c6i.4xlarge', 'c7i.4xlarge'],
        capacityType: 'ON_DEMAND',
        scaling: { min: 2, desired: 7, max: 20 },
        diskSizeGib: 100,
      },
      gpu: { instanceTypes: ['p4d.24xlarge', 'p5.48xlarge'], scaling: { min: 8, desired: 16, max: 24 }, diskSizeGib: 500, efa: true },
    },
  },
};
