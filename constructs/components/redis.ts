import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { ImageSettings, ResourceSettings } from '../../config';
import { addPinnedContainer } from '../k8s/container';
import { selectorLabels, standardLabels, type ComponentIdentity } from '../k8s/labels';
import { addConfigChecksum, selectPodsByStableLabels } from '../k8s/pod-metadata';
import { addDataVolumePerReplica, headlessService } from '../k8s/stateful-set';
import { allowClients } from '../k8s/network-policies';
import { DATABASE_UID, databasePodSecurityContext } from '../k8s/storage-patches';
import { REDIS_SERVICE } from '../../contracts/services';

export interface RedisProps {
  /** Namespace of every object, e.g. `moe-lab`. */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  /** The official redis image, pinned. */
  readonly image: ImageSettings;
  readonly storage: { readonly storageClass: string; readonly size: string };
  readonly resources: ResourceSettings;
  /** Secret (created by the Pulumi program from secret stack config) with the key `password`, required from every client. */
  readonly authSecret: string;
  /**
   * Namespaces besides its own whose pods may connect.
   * @default - only pods of its own namespace
   */
  readonly clientNamespaces?: readonly string[];
}

const DATA_DIR = '/data';
const AUTH_DIR = '/run/redis';

/**
 * Both AOF (every write, fsynced each second) and RDB snapshots: the AOF loses at most a second on a
 * crash, the RDB file is what the backup CronJob copies. The password is included from a file
 * written at start, so it appears neither in the ConfigMap nor on the command line.
 */
const redisConf = (port: number) =>
  [
    `port ${port}`,
    `dir ${DATA_DIR}`,
    'appendonly yes',
    'appendfsync everysec',
    'save 3600 1 300 100 60 10000',
    `include ${AUTH_DIR}/auth.conf`,
    '',
  ].join('\n');

/** A single-replica Redis StatefulSet with persistence on its own volume, password auth and a ClusterIP Service. */
export class Redis extends Construct {
  public readonly serviceName: string = REDIS_SERVICE.name;
  public readonly port: number = REDIS_SERVICE.port;
  public readonly configText: string;
  public readonly statefulSet: kplus.StatefulSet;

  constructor(scope: Construct, id: string, props: RedisProps) {
    super(scope, id);
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(props.authSecret)) {
      throw new Error(`Redis authSecret: got "${props.authSecret}"; must be the name of a Secret (a DNS-1123 label such as redis-auth)`);
    }
    const identity: ComponentIdentity = { name: 'redis', component: 'cache', instance: props.instance, version: props.image.tag };
    const labels = standardLabels(identity);
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels });
    const pods = kplus.Pods.select(this, 'Pods', { labels: selectorLabels(identity) });

    this.configText = redisConf(this.port);
    const config = new kplus.ConfigMap(this, 'Config', { metadata: metadata('redis-config'), data: { 'redis.conf': this.configText } });
    const headless = headlessService(this, metadata('redis-headless'), pods, [{ name: 'redis', port: this.port, targetPort: this.port }]);
    this.statefulSet = new kplus.StatefulSet(this, 'StatefulSet', {
      metadata: metadata('redis'),
      service: headless,
      replicas: 1,
      select: false,
      automountServiceAccountToken: false,
      securityContext: databasePodSecurityContext(),
    });
    selectPodsByStableLabels(this.statefulSet, identity);
    addConfigChecksum(this.statefulSet, this.configText);

    const secret = kplus.Secret.fromSecretName(this, 'Auth', props.authSecret);
    // redis-cli reads REDISCLI_AUTH, so the probe needs no password on its command line.
    const ping = ['/bin/sh', '-c', `redis-cli -p ${this.port} ping | grep -q PONG`];
    const container = addPinnedContainer(this.statefulSet, {
      name: 'redis',
      image: props.image,
      command: ['/bin/sh', '-c'],
      args: [
        `umask 077 && printf 'requirepass "%s"\\n' "$REDISCLI_AUTH" > ${AUTH_DIR}/auth.conf && exec redis-server /etc/redis/redis.conf`,
      ],
      envVariables: { REDISCLI_AUTH: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }) },
      ports: [{ name: 'redis', number: this.port }],
      resources: props.resources,
      user: DATABASE_UID,
      readiness: kplus.Probe.fromCommand(ping, { periodSeconds: Duration.seconds(10), failureThreshold: 3 }),
      liveness: kplus.Probe.fromCommand(ping, { periodSeconds: Duration.seconds(20), failureThreshold: 6 }),
      // Loading a large AOF after a restart blocks PING until it is done.
      startup: kplus.Probe.fromCommand(ping, { periodSeconds: Duration.seconds(10), failureThreshold: 60 }),
    });
    container.mount('/etc/redis', kplus.Volume.fromConfigMap(this, 'ConfigVolume', config, { name: 'config' }), { readOnly: true });
    container.mount(AUTH_DIR, kplus.Volume.fromEmptyDir(this, 'AuthVolume', 'auth', { medium: kplus.EmptyDirMedium.MEMORY }));
    addDataVolumePerReplica(this.statefulSet, props.storage, labels, DATA_DIR);

    new kplus.Service(this, 'Service', {
      metadata: metadata(this.serviceName),
      selector: pods,
      ports: [{ name: 'redis', port: this.port, targetPort: this.port }],
    });
    // No PodDisruptionBudget: with one replica it could only block node drains.
    allowClients(this, { namespace: props.namespace, labels, pods, port: this.port, clientNamespaces: props.clientNamespaces ?? [] });
  }
}
