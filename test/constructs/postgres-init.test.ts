// The init script runs under the image's /bin/sh; run it under sh here with a psql stand-in that
// records what it is given, to prove the quoting: the shell expands the database and the directory,
// and hands psql's backtick commands through untouched.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadEnvironments } from '../../config';
import { renderInitScript } from '../../constructs/components/postgres';
import { renderEnvironment } from '../../constructs/assembly/render';
import { podSpecOf, type KubeObject } from '../helpers/manifests';
import { removeDir, tempDir } from '../helpers/synth-tmp';

describe('PostgreSQL init script for extra databases', () => {
  let work: string;
  beforeAll(() => (work = tempDir('pg-init')));
  afterAll(() => removeDir(work));

  it('GIVEN two extra databases WHEN the script runs THEN psql gets, per database, the role and password read from its Secret files and the CREATE statements', () => {
    const bin = join(work, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    // Appends its arguments and stdin to a log, as psql would read them.
    writeFileSync(join(bin, 'psql'), `#!/bin/sh\necho "ARGS $*" >> "${work}/psql.log"\ncat >> "${work}/psql.log"\n`);
    chmodSync(join(bin, 'psql'), 0o755);
    const script = join(work, 'init.sh');
    writeFileSync(
      script,
      renderInitScript([
        { name: 'grafana', credentialsSecret: 'grafana-database' },
        { name: 'mlflow', credentialsSecret: 'mlflow-database' },
      ]),
    );
    execFileSync('sh', [script], { env: { PATH: `${bin}:/usr/bin:/bin`, POSTGRES_USER: 'admin', POSTGRES_DB: 'moe_lab' } });
    const log = readFileSync(join(work, 'psql.log'), 'utf8');
    expect(log.split('\n').filter((line) => line !== '')).toEqual([
      'ARGS -v ON_ERROR_STOP=1 --username admin --dbname moe_lab',
      '\\set owner `cat /etc/postgres/databases/grafana/username`',
      '\\set pw `cat /etc/postgres/databases/grafana/password`',
      `CREATE ROLE :"owner" LOGIN PASSWORD :'pw';`,
      'CREATE DATABASE grafana OWNER :"owner";',
      'ARGS -v ON_ERROR_STOP=1 --username admin --dbname moe_lab',
      '\\set owner `cat /etc/postgres/databases/mlflow/username`',
      '\\set pw `cat /etc/postgres/databases/mlflow/password`',
      `CREATE ROLE :"owner" LOGIN PASSWORD :'pw';`,
      'CREATE DATABASE mlflow OWNER :"owner";',
    ]);
  });

  it('GIVEN a failing psql WHEN the script runs THEN it stops with an error, so the entrypoint does not start a half-initialised server', () => {
    const bin = join(work, 'failing');
    execFileSync('mkdir', ['-p', bin]);
    writeFileSync(join(bin, 'psql'), '#!/bin/sh\ncat > /dev/null\nexit 3\n');
    chmodSync(join(bin, 'psql'), 0o755);
    const script = join(work, 'init-fail.sh');
    writeFileSync(script, renderInitScript([{ name: 'grafana', credentialsSecret: 'grafana-database' }]));
    expect(() =>
      execFileSync('sh', [script], { env: { PATH: `${bin}:/usr/bin:/bin`, POSTGRES_USER: 'a', POSTGRES_DB: 'b' }, stdio: 'pipe' }),
    ).toThrow();
  });
});

describe('Grafana’s database in the stack’s PostgreSQL', () => {
  const objectsOf = (env: 'dev' | 'prod') =>
    parseAllDocuments(renderEnvironment(loadEnvironments([env])[0]).get('moe-lab-storage.yaml')!).map((doc) => doc.toJSON() as KubeObject);

  it('GIVEN prod, whose Grafana uses the in-cluster PostgreSQL THEN the server creates Grafana’s database from its Secret on first start', () => {
    const [prod] = loadEnvironments(['prod']);
    const database = prod.grafana.database;
    if (database.type !== 'postgres') throw new Error('prod Grafana is expected on PostgreSQL');
    const objects = objectsOf('prod');
    const init = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'postgres-init') as KubeObject & {
      data: Record<string, string>;
    };
    expect(init.data['10-databases.sh']).toContain(`create ${database.name} /etc/postgres/databases/${database.name}`);
    const pod = podSpecOf(objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'postgres')!)! as unknown as {
      volumes: Array<{ name: string; secret?: { secretName: string }; configMap?: { name: string } }>;
      containers: Array<{ volumeMounts: Array<{ name: string; mountPath: string }> }>;
    };
    const mountOf = (path: string) => pod.containers[0].volumeMounts.find((m) => m.mountPath === path)?.name;
    const volume = (name?: string) => pod.volumes.find((v) => v.name === name);
    expect(volume(mountOf('/docker-entrypoint-initdb.d'))?.configMap?.name).toBe('postgres-init');
    expect(volume(mountOf(`/etc/postgres/databases/${database.name}`))?.secret?.secretName).toBe(database.credentialsSecret);
  });

  it('GIVEN dev, whose Grafana uses SQLite THEN the server has no init script', () => {
    expect(objectsOf('dev').filter((o) => o.metadata.name === 'postgres-init')).toEqual([]);
  });
});
