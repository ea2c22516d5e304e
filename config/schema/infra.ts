// The AWS side of an environment, which the Pulumi program (infra/) builds: network, EKS, its
// managed node groups and the S3 lifecycle. A fragment of the environment schema; the values live in
// the Pulumi stack files (Pulumi.<env>.yaml, read by config/stack-files.ts), so none is defined twice.
import { z } from 'zod';
import { roleArn } from './aws';
import { IPV4_CIDR } from './primitives';

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

/**
 * EKS versions in standard support (November 2026) that the program accepts; pinned so upgrades are
 * deliberate. Drop a version when its standard support ends: the cluster opts out of extended support.
 */
export const EKS_VERSIONS = ['1.34', '1.35', '1.36'] as const;
const CAPACITY_TYPES = ['ON_DEMAND', 'SPOT'] as const;
const NAT_MODES = ['single', 'per-az'] as const;

const cidr = z.string().regex(IPV4_CIDR, { error: 'must be an IPv4 CIDR such as 10.0.0.0/16 or 203.0.113.0/24' });
/** Node subnets take an eighth of the VPC each (pods get VPC addresses), so the VPC must be /16 to /20. */
const vpcCidr = cidr.refine((value) => !IPV4_CIDR.test(value) || /\/(1[6-9]|20)$/.test(value), {
  error: 'must be a /16 to /20 network: each zone gets an eighth of it for nodes and pods',
});
/** Retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
const days = (max: number) =>
  z
    .int({ error: 'must be a whole number of days' })
    .min(1, { error: 'must be at least 1 (day)' })
    .max(max, { error: `must be at most ${max} (days)` });
/** CPU instance types of the general-purpose, compute and memory families (m, c, r; generation 5 on). */
const cpuInstanceType = z.string().regex(/^[mcr][5-8][a-z]*\.(large|[1-9]?\d?xlarge|metal)$/, {
  error: 'must be a CPU instance type of the m, c or r families, generation 5 or later, such as m6i.2xlarge',
});
const gpuInstanceType = z.enum(GPU_TYPES as [GpuInstanceType, ...GpuInstanceType[]], {
  error: `must be one of the GPU instance types ${GPU_TYPES.join(', ')}`,
});

/** Node count bounds of a managed node group; `pulumi up` sets desired (no autoscaler is deployed). */
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
    vpcCidr,
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
      .refine((cidrs) => !cidrs.some((c) => IPV4_CIDR.test(c) && Number(c.split('/')[1]) < 8), {
        error: 'must not contain 0.0.0.0/0 or other networks wider than /8: list the networks that administer the cluster',
      }),
    /** IAM roles given cluster-admin through EKS access entries, besides the identity that runs `pulumi up` (EKS makes it admin at creation). */
    adminRoleArns: z
      .array(roleArn)
      .min(1, { error: 'must name at least one admin role' })
      .refine((arns) => new Set(arns).size === arns.length, { error: 'must not name a role twice: EKS allows one access entry per role' }),
    /** Days CloudWatch keeps the control-plane logs (and the VPC flow logs where they are on). */
    logRetentionDays: z.union(
      LOG_RETENTION_DAYS.map((d) => z.literal(d)),
      { error: `must be one of the CloudWatch retention periods ${LOG_RETENTION_DAYS.join(', ')}` },
    ),
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
  /** S3 lifecycle: backups expire after their retention; overwritten or deleted versions linger a little. */
  buckets: z.strictObject({
    backupRetentionDays: days(3650),
    noncurrentVersionDays: days(365),
  }),
});

export type InfraInput = z.input<typeof infraSchema>;
export type InfraSettings = z.output<typeof infraSchema>;
