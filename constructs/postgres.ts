import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { ImageSettings, ResourceSettings } from '../config';
import { containerResources, restrictedSecurityContext } from './container-defaults';
import { useRuntimeDefaultSeccomp } from './escape-hatches';
import { selectorLabels, standardLabels, type ComponentIdentity } from './labels';
import { addDataVolumePerReplica, selectPodsByStableLabels } from './stateful-set';
import { allowClients, DATABASE_UID, databasePodSecurityContext } from './storage-patches';

export interface PostgresProps {
  /** Namespace of every object, e.g. `moe-lab`. */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  /** The official postgres image, pinned. */
  readonly image: ImageSettings;
  readonly storage: { readonly storageClass: string; readonly size: string };
  readonly resources: ResourceSettings;
  /** Secret (created outside this repo) with the keys `username` and `password`. */
  readonly credentialsSecret: string;
  /**
   * Database created on first start.
   * @default 'moe_lab'
   */
  readonly database?: string;
  /**
   * Namespaces besides its own whose pods may connect (e.g. `monitoring` for Grafana).
   * @default - only pods of its own namespace
   */
  readonly clientNamespaces?: readonly string[];
}

/** Service name and port clients use; Grafana's database host is built from these. */
export const POSTGRES_SERVICE = { name: 'postgres', port: 5432 } as const;

/** `host:port` of the PostgreSQL in `namespace`, for clients in other namespaces (Grafana's `database.host`). */
export const postgresHost = (namespace: string): string =>
  `${POSTGRES_SERVICE.name}.${namespace}.svc.cluster.local:${POSTGRES_SERVICE.port}`;

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const DATA_DIR = '/var/lib/postgresql/data';

/** A single-replica PostgreSQL StatefulSet with its own volume, a ClusterIP Service and a NetworkPolicy. */
export class Postgres extends Construct {
  public readonly serviceName: string = POSTGRES_SERVICE.name;
  public readonly port: number = POSTGRES_SERVICE.port;
  public readonly database: string;
  public readonly statefulSet: kplus.StatefulSet;

  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id);
    this.database = props.database ?? 'moe_lab';
    if (!DATABASE_NAME.test(this.database)) {
      throw new Error(
        `Postgres database: got "${this.database}"; must be lower-case letters, digits and "_", not starting with a digit, at most 63 characters`,
      );
    }
    const identity: ComponentIdentity = { name: 'postgres', component: 'database', instance: props.instance, version: props.image.tag };
    const labels = standardLabels(identity);
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels });
    const pods = kplus.Pods.select(this, 'Pods', { labels: selectorLabels(identity) });

    const headless = new kplus.Service(this, 'Headless', {
      metadata: metadata('postgres-headless'),
      clusterIP: 'None',
      selector: pods,
      ports: [{ name: 'postgres', port: this.port, targetPort: this.port }],
    });
    this.statefulSet = new kplus.StatefulSet(this, 'StatefulSet', {
      metadata: metadata('postgres'),
      service: headless,
      replicas: 1,
      select: false,
      automountServiceAccountToken: false,
      // A clean shutdown writes a checkpoint; a kill means crash recovery on the next start.
      terminationGracePeriod: Duration.seconds(60),
      securityContext: databasePodSecurityContext(),
    });
    selectPodsByStableLabels(this.statefulSet, identity);

    const secret = kplus.Secret.fromSecretName(this, 'Credentials', props.credentialsSecret);
    // pg_isready only checks that the server accepts connections; it needs no password.
    const ready = ['/bin/sh', '-c', `exec pg_isready -h 127.0.0.1 -p ${this.port} -U "$POSTGRES_USER" -d "$POSTGRES_DB"`];
    const container = this.statefulSet.addContainer({
      name: 'postgres',
      image: `${props.image.repository}:${props.image.tag}`,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      envVariables: {
        POSTGRES_USER: kplus.EnvValue.fromSecretValue({ secret, key: 'username' }),
        POSTGRES_PASSWORD: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }),
        POSTGRES_DB: kplus.EnvValue.fromValue(this.database),
        // initdb refuses a non-empty directory, and a volume root holds lost+found.
        PGDATA: kplus.EnvValue.fromValue(`${DATA_DIR}/pgdata`),
      },
      ports: [{ name: 'postgres', number: this.port }],
      resources: containerResources(props.resources),
      securityContext: restrictedSecurityContext(DATABASE_UID),
      readiness: kplus.Probe.fromCommand(ready, { periodSeconds: Duration.seconds(10), failureThreshold: 3 }),
      liveness: kplus.Probe.fromCommand(ready, { periodSeconds: Duration.seconds(20), failureThreshold: 6 }),
      // initdb on first start and crash recovery after a kill can take minutes.
      startup: kplus.Probe.fromCommand(ready, { periodSeconds: Duration.seconds(10), failureThreshold: 60 }),
    });
    // The root filesystem is read-only: the socket directory, temp files and shared memory need their own volumes.
    container.mount('/var/run/postgresql', kplus.Volume.fromEmptyDir(this, 'RunVolume', 'run'));
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp'));
    container.mount('/dev/shm', kplus.Volume.fromEmptyDir(this, 'ShmVolume', 'shm', { medium: kplus.EmptyDirMedium.MEMORY }));
    addDataVolumePerReplica(this.statefulSet, props.storage, labels, DATA_DIR);
    useRuntimeDefaultSeccomp(this.statefulSet);

    new kplus.Service(this, 'Service', {
      metadata: metadata(this.serviceName),
      selector: pods,
      ports: [{ name: 'postgres', port: this.port, targetPort: this.port }],
    });
    // No PodDisruptionBudget: with one replica it could only block node drains, never keep the database up.
    allowClients(this, { namespace: props.namespace, labels, pods, port: this.port, clientNamespaces: props.clientNamespaces ?? [] });
  }
}
