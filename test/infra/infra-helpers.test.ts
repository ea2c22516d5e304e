import * as pulumi from '@pulumi/pulumi';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENT_NAMES, loadEnvironments } from '../../config';
import { PULUMI_PROJECT, readStackConfig } from '../../config/stack-files';
import { subnetLayout, subnetOf } from '../../infra/cidr';
import { execKubeconfig } from '../../infra/kubeconfig';
import { synthesizedCharts, irsaServiceAccounts, type KubeObject } from '../../infra/manifests';
import { irsaTrust } from '../../infra/policies';
import { placeSecrets, secretReferences, secretSpecs } from '../../infra/secrets';
import { roleNameOf } from '../../infra/workload-roles';
import { loadManifests, podSpecOf } from '../helpers/manifests';
import { removeDir, synthToTemp } from '../helpers/synth-tmp';

// What `npm run synth` writes, synthesized afresh: a clean checkout has no dist/.
const DIST = synthToTemp();
afterAll(() => removeDir(DIST));
const ENVS = loadEnvironments();
const envNamed = (name: string) => ENVS.find((env) => env.name === name)!;
const distCache = new Map<string, ReturnType<typeof loadManifests>>();
/** The objects of dist/<env>/*.yaml with their file names, parsed once per file run. */
function distObjects(env: string) {
  if (!distCache.has(env)) distCache.set(env, loadManifests(join(DIST, env)));
  return distCache.get(env)!;
}

/** Reads an Output outside a program; the mocks make its value known. */
const valueOf = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

/** First and last address of a CIDR as integers, computed independently of the code under test. */
function rangeOf(cidr: string): [number, number] {
  const [address, bits] = cidr.split('/');
  const start = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  return [start, start + 2 ** (32 - Number(bits)) - 1];
}

describe('subnetOf', () => {
  it('GIVEN a /16 WHEN asking for /24 and /19 slices THEN it counts from the network address', () => {
    expect(subnetOf('10.0.0.0/16', 24, 0)).toBe('10.0.0.0/24');
    expect(subnetOf('10.0.0.0/16', 24, 5)).toBe('10.0.5.0/24');
    expect(subnetOf('10.0.0.0/16', 19, 7)).toBe('10.0.224.0/19');
    expect(subnetOf('10.20.0.0/20', 28, 255)).toBe('10.20.15.240/28');
  });

  it('GIVEN a CIDR with host bits set WHEN slicing THEN the slices start at its network address', () => {
    expect(subnetOf('10.0.3.7/16', 24, 1)).toBe('10.0.1.0/24');
  });

  it.each([
    ['a prefix shorter than the parent', '10.0.0.0/16', 15, 0, 'subnet /15 does not fit in 10.0.0.0/16 (allowed /16 to /28)'],
    ['a prefix longer than /28', '10.0.0.0/16', 29, 0, 'subnet /29 does not fit in 10.0.0.0/16 (allowed /16 to /28)'],
    ['an index one past the last', '10.0.0.0/16', 24, 256, '10.0.0.0/16 has 256 subnets of /24; index 256 is out of range'],
    ['a negative index', '10.0.0.0/16', 19, -1, '10.0.0.0/16 has 8 subnets of /19; index -1 is out of range'],
    ['a fractional index', '10.0.0.0/16', 19, 1.5, 'index 1.5 is out of range'],
  ])('GIVEN %s WHEN slicing THEN it throws naming the range', (_case, cidr, prefix, index, message) => {
    expect(() => subnetOf(cidr, prefix, index)).toThrow(message);
  });
});

describe('subnetLayout', () => {
  it.each(['10.10.0.0/16', '10.30.0.0/20'])(
    'GIVEN VPC %s and six zones THEN every subnet fits, none overlap, private ones are larger',
    (vpc) => {
      const layout = subnetLayout(vpc, 6);
      expect([layout.private.length, layout.public.length]).toEqual([6, 6]);
      const [vpcStart, vpcEnd] = rangeOf(vpc);
      const all = [...layout.private, ...layout.public].map(rangeOf);
      for (const [start, end] of all) expect(start >= vpcStart && end <= vpcEnd).toBe(true);
      const sorted = [...all].sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i][0]).toBeGreaterThan(sorted[i - 1][1]);
      const size = ([start, end]: [number, number]) => end - start + 1;
      // Pods take VPC addresses, so a private subnet must hold many more than a load-balancer subnet.
      expect(Math.min(...layout.private.map(rangeOf).map(size))).toBeGreaterThan(Math.max(...layout.public.map(rangeOf).map(size)));
    },
  );

  it('GIVEN a /23 VPC (below the /20 the schema allows) WHEN laying out THEN it throws instead of returning /29 subnets', () => {
    expect(() => subnetLayout('10.0.0.0/23', 3)).toThrow('does not fit in 10.0.0.0/23');
  });
});

describe('execKubeconfig', () => {
  const text = execKubeconfig({
    clusterName: 'moe-lab-dev',
    region: 'us-west-2',
    endpoint: 'https://ABC.gr7.us-west-2.eks.amazonaws.com',
    certificateAuthority: 'Q0E=',
  });
  const config = parse(text) as Record<string, unknown> & {
    clusters: Array<{ name: string; cluster: Record<string, string> }>;
    contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
    users: Array<{ name: string; user: { exec: { apiVersion: string; command: string; args: string[] } } }>;
  };

  it('GIVEN a cluster WHEN writing its kubeconfig THEN the current context points at that cluster and a defined user', () => {
    expect(config).toMatchObject({ apiVersion: 'v1', kind: 'Config', 'current-context': 'moe-lab-dev' });
    const context = config.contexts.find((c) => c.name === config['current-context'])!;
    const cluster = config.clusters.find((c) => c.name === context.context.cluster)!;
    expect(cluster.cluster).toEqual({ server: 'https://ABC.gr7.us-west-2.eks.amazonaws.com', 'certificate-authority-data': 'Q0E=' });
    expect(config.users.map((u) => u.name)).toContain(context.context.user);
  });

  it('GIVEN a cluster WHEN writing its kubeconfig THEN the user runs `aws eks get-token` for that cluster and region', () => {
    const { exec } = config.users[0].user;
    expect(exec.apiVersion).toBe('client.authentication.k8s.io/v1beta1');
    const command = [exec.command, ...exec.args].join(' ');
    expect(command).toContain('aws eks get-token --cluster-name moe-lab-dev --region us-west-2');
  });

  it('GIVEN a kubeconfig THEN no field holds a credential (token, password, client key or certificate)', () => {
    const keys: string[] = [];
    eachField(config, (field) => keys.push(field));
    expect(keys.filter((key) => /token|password|client-key|client-certificate|username/i.test(key))).toEqual([]);
  });
});

describe('secretReferences and placeSecrets', () => {
  const pod = (spec: object) => ({ template: { spec } });
  const objects = [
    {
      kind: 'Deployment',
      metadata: { namespace: 'web' },
      spec: pod({ containers: [{ env: [{ valueFrom: { secretKeyRef: { name: 'from-env' } } }, { value: 'x' }] }] }),
    },
    {
      kind: 'StatefulSet',
      metadata: { namespace: 'db' },
      spec: pod({ volumes: [{ secret: { secretName: 'from-volume' } }, { emptyDir: {} }], containers: [] }),
    },
    {
      kind: 'CronJob',
      metadata: { namespace: 'jobs' },
      spec: {
        jobTemplate: {
          spec: pod({
            volumes: [{ projected: { sources: [{ secret: { name: 'from-projected' } }, { configMap: { name: 'not-a-secret' } }] } }],
            initContainers: [{ envFrom: [{ secretRef: { name: 'from-env-from' } }, { configMapRef: { name: 'cm' } }] }],
          }),
        },
      },
    },
    { kind: 'Deployment', metadata: {}, spec: pod({ containers: [{ envFrom: [{ secretRef: { name: 'in-default' } }] }] }) },
    { kind: 'ConfigMap', metadata: { namespace: 'web' }, data: { secretName: 'ignored' } },
  ];

  it('GIVEN Deployments, a StatefulSet and a CronJob WHEN collecting THEN every way of reading a Secret is found once, by namespace', () => {
    expect(secretReferences([...objects, objects[0]])).toEqual([
      'db/from-volume',
      'default/in-default',
      'jobs/from-env-from',
      'jobs/from-projected',
      'web/from-env',
    ]);
  });

  it('GIVEN a reference without a spec WHEN placing THEN it throws naming that Secret', () => {
    const specs = [{ name: 'from-env', data: {} }];
    expect(() => placeSecrets(specs, ['web/from-env', 'db/from-volume'])).toThrow('db/from-volume');
    expect(placeSecrets(specs, ['web/from-env'])).toEqual([{ name: 'from-env', data: {}, namespace: 'web' }]);
  });

  describe.each(ENVIRONMENT_NAMES)('GIVEN the %s manifests in dist', (name) => {
    const objectsInDist = distObjects(name).map((entry) => entry.object);
    const specs = secretSpecs(envNamed(name));
    const specOf = (secretName: string) => specs.find((spec) => spec.name === secretName);

    it('THEN every Secret they read has a spec, and every key read by env has a value', () => {
      const refs = secretReferences(objectsInDist as never);
      expect(refs.length).toBeGreaterThanOrEqual(4);
      expect(() => placeSecrets(specs, refs)).not.toThrow();
      const keyRefs = secretKeyRefs(objectsInDist);
      expect(keyRefs.length).toBeGreaterThan(0);
      for (const { name: secretName, key } of keyRefs)
        expect([secretName, key, key in (specOf(secretName)?.data ?? {})]).toEqual([secretName, key, true]);
    });

    it('THEN every file path under a mounted Secret names a key its spec fills', () => {
      const files = [...new Set(distObjects(name).map((entry) => entry.file))];
      const raw = files.map((file) => readFileSync(join(DIST, name, file), 'utf8')).join('\n');
      const mounts = secretMounts(objectsInDist);
      expect(mounts.length).toBeGreaterThan(0);
      const read = mounts.flatMap(({ mountPath, secretName }) =>
        [...raw.matchAll(new RegExp(`${mountPath}/([A-Za-z0-9._-]+)`, 'g'))].map(([, key]) => ({ secretName, key })),
      );
      expect(read.length).toBeGreaterThan(0);
      for (const { secretName, key } of read)
        expect([secretName, key, key in (specOf(secretName)?.data ?? {})]).toEqual([secretName, key, true]);
    });
  });
});

/** Calls `visit` for every field of every object nested in `value`. */
function eachField(value: unknown, visit: (field: string, inner: unknown) => void): void {
  if (Array.isArray(value)) value.forEach((item) => eachField(item, visit));
  else if (value && typeof value === 'object')
    for (const [field, inner] of Object.entries(value)) {
      visit(field, inner);
      eachField(inner, visit);
    }
}

/** Every `secretKeyRef` anywhere in the objects, found by walking them rather than by pod-spec shape. */
function secretKeyRefs(objects: readonly unknown[]): Array<{ name: string; key: string }> {
  const found: Array<{ name: string; key: string }> = [];
  eachField(objects, (field, inner) => field === 'secretKeyRef' && found.push(inner as { name: string; key: string }));
  return found;
}

/** Mount paths of Secret volumes in the workloads' containers, with the Secret mounted there. */
function secretMounts(objects: readonly KubeObject[]): Array<{ mountPath: string; secretName: string }> {
  type Volume = { name: string; secret?: { secretName: string } };
  type Mounting = { volumeMounts?: Array<{ name: string; mountPath: string }> };
  return objects.flatMap((object) => {
    const spec = podSpecOf(object as never) as { volumes?: Volume[]; containers: Mounting[] } | undefined;
    const secretVolumes = new Map((spec?.volumes ?? []).filter((v) => v.secret).map((v) => [v.name, v.secret!.secretName]));
    return (spec?.containers ?? []).flatMap((c) =>
      (c.volumeMounts ?? [])
        .filter((m) => secretVolumes.has(m.name))
        .map((m) => ({ mountPath: m.mountPath, secretName: secretVolumes.get(m.name)! })),
    );
  });
}

describe('irsaTrust', () => {
  beforeAll(() => pulumi.runtime.setMocks({ newResource: (args) => ({ id: args.name, state: args.inputs }), call: (args) => args.inputs }));

  it('GIVEN an EKS OIDC issuer WHEN writing the trust THEN it pins the issuer host :sub to the ServiceAccounts and :aud to STS', async () => {
    // The issuer and provider ARN shapes of the EKS IRSA documentation.
    const host = 'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
    const arn = `arn:aws:iam::111111111111:oidc-provider/${host}`;
    const trust = irsaTrust({ arn: pulumi.output(arn), issuer: pulumi.output(`https://${host}`) }, [
      { namespace: 'moe-lab', serviceAccount: 'backup' },
      { namespace: 'logging', serviceAccount: 'loki' },
    ]);
    const document = JSON.parse(await valueOf(trust));
    expect(document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: arn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              [`${host}:sub`]: ['system:serviceaccount:moe-lab:backup', 'system:serviceaccount:logging:loki'],
              [`${host}:aud`]: 'sts.amazonaws.com',
            },
          },
        },
      ],
    });
  });
});

describe('roleNameOf', () => {
  it('GIVEN a role ARN without a path THEN the name is the last part and the path is /', () => {
    expect(roleNameOf('arn:aws:iam::111111111111:role/moe-lab-backup-dev')).toEqual({ name: 'moe-lab-backup-dev', path: '/' });
  });

  it('GIVEN a role ARN with a path THEN the path starts and ends with / as IAM requires', () => {
    expect(roleNameOf('arn:aws:iam::111111111111:role/teams/ml/backup-writer')).toEqual({ name: 'backup-writer', path: '/teams/ml/' });
  });
});

describe('synthesizedCharts', () => {
  it.each(ENVIRONMENT_NAMES)(
    'GIVEN %s THEN namespaces then priority-classes come first and the charts are the dist files, object for object',
    (name) => {
      const charts = synthesizedCharts(envNamed(name));
      const components = charts.map((chart) => chart.component);
      expect(components.slice(0, 2)).toEqual(['namespaces', 'priority-classes']);
      const files = distObjects(name);
      const distFiles = [...new Set(files.map((entry) => entry.file.replace(/\.yaml$/, '')))].sort();
      expect([...components].sort()).toEqual(distFiles);
      for (const chart of charts) {
        const identity = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
        const inDist = files
          .filter((entry) => entry.file === `${chart.component}.yaml`)
          .map((entry) => identity(entry.object as KubeObject));
        expect([chart.component, chart.objects.map(identity)]).toEqual([chart.component, inDist]);
      }
    },
  );
});

describe('irsaServiceAccounts', () => {
  const account = (name: string, namespace: string | undefined, arn?: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace, annotations: arn ? { 'eks.amazonaws.com/role-arn': arn } : undefined },
  });

  it('GIVEN annotated and plain ServiceAccounts and an annotated Deployment THEN only the annotated ServiceAccounts count, by role', () => {
    const backup = 'arn:aws:iam::111111111111:role/backup';
    const found = irsaServiceAccounts([
      account('backup', 'moe-lab', backup),
      account('restore', undefined, backup),
      account('plain', 'moe-lab'),
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'x', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/other' } },
      },
    ]);
    expect([...found.entries()]).toEqual([
      [
        backup,
        [
          { namespace: 'moe-lab', serviceAccount: 'backup' },
          { namespace: 'default', serviceAccount: 'restore' },
        ],
      ],
    ]);
  });

  it('GIVEN the prod manifests in dist THEN the backup and Loki roles of the config each have their ServiceAccount', () => {
    const prod = envNamed('prod');
    const found = irsaServiceAccounts(distObjects('prod').map((entry) => entry.object as KubeObject));
    const lokiRole = (prod.logging.loki.objectStorage as { roleArn?: string }).roleArn;
    expect([...found.keys()].sort()).toEqual([prod.storage.backups.roleArn, lokiRole].sort());
  });
});

describe('the Pulumi project', () => {
  const root = join(__dirname, '..', '..');
  const project = parse(readFileSync(join(root, 'Pulumi.yaml'), 'utf8')) as {
    name: string;
    main: string;
    runtime: { name: string; options?: { typescript?: boolean } };
  };

  it('GIVEN Pulumi.yaml THEN it runs infra/ on the nodejs runtime with TypeScript, under the name the stack keys use', () => {
    expect(project.runtime).toEqual({ name: 'nodejs', options: { typescript: true } });
    expect(project.main.replace(/\/$/, '')).toBe('infra');
    expect(project.name).toBe(PULUMI_PROJECT);
    expect(Object.keys(readStackConfig('prod'))).toContain(`${project.name}:infra`);
  });

  it('GIVEN the environments THEN each has a stack file, and the compiler Pulumi runs TypeScript with is installed', () => {
    for (const env of ENVIRONMENT_NAMES)
      expect(readFileSync(join(root, `Pulumi.${env}.yaml`), 'utf8')).toContain(`${PULUMI_PROJECT}:infra`);
    // The nodejs host prefers the project's ts-node and typescript over its own outdated copies.
    for (const module of ['ts-node', 'typescript']) expect(() => require.resolve(module, { paths: [root] })).not.toThrow();
  });
});
