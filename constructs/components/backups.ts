import { Cron, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { ImageSettings, WeeklyWindow } from '../../config';
import { assertOutsideWindow } from '../../config/cron';
import { storageSchema, type StorageSettings } from '../../config/schema/storage';
import { addPinnedContainer } from '../k8s/container';
import { nonRootPodSecurityContext } from '../k8s/container-defaults';
import { standardLabels, type ComponentIdentity } from '../k8s/labels';
import { ML_VOLUMES } from './ml-storage';
import { DATABASE_UID } from '../k8s/storage-patches';
import { POSTGRES_SERVICE, REDIS_SERVICE } from '../../contracts/services';
import { BACKUP_CRONJOBS } from '../../contracts/jobs';

export interface BackupsProps {
  /** Namespace of the backed-up workloads and of the CronJobs, e.g. `moe-lab`. */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  /** Bucket, IAM role, AWS CLI image, resources and schedules (UTC). */
  readonly settings: StorageSettings['backups'];
  /** No schedule may fire inside it (`alerting.maintenanceWindow`). */
  readonly maintenanceWindow: WeeklyWindow;
  /** Image with pg_dump, the same major version as the server. */
  readonly postgres: {
    readonly image: ImageSettings;
    readonly credentialsSecret: string;
    readonly database: string;
    /** Other databases of the same server (Grafana's), dumped beside the main one. @default - none */
    readonly extraDatabases?: readonly string[];
  };
  /** Image with redis-cli, and the Secret holding the server's password. */
  readonly redis: { readonly image: ImageSettings; readonly authSecret: string };
}

/** ServiceAccount of the backup pods; the Pulumi program trusts it (`system:serviceaccount:<ns>:moe-lab-backup`) in the role's policy. */
export const BACKUP_SERVICE_ACCOUNT = 'moe-lab-backup';

const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
const STAGING_DIR = '/backup';
// The AWS CLI writes its cache under $HOME; with a read-only root filesystem that is an emptyDir.
const HOME = '/tmp';
const timestamp = '$(date -u +%Y%m%dT%H%M%SZ)';
// Pulled on every start: cdk8s-plus's default, which these Jobs have always had (unlike the pinned-tag IfNotPresent elsewhere).
const PULL_POLICY = kplus.ImagePullPolicy.ALWAYS;

/**
 * Nightly backups to S3: checkpoints synced from their volume, a pg_dump of the database and a Redis
 * RDB snapshot. The database jobs dump in an init container (database image) into an emptyDir and
 * upload in the main container (AWS CLI image): no image carries both tools, and a failed dump
 * fails the Job before anything is uploaded.
 */
export class Backups extends Construct {
  public readonly serviceAccount: kplus.ServiceAccount;
  public readonly cronJobs: Readonly<Record<keyof typeof BACKUP_CRONJOBS, kplus.CronJob>>;
  private readonly props: BackupsProps;
  private readonly labels: Record<string, string>;

  constructor(scope: Construct, id: string, props: BackupsProps) {
    super(scope, id);
    validateSettings(props.settings, props.maintenanceWindow);
    this.props = props;
    const identity: ComponentIdentity = { name: 'backup', component: 'backup', instance: props.instance };
    this.labels = standardLabels(identity);
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: {
        name: BACKUP_SERVICE_ACCOUNT,
        namespace: props.namespace,
        labels: this.labels,
        annotations: { [ROLE_ARN_ANNOTATION]: props.settings.roleArn },
      },
      // The EKS webhook mounts its own web-identity token; the Kubernetes API token is not needed.
      automountToken: false,
    });
    const s3 = `s3://${props.settings.bucket}`;

    const checkpoints = this.cronJob('Checkpoints', BACKUP_CRONJOBS.checkpoints, props.settings.schedules.checkpoints, Duration.hours(6));
    const claim = kplus.PersistentVolumeClaim.fromClaimName(this, 'CheckpointsClaim', ML_VOLUMES.checkpoints.claimName);
    const sync = this.uploader(checkpoints, `exec aws s3 sync ${ML_VOLUMES.checkpoints.mountPath}/ ${s3}/checkpoints/ --only-show-errors`);
    sync.mount(
      ML_VOLUMES.checkpoints.mountPath,
      kplus.Volume.fromPersistentVolumeClaim(this, 'CheckpointsVolume', claim, { readOnly: true }),
      {
        readOnly: true,
      },
    );

    const postgres = this.cronJob('Postgres', BACKUP_CRONJOBS.postgres, props.settings.schedules.postgres, Duration.hours(1));
    const credentials = kplus.Secret.fromSecretName(this, 'PostgresCredentials', props.postgres.credentialsSecret);
    const databases = [props.postgres.database, ...(props.postgres.extraDatabases ?? [])];
    const server = `-h ${POSTGRES_SERVICE.name} -p ${POSTGRES_SERVICE.port}`;
    const dump = addPinnedContainer(postgres, {
      init: true,
      name: 'pg-dump',
      image: props.postgres.image,
      imagePullPolicy: PULL_POLICY,
      command: ['/bin/sh', '-c'],
      // One custom-format dump per database (compressed, restores selectively with pg_restore), plus
      // the roles, which pg_dump leaves out and a restore into a new server needs first.
      args: [
        `set -e; for db in ${databases.join(' ')}; do pg_dump ${server} -d "$db" -Fc -f "${STAGING_DIR}/$db.dump"; done; ` +
          `exec pg_dumpall ${server} --globals-only -f ${STAGING_DIR}/globals.sql`,
      ],
      envVariables: {
        PGUSER: kplus.EnvValue.fromSecretValue({ secret: credentials, key: 'username' }),
        PGPASSWORD: kplus.EnvValue.fromSecretValue({ secret: credentials, key: 'password' }),
      },
      resources: props.settings.resources,
      user: DATABASE_UID,
    });
    const pgUpload = this.uploader(
      postgres,
      `exec aws s3 cp ${STAGING_DIR}/ "${s3}/postgres/${timestamp}/" --recursive --only-show-errors`,
    );
    this.shareStagingDir('Postgres', dump, pgUpload);

    const redis = this.cronJob('Redis', BACKUP_CRONJOBS.redis, props.settings.schedules.redis, Duration.hours(1));
    const auth = kplus.Secret.fromSecretName(this, 'RedisAuth', props.redis.authSecret);
    const rdb = addPinnedContainer(redis, {
      init: true,
      name: 'redis-rdb',
      image: props.redis.image,
      imagePullPolicy: PULL_POLICY,
      // --rdb asks the server for a fresh snapshot and streams it; the live files are not touched.
      command: ['redis-cli', '-h', REDIS_SERVICE.name, '-p', String(REDIS_SERVICE.port), '--rdb', `${STAGING_DIR}/dump.rdb`],
      envVariables: { REDISCLI_AUTH: kplus.EnvValue.fromSecretValue({ secret: auth, key: 'password' }) },
      resources: props.settings.resources,
      user: DATABASE_UID,
    });
    const rdbUpload = this.uploader(redis, `exec aws s3 cp ${STAGING_DIR}/dump.rdb "${s3}/redis/dump-${timestamp}.rdb" --only-show-errors`);
    this.shareStagingDir('Redis', rdb, rdbUpload);

    this.cronJobs = { checkpoints, postgres, redis };
  }

  private cronJob(id: string, name: string, schedule: string, activeDeadline: Duration): kplus.CronJob {
    const [minute, hour, day, month, weekDay] = schedule.trim().split(/\s+/);
    const cronJob = new kplus.CronJob(this, id, {
      metadata: { name, namespace: this.props.namespace, labels: this.labels },
      schedule: Cron.schedule({ minute, hour, day, month, weekDay }),
      // Schedules are validated against the maintenance window in UTC; pin it so the cluster's zone cannot shift them.
      timeZone: 'Etc/UTC',
      concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID,
      // A start delayed longer than this is skipped rather than run late, possibly inside the maintenance window.
      startingDeadline: Duration.minutes(10),
      // Failed Jobs stay listed, so kube-state-metrics keeps reporting them for BackupJobFailed.
      successfulJobsRetained: 3,
      failedJobsRetained: 3,
      backoffLimit: 2,
      activeDeadline,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: nonRootPodSecurityContext(),
    });
    for (const [key, value] of Object.entries(this.labels)) cronJob.podMetadata.addLabel(key, value);
    return cronJob;
  }

  /** The AWS CLI container running `script`, with a writable HOME. */
  private uploader(cronJob: kplus.CronJob, script: string): kplus.Container {
    const container = addPinnedContainer(cronJob, {
      name: 'upload',
      image: this.props.settings.awsCliImage,
      imagePullPolicy: PULL_POLICY,
      command: ['/bin/sh', '-c'],
      args: [`set -eu\n${script}`],
      envVariables: { HOME: kplus.EnvValue.fromValue(HOME) },
      resources: this.props.settings.resources,
    });
    container.mount(HOME, kplus.Volume.fromEmptyDir(this, `${cronJob.node.id}Home`, 'home'));
    return container;
  }

  /** The emptyDir through which the dump container hands its file to the upload container. */
  private shareStagingDir(id: string, producer: kplus.Container, uploader: kplus.Container): void {
    const staging = kplus.Volume.fromEmptyDir(this, `${id}Staging`, 'staging');
    producer.mount(STAGING_DIR, staging);
    uploader.mount(STAGING_DIR, staging, { readOnly: true });
  }
}

/** Throws naming the field for settings that fail the schema, and for any schedule inside the window. */
function validateSettings(settings: StorageSettings['backups'], window: WeeklyWindow): void {
  const result = storageSchema.shape.backups.safeParse(settings);
  if (!result.success) {
    const [issue] = result.error.issues;
    const field = ['backups', ...issue.path.map(String)].join('.');
    throw new Error(`${field}: got ${JSON.stringify(pathValue(settings, issue.path))}; ${issue.message}`);
  }
  for (const [name, expression] of Object.entries(settings.schedules)) {
    assertOutsideWindow(`backups.schedules.${name}`, expression, window);
  }
}

function pathValue(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((current, key) => (current as Record<PropertyKey, unknown> | undefined)?.[key], value);
}
