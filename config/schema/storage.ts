// Storage of the moe-lab workloads (model, checkpoint and data volumes), its PostgreSQL and Redis,
// and their backups to S3. A fragment of the environment schema.
import { z } from 'zod';
import { cronSchedule, windowProblem } from '../cron';
import type { WeeklyWindow } from './alerting';
import { bucketName, roleArn } from './aws';
import { image, memoryQuantity, resources } from './primitives';

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
 * lives in `alerting`, so the environment schema calls this from its `superRefine`.
 */
export function checkBackupSchedules(storage: StorageSettings, window: WeeklyWindow, ctx: z.RefinementCtx): void {
  for (const [name, expression] of Object.entries(storage.backups.schedules)) {
    const problem = windowProblem(expression, window);
    if (problem) ctx.addIssue({ code: 'custom', path: ['storage', 'backups', 'schedules', name], message: problem });
  }
}
