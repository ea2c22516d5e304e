// Storage of the moe-lab workloads (model, checkpoint and data volumes), its PostgreSQL and Redis,
// and their backups to S3. A fragment of the environment schema, with each environment's values.
import { z } from 'zod';
import { bucketName, PLACEHOLDER_ACCOUNTS, roleArn } from './aws';
import { cronSchedule, windowProblem } from './cron';
import { image, memoryQuantity, resources } from './primitives';
import type { WeeklyWindow } from './schema';

/**
 * Storage classes the EKS clusters provide (the Pulumi storage component creates them) and the
 * access modes each can serve: EBS volumes attach to one node; EFS is NFS and mounts on many.
 */
export const STORAGE_CLASSES = {
  gp3: ['ReadWriteOnce'],
  'efs-sc': ['ReadWriteMany', 'ReadOnlyMany', 'ReadWriteOnce'],
} as const satisfies Record<string, readonly string[]>;
export type StorageClassName = keyof typeof STORAGE_CLASSES;
const CLASS_NAMES = Object.keys(STORAGE_CLASSES) as StorageClassName[];
export const ACCESS_MODES = ['ReadWriteOnce', 'ReadWriteMany', 'ReadOnlyMany'] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];

const storageClass = z.enum(CLASS_NAMES as [StorageClassName, ...StorageClassName[]], {
  error: `must be one of the cluster's storage classes: ${CLASS_NAMES.join(', ')}`,
});
const accessMode = z.enum(ACCESS_MODES, { error: `must be one of ${ACCESS_MODES.join(', ')}` });
const size = z.string().pipe(memoryQuantity);

/** A shared volume; the class must serve the access mode (an EBS gp3 volume cannot be ReadWriteMany). */
const sharedVolume = z
  .strictObject({ storageClass, accessMode, size })
  .refine((volume) => (STORAGE_CLASSES[volume.storageClass] as readonly string[]).includes(volume.accessMode), {
    error: (issue) => {
      const volume = issue.input as { storageClass: StorageClassName; accessMode: string };
      return `storage class ${volume.storageClass} cannot serve ${volume.accessMode}; it serves ${STORAGE_CLASSES[volume.storageClass].join(', ')} (use efs-sc for ReadWriteMany)`;
    },
    path: ['accessMode'],
  });

/** A database volume: block storage on one node, since PostgreSQL and Redis must not share their files. */
const databaseVolume = z.strictObject({
  storageClass: z.literal('gp3', { error: 'must be gp3: databases need ReadWriteOnce block storage, not NFS' }),
  size,
});

const secretName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
  error: 'must be the name of a Secret (a DNS-1123 label such as postgres-credentials)',
});

export const storageSchema = z.strictObject({
  /** The trainer's volumes, mounted at /storage/models, /storage/checkpoints and /storage/data. */
  volumes: z.strictObject({
    models: sharedVolume,
    /** Mounted read-only by the checkpoint backup, which may run on another node: must be ReadWriteMany. */
    checkpoints: sharedVolume.refine((volume) => volume.accessMode === 'ReadWriteMany', {
      error: 'accessMode must be ReadWriteMany: the backup CronJob mounts checkpoints beside the trainer, possibly on another node',
      path: ['accessMode'],
    }),
    data: sharedVolume,
  }),
  postgres: z.strictObject({
    image,
    storage: databaseVolume,
    resources,
    /** Secret (created by the Pulumi program from secret stack config) with the keys `username` and `password`. */
    credentialsSecret: secretName,
  }),
  redis: z.strictObject({
    image,
    storage: databaseVolume,
    resources,
    /** Secret (created by the Pulumi program from secret stack config) with the key `password`; Redis requires it from every client. */
    authSecret: secretName,
  }),
  backups: z.strictObject({
    /** One bucket per environment, created by the Pulumi program; objects go under checkpoints/, postgres/, redis/. */
    bucket: bucketName,
    /** IAM role the backup ServiceAccount assumes (IRSA); created by the Pulumi program. */
    roleArn,
    awsCliImage: image,
    resources,
    /** Standard 5-field cron in UTC; each must stay outside `alerting.maintenanceWindow`. */
    schedules: z.strictObject({ checkpoints: cronSchedule, postgres: cronSchedule, redis: cronSchedule }),
  }),
});

export type StorageInput = z.input<typeof storageSchema>;
export type StorageSettings = z.output<typeof storageSchema>;

/**
 * Adds an issue for every backup schedule that fires inside the maintenance window. The window
 * lives in `alerting`, so the lead's environment schema calls this from its `superRefine`.
 */
export function checkBackupSchedules(storage: StorageSettings, window: WeeklyWindow, ctx: z.RefinementCtx): void {
  for (const [name, expression] of Object.entries(storage.backups.schedules)) {
    const problem = windowProblem(expression, window);
    if (problem) ctx.addIssue({ code: 'custom', path: ['storage', 'backups', 'schedules', name], message: problem });
  }
}

/** Default bucket names are `moe-lab-backups-<env>`: bucket names are global, so each environment gets its own. */
const BUCKET_PREFIX = 'moe-lab-backups';

const small = { cpu: { request: '100m', limit: '500m' }, memory: { request: '256Mi', limit: '512Mi' } };

function storageFor(
  env: 'dev' | 'staging' | 'prod',
  account: string,
  sizes: { models: string; checkpoints: string; data: string; db: string },
) {
  return {
    volumes: {
      // Shared by the trainer and inference pods on several nodes: EFS.
      models: { storageClass: 'efs-sc', accessMode: 'ReadWriteMany', size: sizes.models },
      checkpoints: { storageClass: 'efs-sc', accessMode: 'ReadWriteMany', size: sizes.checkpoints },
      data: { storageClass: 'efs-sc', accessMode: 'ReadWriteMany', size: sizes.data },
    },
    postgres: {
      image: { repository: 'docker.io/library/postgres', tag: '16.4-bookworm' },
      storage: { storageClass: 'gp3', size: sizes.db },
      resources: env === 'prod' ? { cpu: { request: '500m', limit: '2' }, memory: { request: '1Gi', limit: '2Gi' } } : small,
      credentialsSecret: 'postgres-credentials',
    },
    redis: {
      image: { repository: 'docker.io/library/redis', tag: '7.4.1-bookworm' },
      storage: { storageClass: 'gp3', size: '10Gi' },
      resources: small,
      authSecret: 'redis-auth',
    },
    backups: {
      bucket: `${BUCKET_PREFIX}-${env}`,
      roleArn: `arn:aws:iam::${account}:role/moe-lab-backup-${env}`,
      awsCliImage: { repository: 'public.ecr.aws/aws-cli/aws-cli', tag: '2.17.50' },
      resources: small,
      // Staggered so the three jobs do not compete for the same network and disk. The dumps start
      // early enough that even a late start plus their one-hour deadline ends before Sunday 02:00 UTC.
      schedules: { checkpoints: '15 5 * * *', postgres: '30 0 * * *', redis: '45 0 * * *' },
    },
  } as const satisfies StorageInput;
}

/** Per-environment values; they pass `storageSchema` (the tests check it). */
export const STORAGE_DEFAULTS = {
  dev: storageFor('dev', PLACEHOLDER_ACCOUNTS.dev, { models: '200Gi', checkpoints: '200Gi', data: '100Gi', db: '10Gi' }),
  staging: storageFor('staging', PLACEHOLDER_ACCOUNTS.staging, { models: '500Gi', checkpoints: '1Ti', data: '500Gi', db: '20Gi' }),
  prod: storageFor('prod', PLACEHOLDER_ACCOUNTS.prod, { models: '2Ti', checkpoints: '5Ti', data: '2Ti', db: '100Gi' }),
} as const;
