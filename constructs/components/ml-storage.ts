import { KubePersistentVolumeClaim, Quantity } from 'cdk8s-plus-27/lib/imports/k8s';
import { KEEP_ON_DELETE } from '../assembly/argocd';
import { Construct } from 'constructs';
import { STORAGE_CLASSES, type AccessMode, type StorageClassName } from '../../config/schema/storage';
import { memoryQuantity } from '../../config/schema/primitives';
import { standardLabels } from '../k8s/labels';

/** One shared volume of the ML workloads. */
export interface SharedVolumeSettings {
  readonly storageClass: StorageClassName;
  readonly accessMode: AccessMode;
  readonly size: string;
}

export interface MlStorageProps {
  /** Namespace of the ML workloads, e.g. `moe-lab`. */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  /** Pretrained and exported models, read by trainer and inference pods on several nodes. */
  readonly models: SharedVolumeSettings;
  /** Training checkpoints; the backup CronJob mounts them read-only, so they must be ReadWriteMany. */
  readonly checkpoints: SharedVolumeSettings;
  /** Training data sets. */
  readonly data: SharedVolumeSettings;
}

/** Claim names and the paths the trainer mounts them at; the backups and the trainer read them from here. */
export const ML_VOLUMES = {
  models: { claimName: 'moe-models', mountPath: '/storage/models' },
  checkpoints: { claimName: 'moe-checkpoints', mountPath: '/storage/checkpoints' },
  data: { claimName: 'moe-data', mountPath: '/storage/data' },
} as const;

type VolumeKey = keyof typeof ML_VOLUMES;

/**
 * The PersistentVolumeClaims of the ML workloads. Standalone claims, not claim templates: several
 * pods (trainer, inference, backup) share each one, which is why they are ReadWriteMany on EFS.
 */
export class MlStorage extends Construct {
  /** Claim name per volume, for the workloads that mount them. */
  public readonly claimNames: Readonly<Record<VolumeKey, string>>;

  constructor(scope: Construct, id: string, props: MlStorageProps) {
    super(scope, id);
    const labels = standardLabels({ name: 'ml-storage', component: 'storage', instance: props.instance });
    for (const key of Object.keys(ML_VOLUMES) as VolumeKey[]) validateVolume(key, props[key]);
    if (props.checkpoints.accessMode !== 'ReadWriteMany') {
      throw new Error(
        `checkpoints.accessMode: got "${props.checkpoints.accessMode}"; must be ReadWriteMany, because the backup CronJob mounts checkpoints while the trainer writes them, possibly from another node`,
      );
    }
    for (const key of Object.keys(ML_VOLUMES) as VolumeKey[]) {
      const volume = props[key];
      new KubePersistentVolumeClaim(this, key, {
        // Weights and checkpoints outlive a Git mistake: a claim leaving the tree is not deleted.
        metadata: { name: ML_VOLUMES[key].claimName, namespace: props.namespace, labels, annotations: { ...KEEP_ON_DELETE } },
        spec: {
          accessModes: [volume.accessMode],
          storageClassName: volume.storageClass,
          resources: { requests: { storage: Quantity.fromString(volume.size) } },
        },
      });
    }
    this.claimNames = {
      models: ML_VOLUMES.models.claimName,
      checkpoints: ML_VOLUMES.checkpoints.claimName,
      data: ML_VOLUMES.data.claimName,
    };
  }
}

function validateVolume(key: string, volume: SharedVolumeSettings): void {
  const modes: readonly string[] | undefined = STORAGE_CLASSES[volume.storageClass];
  if (!modes) {
    throw new Error(`${key}.storageClass: got "${volume.storageClass}"; allowed: ${Object.keys(STORAGE_CLASSES).join(', ')}`);
  }
  if (!modes.includes(volume.accessMode)) {
    throw new Error(`${key}.accessMode: got "${volume.accessMode}"; storage class ${volume.storageClass} serves only ${modes.join(', ')}`);
  }
  if (!memoryQuantity.safeParse(volume.size).success) {
    throw new Error(`${key}.size: got "${volume.size}"; must be a quantity such as 500Gi or 2Ti (units Ki, Mi, Gi, Ti)`);
  }
}
