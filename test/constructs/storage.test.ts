import { Testing } from 'cdk8s';
import { z } from 'zod';
import { ENVIRONMENT_INPUTS, ENVIRONMENT_NAMES, loadEnvironments } from '../../config';
import { checkBackupSchedules, storageSchema } from '../../config/schema/storage';
import { ComponentChart } from '../../constructs/assembly/component-chart';
import { MlStorage, type MlStorageProps } from '../../constructs/components/ml-storage';
import { Postgres, postgresHost } from '../../constructs/components/postgres';
import { Redis } from '../../constructs/components/redis';
import { podSpecOf, validateAgainstSchema, type KubeObject } from '../helpers/manifests';

const prod = loadEnvironments(['prod'])[0].storage;
const resources = { cpu: { request: '100m', limit: '500m' }, memory: { request: '256Mi', limit: '512Mi' } };
const synth = (build: (chart: ComponentChart) => void): KubeObject[] => {
  const chart = new ComponentChart(Testing.app(), 'storage', { component: 'storage' });
  build(chart);
  return Testing.synth(chart) as KubeObject[];
};
const find = (objects: KubeObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const mlProps = (override: Partial<MlStorageProps> = {}): MlStorageProps => ({
  namespace: 'moe-lab',
  instance: 'moe-prod',
  models: { storageClass: 'efs-sc', accessMode: 'ReadWriteMany', size: '2Ti' },
  checkpoints: { storageClass: 'efs-sc', accessMode: 'ReadWriteMany', size: '5Ti' },
  data: { storageClass: 'efs-sc', accessMode: 'ReadWriteMany', size: '1Ti' },
  ...override,
});
const issuesOf = (input: unknown) => {
  const result = storageSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};
/** What the tests read of a synthesized container. */
interface ContainerJson {
  env: unknown[];
  args: string[];
  securityContext: unknown;
  resources: unknown;
  volumeMounts: Array<{ mountPath: string }>;
  readinessProbe: { exec: { command: string[] } };
  livenessProbe: { exec: { command: string[] } };
}
interface StatefulSetJson {
  spec: { volumeClaimTemplates: Array<{ spec: unknown }> };
}
const containerOf = (object: KubeObject) => podSpecOf(object)!.containers[0] as unknown as ContainerJson;
const configData = (object: KubeObject) => (object as unknown as { data: Record<string, string> }).data;

/** The defaults as plain mutable data, so a case can break one field. */
interface Draft {
  volumes: Record<'models' | 'checkpoints' | 'data', { storageClass: string; accessMode: string; size: string }>;
  postgres: { storage: { storageClass: string } };
  redis: { image: { tag: string } };
  backups: { bucket: string; roleArn: string; schedules: Record<string, string> };
}
const withChange = (change: (input: Draft) => void) => {
  const input = structuredClone(prod) as unknown as Draft;
  change(input);
  return input;
};

describe('storage config', () => {
  it.each(ENVIRONMENT_NAMES)('GIVEN the %s defaults WHEN parsed by the schema THEN they pass', (env) => {
    expect(issuesOf(ENVIRONMENT_INPUTS[env].storage)).toEqual([]);
  });

  it.each([
    [
      'an unknown storage class',
      (i: Draft) => (i.volumes.models.storageClass = 'fast-ssd'),
      "volumes.models.storageClass: must be one of the cluster's storage classes: gp3, efs-sc",
    ],
    [
      'ReadWriteMany on EBS',
      (i: Draft) => (i.volumes.data = { storageClass: 'gp3', accessMode: 'ReadWriteMany', size: '1Ti' }),
      'volumes.data.accessMode: storage class gp3 cannot serve ReadWriteMany',
    ],
    [
      'ReadWriteOnce checkpoints',
      (i: Draft) => (i.volumes.checkpoints.accessMode = 'ReadWriteOnce'),
      'volumes.checkpoints.accessMode: accessMode must be ReadWriteMany',
    ],
    [
      'a size that is not a quantity',
      (i: Draft) => (i.volumes.models.size = '2TB'),
      'volumes.models.size: must be a binary memory quantity',
    ],
    [
      'a bucket name with upper case',
      (i: Draft) => (i.backups.bucket = 'MoeLab_Backups'),
      'backups.bucket: must be a valid S3 bucket name',
    ],
    [
      'a bucket name like an IP address',
      (i: Draft) => (i.backups.bucket = '10.0.0.1'),
      'backups.bucket: must not contain ".." or look like an IP address',
    ],
    [
      'an unsupported cron expression',
      (i: Draft) => (i.backups.schedules.redis = '@hourly'),
      'backups.schedules.redis: cron schedule "@hourly": macros',
    ],
    ['a role that is not an ARN', (i: Draft) => (i.backups.roleArn = 'moe-lab-backup'), 'backups.roleArn: must be an IAM role ARN'],
    ['a database on EFS', (i: Draft) => (i.postgres.storage.storageClass = 'efs-sc'), 'postgres.storage.storageClass: must be gp3'],
    ['a latest image', (i: Draft) => (i.redis.image.tag = 'latest'), 'redis.image.tag: must be a pinned tag'],
  ])('GIVEN %s WHEN parsed THEN it is rejected with a clear error', (_case, change, message) => {
    expect(issuesOf(withChange(change))).toEqual([expect.stringContaining(message)]);
  });

  it('GIVEN a schedule inside the maintenance window WHEN the environment refinement runs THEN the issue names the schedule and the window', () => {
    const schema = z
      .object({ storage: storageSchema, window: z.any() })
      .superRefine((env, ctx) => checkBackupSchedules(env.storage, env.window, ctx));
    const input = withChange((i) => (i.backups.schedules.checkpoints = '0 3 * * 0'));
    const window = { weekdays: ['sunday'], start: '02:00', end: '04:00', location: 'UTC' };
    const result = schema.safeParse({ storage: input, window });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      [
        'storage.backups.schedules.checkpoints',
        expect.stringContaining('fires on sunday at 03:00 UTC, inside the maintenance window sunday 02:00-04:00 UTC'),
      ],
    ]);
    expect(schema.safeParse({ storage: prod, window }).success).toBe(true);
  });
});

describe('MlStorage', () => {
  it('GIVEN the volume settings WHEN synthesized THEN three valid PVCs with the agreed names, classes and sizes exist', () => {
    const objects = synth((chart) => new MlStorage(chart, 'ml', mlProps()));
    for (const object of objects) expect(() => validateAgainstSchema(object)).not.toThrow();
    expect(objects.map((o) => [o.kind, o.metadata.name])).toEqual([
      ['PersistentVolumeClaim', 'moe-models'],
      ['PersistentVolumeClaim', 'moe-checkpoints'],
      ['PersistentVolumeClaim', 'moe-data'],
    ]);
    expect(find(objects, 'PersistentVolumeClaim', 'moe-checkpoints').spec).toEqual({
      accessModes: ['ReadWriteMany'],
      storageClassName: 'efs-sc',
      resources: { requests: { storage: '5Ti' } },
    });
    expect(find(objects, 'PersistentVolumeClaim', 'moe-data').metadata.labels).toMatchObject({
      'app.kubernetes.io/part-of': 'gpu-observability',
    });
  });

  it.each<[string, Partial<MlStorageProps>, string]>([
    [
      'an unknown class',
      { models: { storageClass: 'fast' as 'gp3', accessMode: 'ReadWriteOnce', size: '1Ti' } },
      'models.storageClass: got "fast"; allowed: gp3, efs-sc',
    ],
    [
      'RWX on gp3',
      { data: { storageClass: 'gp3', accessMode: 'ReadWriteMany', size: '1Ti' } },
      'data.accessMode: got "ReadWriteMany"; storage class gp3 serves only ReadWriteOnce',
    ],
    [
      'RWO checkpoints',
      { checkpoints: { storageClass: 'gp3', accessMode: 'ReadWriteOnce', size: '1Ti' } },
      'checkpoints.accessMode: got "ReadWriteOnce"; must be ReadWriteMany',
    ],
    [
      'a bad size',
      { models: { storageClass: 'efs-sc', accessMode: 'ReadWriteMany', size: 'lots' } },
      'models.size: got "lots"; must be a quantity',
    ],
  ])('GIVEN %s WHEN constructed THEN it throws naming the prop and value', (_case, override, message) => {
    expect(() => synth((chart) => new MlStorage(chart, 'ml', mlProps(override)))).toThrow(message);
  });
});

describe('Postgres and Redis', () => {
  const objects = synth((chart) => {
    new Postgres(chart, 'postgres', {
      namespace: 'moe-lab',
      instance: 'moe-prod',
      ...prod.postgres,
      resources,
      clientNamespaces: ['monitoring'],
    });
    new Redis(chart, 'redis', { namespace: 'moe-lab', instance: 'moe-prod', ...prod.redis, resources });
  });

  it('GIVEN both databases WHEN synthesized THEN every object passes the Kubernetes schema', () => {
    for (const object of objects) expect(() => validateAgainstSchema(object)).not.toThrow();
  });

  it('GIVEN Postgres WHEN synthesized THEN it runs as uid 999, reads its password from the Secret, keeps PGDATA in a subdirectory and probes with pg_isready', () => {
    const pod = podSpecOf(find(objects, 'StatefulSet', 'postgres'))!;
    const container = containerOf(find(objects, 'StatefulSet', 'postgres'));
    expect(container.securityContext).toMatchObject({ runAsUser: 999, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(pod.securityContext).toMatchObject({ fsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'password' } } },
        { name: 'POSTGRES_DB', value: 'moe_lab' },
        { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
      ]),
    );
    expect(container.readinessProbe.exec.command.join(' ')).toContain('pg_isready');
    expect(container.volumeMounts.map((m) => m.mountPath)).toEqual(
      expect.arrayContaining(['/var/run/postgresql', '/tmp', '/var/lib/postgresql/data']),
    );
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    expect(find(objects, 'Service', 'postgres').spec).toMatchObject({ ports: [{ port: 5432 }] });
    expect(postgresHost('moe-lab')).toBe('postgres.moe-lab.svc.cluster.local:5432');
  });

  it('GIVEN Redis WHEN synthesized THEN it persists to its volume, takes the password from the Secret (never a literal) and probes with redis-cli ping', () => {
    const statefulSet = find(objects, 'StatefulSet', 'redis');
    const container = containerOf(statefulSet);
    expect(configData(find(objects, 'ConfigMap', 'redis-config'))['redis.conf']).toMatch(/^appendonly yes$/m);
    expect(container.env).toEqual([{ name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } } }]);
    const script = container.args.join(' ');
    expect(script).toContain('"$REDISCLI_AUTH" > /run/redis/auth.conf');
    expect(configData(find(objects, 'ConfigMap', 'redis-config'))['redis.conf']).toMatch(/^include \/run\/redis\/auth.conf$/m);
    expect(container.livenessProbe.exec.command.join(' ')).toContain('redis-cli -p 6379 ping');
    expect((statefulSet as unknown as StatefulSetJson).spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'gp3',
      resources: { requests: { storage: '10Gi' } },
    });
    expect(find(objects, 'Service', 'redis').spec).toMatchObject({ ports: [{ port: 6379 }] });
  });

  it('GIVEN a database name with a dash WHEN Postgres is constructed THEN it throws naming the prop and what is allowed', () => {
    expect(() =>
      synth(
        (chart) => new Postgres(chart, 'pg', { namespace: 'moe-lab', instance: 'x', ...prod.postgres, resources, database: 'moe-lab' }),
      ),
    ).toThrow('Postgres database: got "moe-lab"; must be lower-case letters');
  });
});
