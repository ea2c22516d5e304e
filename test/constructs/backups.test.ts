import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { loadEnvironments, type WeeklyWindow } from '../../config';
import { Backups, type BackupsProps } from '../../constructs/components/backups';
import { ComponentChart } from '../../constructs/assembly/component-chart';
import { backupGroups } from '../../rules/groups/backups';
import { renderRuleFiles } from '../../rules/render';
import { backupRunbooks } from '../../rules/runbooks/backups';
import { backupCases } from '../rules/cases/backups';
import { podSpecOf, validateAgainstSchema, type KubeObject } from '../helpers/manifests';
import { promtoolTestFile } from '../helpers/promtool-tests';
import { removeDir, tempDir } from '../helpers/synth-tmp';
import { runTool } from '../helpers/tools';
import { BACKUP_CRONJOBS } from '../../contracts/jobs';

const prod = loadEnvironments(['prod'])[0].storage;
const WINDOW: WeeklyWindow = { weekdays: ['sunday'], start: '02:00', end: '04:00', location: 'UTC' };
const props = (settings: Partial<BackupsProps['settings']> = {}): BackupsProps => ({
  namespace: 'moe-lab',
  instance: 'moe-prod',
  settings: { ...structuredClone(prod.backups), ...settings } as BackupsProps['settings'],
  maintenanceWindow: WINDOW,
  // As in prod, where Grafana keeps its state in the same server.
  postgres: { image: prod.postgres.image, credentialsSecret: 'postgres-credentials', database: 'moe_lab', extraDatabases: ['grafana'] },
  redis: { image: prod.redis.image, authSecret: 'redis-auth' },
});
const synth = (p: BackupsProps): KubeObject[] => {
  const chart = new ComponentChart(Testing.app(), 'backups', { component: 'backups' });
  new Backups(chart, 'backups', p);
  return Testing.synth(chart) as KubeObject[];
};
const cronJob = (objects: KubeObject[], name: string) => objects.find((o) => o.kind === 'CronJob' && o.metadata.name === name)!;
interface ContainerJson {
  args: string[];
  command: string[];
  env: unknown[];
  volumeMounts: unknown[];
}
/** What the tests read of a CronJob's pod spec. */
interface PodJson {
  containers: ContainerJson[];
  initContainers: ContainerJson[];
  volumes: unknown[];
}
const podOf = (object: KubeObject) => podSpecOf(object) as unknown as PodJson;

describe('Backups', () => {
  const objects = synth(props());

  it('GIVEN the prod settings WHEN synthesized THEN every object passes the Kubernetes schema', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['CronJob', 'CronJob', 'CronJob', 'ServiceAccount']);
    for (const object of objects) expect(() => validateAgainstSchema(object)).not.toThrow();
  });

  it('GIVEN the role ARN WHEN synthesized THEN the ServiceAccount carries the IRSA annotation and every CronJob uses it', () => {
    const account = objects.find((o) => o.kind === 'ServiceAccount')!;
    expect(account.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': prod.backups.roleArn });
    for (const name of Object.values(BACKUP_CRONJOBS)) {
      expect(podSpecOf(cronJob(objects, name))).toMatchObject({ serviceAccountName: account.metadata.name });
    }
  });

  it.each(Object.entries(BACKUP_CRONJOBS))(
    'GIVEN the %s backup WHEN synthesized THEN it is Forbid, in UTC, on its schedule, restricted and sized',
    (key, name) => {
      const job = cronJob(objects, name);
      expect(job.spec).toMatchObject({
        schedule: prod.backups.schedules[key as keyof typeof BACKUP_CRONJOBS],
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
      });
      const pod = podSpecOf(job)!;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(container.securityContext).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
      }
    },
  );

  it('GIVEN the checkpoint backup WHEN synthesized THEN it syncs the read-only checkpoints volume to the bucket', () => {
    const pod = podOf(cronJob(objects, 'checkpoint-backup'));
    expect(pod.containers[0].args.join(' ')).toContain('aws s3 sync /storage/checkpoints/ s3://moe-lab-backups-prod/checkpoints/');
    expect(pod.containers[0].volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/storage/checkpoints', readOnly: true }));
    expect(pod.volumes).toContainEqual(
      expect.objectContaining({ persistentVolumeClaim: { claimName: 'moe-checkpoints', readOnly: true } }),
    );
  });

  it('GIVEN the database backups WHEN synthesized THEN a dump container hands its file to the upload container via an emptyDir', () => {
    const pg = podOf(cronJob(objects, 'postgres-backup'));
    // Every database of the server and the roles are dumped.
    const dump = pg.initContainers[0].args.join(' ');
    expect(dump).toContain('for db in moe_lab grafana; do pg_dump -h postgres -p 5432 -d "$db" -Fc -f "/backup/$db.dump"; done');
    expect(dump).toContain('pg_dumpall -h postgres -p 5432 --globals-only -f /backup/globals.sql');
    expect(pg.initContainers[0].env).toContainEqual({
      name: 'PGPASSWORD',
      valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'password' } },
    });
    expect(pg.containers[0].args.join(' ')).toContain('aws s3 cp /backup/ "s3://moe-lab-backups-prod/postgres/');
    expect(pg.containers[0].args.join(' ')).toContain('--recursive');
    const redis = podOf(cronJob(objects, 'redis-backup'));
    expect(redis.initContainers[0].command).toEqual(['redis-cli', '-h', 'redis', '-p', '6379', '--rdb', '/backup/dump.rdb']);
    expect(redis.containers[0].args.join(' ')).toContain('s3://moe-lab-backups-prod/redis/dump-');
  });

  it.each<[string, Partial<BackupsProps['settings']>, string]>([
    [
      'a schedule inside the maintenance window',
      { schedules: { ...prod.backups.schedules, redis: '30 3 * * 0' } },
      'backups.schedules.redis: "30 3 * * 0" fires on sunday at 03:30 UTC, inside the maintenance window',
    ],
    ['an invalid bucket name', { bucket: 'Moe_Backups' }, 'backups.bucket: got "Moe_Backups"; must be a valid S3 bucket name'],
    [
      'an unsupported schedule',
      { schedules: { ...prod.backups.schedules, postgres: '0 1 1 * *' } },
      'backups.schedules.postgres: got "0 1 1 * *"; cron schedule "0 1 1 * *": day-of-month',
    ],
  ])('GIVEN %s WHEN constructed THEN it throws naming the setting and what is allowed', (_case, settings, message) => {
    expect(() => synth(props(settings))).toThrow(message);
  });
});

describe('backup alerts', () => {
  it('GIVEN every backup alert THEN it has a runbook', () => {
    const alerts = backupGroups.flatMap((g) => g.rules).map((r) => ('alert' in r ? r.alert : r.record));
    expect(backupRunbooks.map((r) => r.alert).sort()).toEqual([...alerts].sort());
  });

  it('GIVEN the backup rule cases WHEN promtool runs them against the rendered backups rules THEN every case passes', () => {
    const work = tempDir('backup-rules');
    try {
      const links = { runbookBaseUrl: 'https://runbooks.example.com', grafanaUrl: 'https://grafana.example.com' };
      const rules = join(work, 'backups.yml');
      writeFileSync(rules, renderRuleFiles(backupGroups, links).get('backups.yml')!);
      writeFileSync(join(work, 'test.yml'), promtoolTestFile(backupCases, [rules], links, '1m'));
      expect(runTool('promtool', ['check', 'rules', '--lint-fatal', rules]).status).toBe(0);
      expect(runTool('promtool', ['test', 'rules', join(work, 'test.yml')])).toEqual({
        status: 0,
        output: expect.stringContaining('SUCCESS'),
      });
    } finally {
      removeDir(work);
    }
  });
});
