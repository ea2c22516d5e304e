// The Pulumi program under mocks, once per environment: what it registers is checked against the
// stack files (Pulumi.<env>.yaml), the synthesized manifests (dist/<env>/) and AWS's rules for IAM and S3.
import * as pulumi from '@pulumi/pulumi';
import { parse, parseAllDocuments } from 'yaml';
import { loadEnvironments } from '../../config';
import type { ArgoCdSettings } from '../../config/schema/gitops';
import { renderGitopsTree } from '../../scripts/gitops';
import { readStackInfra } from '../../config/stack-files';
import type { KubeObject } from '../helpers/manifests';
import { TEST_SECRETS, secretKeysOf, valueOf } from '../helpers/pulumi-program';
import {
  arnSuffix,
  EKS_TAINT_EFFECT,
  groupName,
  identity,
  input,
  isSecretPath,
  list,
  plainStrings,
  programRuns,
  roleSuffix,
  secretReferences,
  storageClassesOf,
  synthesizedManifests,
  type LifecycleRule,
  type PolicyDocument,
} from '../helpers/program-records';

type Group = { instanceTypes: string[]; capacityType?: string; scaling: { min: number; desired: number; max: number }; efa?: boolean };
interface StackInfra {
  network: { availabilityZones: number; natGateways: 'single' | 'per-az'; flowLogs: boolean };
  nodeGroups: { system: Group; cpuWorkers: Group; gpu: Group };
  buckets: { backupRetentionDays: number; noncurrentVersionDays: number };
}

const ENVS = ['dev', 'staging', 'prod'] as const;
const { run, ofType, deployedObjects, nodeGroup, k8sSecret, dependsOn, policyDocuments } = programRuns(
  Object.fromEntries(ENVS.map((env) => [env, { stack: env }])),
);
const dist = synthesizedManifests();

describe.each(ENVS)('Pulumi program, %s stack', (env) => {
  const stack = readStackInfra(env) as StackInfra;
  const [config] = loadEnvironments([env]);

  it('GIVEN the stack file WHEN the program runs THEN the GPU node group is NVIDIA AL2023, labelled and tainted as gpuNodes says, sized as the stack file', () => {
    const gpu = nodeGroup(env, 'gpu');
    const { label, taint } = config.gpuNodes;
    expect(gpu.inputs).toMatchObject({ amiType: 'AL2023_x86_64_NVIDIA', instanceTypes: stack.nodeGroups.gpu.instanceTypes });
    expect(input(gpu, 'taints')).toEqual([{ key: taint.key, value: 'true', effect: EKS_TAINT_EFFECT[taint.effect] }]);
    expect(input<Record<string, string>>(gpu, 'labels')[label.key]).toBe(label.value);
    const { min, desired, max } = stack.nodeGroups.gpu.scaling;
    expect(input(gpu, 'scalingConfig')).toEqual({ minSize: min, desiredSize: desired, maxSize: max });
  });

  it('GIVEN the stack file WHEN the program runs THEN system is on-demand and cpu-workers use the capacity type of the stack file', () => {
    const names = ofType(env, 'aws:eks/nodeGroup:NodeGroup').map(groupName);
    expect(names.sort()).toEqual(['cpu-workers', 'gpu', 'system']);
    expect(nodeGroup(env, 'system').inputs).toMatchObject({
      capacityType: 'ON_DEMAND',
      instanceTypes: stack.nodeGroups.system.instanceTypes,
    });
    const { capacityType, instanceTypes } = stack.nodeGroups.cpuWorkers;
    expect(nodeGroup(env, 'cpu-workers').inputs).toMatchObject({ capacityType, instanceTypes });
  });

  it('GIVEN the network and GPU settings WHEN the program runs THEN NAT gateways, flow logs, EFA and the placement group follow them', () => {
    const { natGateways, availabilityZones, flowLogs } = stack.network;
    expect(ofType(env, 'aws:ec2/natGateway:NatGateway')).toHaveLength(natGateways === 'per-az' ? availabilityZones : 1);
    expect(ofType(env, 'aws:ec2/flowLog:FlowLog')).toHaveLength(flowLogs ? 1 : 0);
    const efa = stack.nodeGroups.gpu.efa === true;
    const templateId = input<{ id: string }>(nodeGroup(env, 'gpu'), 'launchTemplate').id;
    const template = ofType(env, 'aws:ec2/launchTemplate:LaunchTemplate').find((t) => t.id === templateId)!;
    const interfaces = list(input<Array<{ interfaceType?: string }> | undefined>(template, 'networkInterfaces'));
    expect(interfaces.some((i) => i.interfaceType === 'efa')).toBe(efa);
    const placement = ofType(env, 'aws:ec2/placementGroup:PlacementGroup');
    expect(placement.map((p) => p.inputs.strategy)).toEqual(efa ? ['cluster'] : []);
    if (efa) expect(input<{ groupName: string }>(template, 'placement').groupName).toBe(placement[0].state.name);
  });

  it('GIVEN the environment WHEN the program runs THEN its buckets are moe-lab-backups-<env> and, outside dev, moe-lab-logs-<env>', () => {
    const names = ofType(env, 'aws:s3/bucket:Bucket').map((b) => b.inputs.bucket);
    expect(names.sort()).toEqual(env === 'dev' ? ['moe-lab-backups-dev'] : [`moe-lab-backups-${env}`, `moe-lab-logs-${env}`]);
  });

  it('GIVEN every bucket WHEN the program runs THEN it is versioned, SSE-KMS encrypted, private, TLS-only and has a lifecycle', () => {
    const keyArns = ofType(env, 'aws:kms/key:Key').map((k) => k.state.arn);
    for (const bucket of ofType(env, 'aws:s3/bucket:Bucket')) {
      const of = (type: string) => ofType(env, `aws:s3/${type}`).filter((r) => r.inputs.bucket === bucket.id);
      expect(of('bucketVersioning:BucketVersioning').map((v) => v.inputs.versioningConfiguration)).toEqual([{ status: 'Enabled' }]);
      const [sse] = of('bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration');
      const rule = input<Array<{ applyServerSideEncryptionByDefault: { sseAlgorithm: string; kmsMasterKeyId: string } }>>(sse, 'rules')[0];
      expect(rule.applyServerSideEncryptionByDefault.sseAlgorithm).toBe('aws:kms');
      expect(keyArns).toContain(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId);
      expect(of('bucketPublicAccessBlock:BucketPublicAccessBlock').map((p) => p.inputs)).toEqual([
        expect.objectContaining({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }),
      ]);
      const policies = of('bucketPolicy:BucketPolicy').map((p) => JSON.parse(input<string>(p, 'policy')) as PolicyDocument);
      const tlsDenials = policies
        .flatMap((p) => list(p.Statement))
        .filter((s) => s.Effect === 'Deny' && s.Principal === '*' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');
      expect(tlsDenials.flatMap((s) => list(s.Resource)).sort()).toEqual([bucket.state.arn, `${bucket.state.arn}/*`]);
      const rules = of('bucketLifecycleConfiguration:BucketLifecycleConfiguration').flatMap((l) => input<LifecycleRule[]>(l, 'rules'));
      expect(rules.filter((r) => r.status === 'Enabled').map((r) => r.noncurrentVersionExpiration?.noncurrentDays)).toEqual([
        stack.buckets.noncurrentVersionDays,
      ]);
      const expiry = bucket.inputs.bucket === `moe-lab-backups-${env}` ? { days: stack.buckets.backupRetentionDays } : undefined;
      expect(rules[0].expiration).toEqual(expiry);
    }
  });

  it('GIVEN every policy document the program writes WHEN read THEN no Allow statement grants every action, or a whole service on every resource', () => {
    const documents = policyDocuments(env);
    expect(documents.map((d) => d.type)).toEqual(
      expect.arrayContaining(['aws:iam/role:Role', 'aws:iam/rolePolicy:RolePolicy', 'aws:s3/bucketPolicy:BucketPolicy']),
    );
    const tooBroad = documents.flatMap(({ source, document }) =>
      list(document.Statement)
        .filter((s) => s.Effect === 'Allow')
        .filter((s) => {
          const actions = list(s.Action);
          const anyResource = list(s.Resource).includes('*');
          return s.NotAction !== undefined || actions.includes('*') || (anyResource && actions.some((a) => a.endsWith(':*')));
        })
        .map((s) => `${source}: ${JSON.stringify(s)}`),
    );
    expect(tooBroad).toEqual([]);
  });

  it('GIVEN the IAM policy attachments WHEN the program runs THEN each is an AWS managed policy other than AdministratorAccess or PowerUserAccess', () => {
    const arns = run(env)
      .resources.filter((r) => r.type.startsWith('aws:iam/'))
      .flatMap((r) => [...list(r.inputs.policyArn as string | undefined), ...list(r.inputs.managedPolicyArns as string[] | undefined)]);
    expect(arns.length).toBeGreaterThan(0);
    expect(arns.filter((arn) => !/^arn:aws:iam::aws:policy\//.test(arn) || /\/(AdministratorAccess|PowerUserAccess)$/.test(arn))).toEqual(
      [],
    );
  });

  it('GIVEN the ServiceAccounts dist annotates with a role WHEN the program runs THEN the role trusts exactly them, with :sub and :aud pinned', () => {
    const [oidc] = ofType(env, 'aws:iam/openIdConnectProvider:OpenIdConnectProvider');
    const host = String(oidc.inputs.url).replace(/^https:\/\//, '');
    const annotated = new Map<string, string[]>();
    for (const { object } of dist(env).filter((m) => m.object.kind === 'ServiceAccount')) {
      const arn = object.metadata.annotations?.['eks.amazonaws.com/role-arn'];
      if (arn)
        annotated.set(arn, [...(annotated.get(arn) ?? []), `system:serviceaccount:${object.metadata.namespace}:${object.metadata.name}`]);
    }
    expect(annotated.size).toBeGreaterThan(0);
    const trusted = new Map<string, string[]>();
    for (const role of ofType(env, 'aws:iam/role:Role')) {
      const statements = list((JSON.parse(input<string>(role, 'assumeRolePolicy')) as PolicyDocument).Statement);
      const federated = statements.filter((s) => s.Principal !== '*' && s.Principal?.Federated !== undefined);
      if (federated.length === 0) continue;
      for (const statement of federated) {
        expect(statement).toMatchObject({ Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: oidc.state.arn } });
        expect(Object.keys(statement.Condition ?? {})).toEqual(['StringEquals']);
        expect(statement.Condition!.StringEquals[`${host}:aud`]).toBe('sts.amazonaws.com');
        const subjects = list(statement.Condition!.StringEquals[`${host}:sub`]);
        expect(subjects.length).toBeGreaterThan(0);
        trusted.set(roleSuffix(role), subjects.sort());
      }
    }
    // Besides the workload roles, the VPC CNI's role: EKS runs the CNI as kube-system/aws-node.
    const expected = new Map([...annotated].map(([arn, subjects]) => [arnSuffix(arn), subjects.sort()]));
    const cni = [...trusted].filter(([role]) => !expected.has(role));
    expect(cni.map(([, subjects]) => subjects)).toEqual([['system:serviceaccount:kube-system:aws-node']]);
    expect(new Map([...trusted].filter(([role]) => expected.has(role)))).toEqual(expected);
  });

  it('GIVEN the kubeconfig output WHEN read THEN it is secret', async () => {
    expect(await pulumi.isSecret(run(env).outputs.kubeconfig)).toBe(true);
  });

  it('GIVEN secret config WHEN it lands in Kubernetes Secrets THEN every configured secret reaches one and is secret there', () => {
    const values: string[] = secretKeysOf(env).map((key) => TEST_SECRETS[key]);
    const delivered = new Set<string>();
    for (const secret of ofType(env, 'kubernetes:core/v1:Secret'))
      for (const [key, value] of Object.entries(input<Record<string, string>>(secret, 'stringData') ?? {}))
        if (values.includes(value)) {
          delivered.add(value);
          expect(isSecretPath(secret, `stringData.${key}`)).toBe(true);
        }
    expect([...delivered].sort()).toEqual([...values].sort());
  });

  it('GIVEN the test secret values WHEN the program runs THEN none appears in plain form in any resource input or stack output', async () => {
    const values = Object.values(TEST_SECRETS) as string[];
    const leaks = run(env).resources.flatMap((r) =>
      plainStrings(r.inputs, r)
        .filter((text) => values.some((v) => text.includes(v)))
        .map(() => `${r.type} ${r.name}`),
    );
    expect(leaks).toEqual([]);
    for (const [name, output] of Object.entries(run(env).outputs)) {
      if (await pulumi.isSecret(pulumi.output(output))) continue;
      const text = JSON.stringify((await valueOf(output)) ?? null);
      expect({ name, leaks: values.filter((v) => text.includes(v)) }).toEqual({ name, leaks: [] });
    }
  });

  it('GIVEN the Secrets pods in dist read WHEN the program runs THEN each exists with every key read by secretKeyRef, items or a mounted file path', () => {
    const objects = dist(env).map((m) => m.object);
    const references = secretReferences(objects);
    expect(references.filter((r) => r.key).length).toBeGreaterThan(0);
    const missing = references.filter((ref) => {
      const secret = k8sSecret(env, ref.namespace, ref.name);
      return !secret || (ref.key !== undefined && !(ref.key in (input<Record<string, string>>(secret, 'stringData') ?? {})));
    });
    expect(missing).toEqual([]);
  });

  it('GIVEN the storage classes claims in dist use WHEN the program runs THEN each StorageClass exists and exactly one is the default', () => {
    const used = new Set(dist(env).flatMap((m) => storageClassesOf(m.object)));
    expect(used.size).toBeGreaterThan(0);
    const classes = ofType(env, 'kubernetes:storage.k8s.io/v1:StorageClass').map((c) => input<KubeObject['metadata']>(c, 'metadata'));
    expect(classes.map((c) => c.name)).toEqual(expect.arrayContaining([...used]));
    expect(classes.filter((c) => c.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true')).toHaveLength(1);
  });

  it('GIVEN the Kubernetes provider WHEN registered THEN the engine is told it depends on the EKS cluster, all three node groups and the add-ons', () => {
    // The SDK sends a component in dependsOn as its custom children (the mock monitor shows no
    // moe:infra:NodeGroups URN), so the engine sees the node groups themselves: assert on those.
    const providers = ofType(env, 'pulumi:providers:kubernetes');
    expect(providers).toHaveLength(1);
    const awaited = ['aws:eks/cluster:Cluster', 'aws:eks/nodeGroup:NodeGroup', 'aws:eks/addon:Addon'].flatMap((t) => ofType(env, t));
    expect(awaited.filter((r) => r.type === 'aws:eks/nodeGroup:NodeGroup')).toHaveLength(3);
    expect(dependsOn(env, providers[0])).toEqual(expect.arrayContaining(awaited.map((r) => r.urn)));
  });

  it('GIVEN Argo CD delivery WHEN the program runs THEN it applies only namespaces and priority classes, and the GitOps tree holds every other object: one owner each', () => {
    const applied = deployedObjects(env);
    expect(
      ofType(env, 'kubernetes:yaml/v2:ConfigGroup')
        .map((g) => g.name)
        .sort(),
    ).toEqual(['namespaces', 'priority-classes']);
    expect(applied.map(identity).sort()).toEqual(
      dist(env)
        .filter((m) => ['namespaces.yaml', 'priority-classes.yaml'].includes(m.file))
        .map((m) => identity(m.object))
        .sort(),
    );
    const tree = [...renderGitopsTree(config, config.gitops as ArgoCdSettings)]
      .filter(([path]) => path.endsWith('/manifests.yaml'))
      .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS() as KubeObject));
    const owners = [...applied, ...tree].map(identity);
    expect(owners.length).toBe(new Set(owners).size);
    expect(owners.sort()).toEqual(
      dist(env)
        .map((m) => identity(m.object))
        .sort(),
    );
  });

  it('GIVEN Argo CD delivery WHEN the program runs THEN it installs the pinned argo-cd chart with an Application health check and a request and limit for every component', () => {
    const gitops = config.gitops as ArgoCdSettings;
    const [release] = ofType(env, 'kubernetes:helm.sh/v3:Release');
    expect(release.inputs).toMatchObject({
      chart: 'argo-cd',
      version: gitops.chartVersion,
      namespace: gitops.argocdNamespace,
      repositoryOpts: { repo: 'https://argoproj.github.io/argo-helm' },
    });
    const values = input<Record<string, { resources?: { requests: object; limits: object } }>>(release, 'values');
    // Every component of the argo-cd 9.x chart that runs a pod (its values.yaml), the install-time Job included.
    for (const component of ['controller', 'repoServer', 'server', 'applicationSet', 'notifications', 'redis', 'redisSecretInit'])
      expect([component, Object.keys(values[component]?.resources ?? {}).sort()]).toEqual([component, ['limits', 'requests']]);
    const cm = (values.configs as unknown as { cm: Record<string, string> }).cm;
    expect(cm['resource.customizations.health.argoproj.io_Application']).toContain('obj.status.health.status');
  });

  it("GIVEN Argo CD delivery WHEN the program runs THEN the root Application is the tree's root.yaml and waits for Argo CD, the repository key, the foundation, every Secret and StorageClass", () => {
    const gitops = config.gitops as ArgoCdSettings;
    const [root] = ofType(env, 'kubernetes:argoproj.io/v1alpha1:Application');
    const reviewed = parse(renderGitopsTree(config, gitops).get('argocd/root.yaml')!) as Record<string, unknown>;
    expect({ apiVersion: root.inputs.apiVersion, kind: root.inputs.kind, metadata: root.inputs.metadata, spec: root.inputs.spec }).toEqual(
      reviewed,
    );
    expect(root.inputs.spec).toMatchObject({
      source: { repoURL: gitops.repoURL, path: `${env}/argocd/apps` },
      destination: { server: 'https://kubernetes.default.svc', namespace: gitops.argocdNamespace },
    });
    const needs = [
      ...ofType(env, 'kubernetes:helm.sh/v3:Release'),
      ...ofType(env, 'kubernetes:yaml/v2:ConfigGroup'),
      ...ofType(env, 'kubernetes:core/v1:Secret'),
      ...ofType(env, 'kubernetes:storage.k8s.io/v1:StorageClass'),
    ];
    expect(needs.length).toBeGreaterThan(8);
    expect(needs.filter((n) => !dependsOn(env, root).includes(n.urn)).map((n) => `${n.type} ${n.name}`)).toEqual([]);
  });

  it('GIVEN an ssh GitOps repository WHEN the program runs THEN Argo CD gets it as a repository Secret whose key is secret', () => {
    const gitops = config.gitops as ArgoCdSettings;
    const [credentials] = ofType(env, 'kubernetes:core/v1:Secret').filter(
      (s) =>
        input<KubeObject['metadata'] & { labels?: Record<string, string> }>(s, 'metadata').labels?.['argocd.argoproj.io/secret-type'] ===
        'repository',
    );
    expect(input<KubeObject['metadata']>(credentials, 'metadata').namespace).toBe(gitops.argocdNamespace);
    expect(input<Record<string, string>>(credentials, 'stringData')).toEqual({
      type: 'git',
      url: gitops.repoURL,
      sshPrivateKey: TEST_SECRETS.gitopsRepoSshKey,
    });
    expect(isSecretPath(credentials, 'stringData.sshPrivateKey')).toBe(true);
    expect(dependsOn(env, credentials)).toContain(ofType(env, 'kubernetes:helm.sh/v3:Release')[0].urn);
  });

  it('GIVEN the foundation charts WHEN deployed THEN priority classes and every Secret wait for the namespaces', () => {
    const groups = ofType(env, 'kubernetes:yaml/v2:ConfigGroup');
    const namespaces = groups.find((g) => g.name === 'namespaces')!;
    expect(
      dependsOn(
        env,
        groups.find((g) => g.name === 'priority-classes')!,
      ),
    ).toContain(namespaces.urn);
    const stackSecrets = ofType(env, 'kubernetes:core/v1:Secret').filter(
      (s) => input<KubeObject['metadata']>(s, 'metadata').namespace !== (config.gitops as ArgoCdSettings).argocdNamespace,
    );
    expect(stackSecrets.length).toBeGreaterThan(3);
    for (const secret of stackSecrets) expect(dependsOn(env, secret)).toContain(namespaces.urn);
  });

  it('GIVEN the environment WHEN the program runs THEN it exports the cluster name, bucket names, role ARNs and the Grafana and Prometheus services', async () => {
    const outputs = run(env).outputs;
    expect(await valueOf(outputs.clusterName)).toBe(`moe-lab-${env}`);
    expect(await valueOf(outputs.backupBucket)).toBe(`moe-lab-backups-${env}`);
    expect(outputs.logsBucket && (await valueOf(outputs.logsBucket))).toBe(env === 'dev' ? undefined : `moe-lab-logs-${env}`);
    const roleArns = (await valueOf(outputs.roleArns)) as Record<string, string>;
    const annotated = dist(env).flatMap((m) => list(m.object.metadata.annotations?.['eks.amazonaws.com/role-arn']));
    expect(annotated.length).toBeGreaterThan(0);
    for (const arn of annotated) {
      const role = ofType(env, 'aws:iam/role:Role').find((r) => roleSuffix(r) === arnSuffix(arn));
      expect(roleArns[arn]).toBe(role?.state.arn ?? 'a role for the ServiceAccount');
    }
    expect(roleArns.nodes).toBe(nodeGroup(env, 'gpu').inputs.nodeRoleArn);
    for (const chart of ['grafana', 'prometheus'] as const) {
      const [namespace, name] = outputs.services[chart].split('/');
      const service = dist(env).find((m) => m.file === `${chart}.yaml` && identity(m.object) === `Service/${namespace}/${name}`);
      expect(service).toBeDefined();
      expect(service?.object.spec?.clusterIP).not.toBe('None');
    }
  });
});

describe('Pulumi program, prod against dev', () => {
  const count = (env: string, type: string) => ofType(env, type).length;

  it('GIVEN the stack files WHEN both run THEN prod has a NAT gateway per zone and flow logs, dev one NAT gateway and no flow logs', () => {
    expect([count('prod', 'aws:ec2/natGateway:NatGateway'), count('dev', 'aws:ec2/natGateway:NatGateway')]).toEqual([3, 1]);
    expect([count('prod', 'aws:ec2/flowLog:FlowLog'), count('dev', 'aws:ec2/flowLog:FlowLog')]).toEqual([1, 0]);
  });

  it('GIVEN the stack files WHEN both run THEN their GPU groups differ in instance types and scaling, and only prod has EFA and a placement group', () => {
    const [prod, dev] = [nodeGroup('prod', 'gpu'), nodeGroup('dev', 'gpu')];
    expect(prod.inputs.instanceTypes).not.toEqual(dev.inputs.instanceTypes);
    expect(prod.inputs.scalingConfig).not.toEqual(dev.inputs.scalingConfig);
    const efa = (env: string) =>
      ofType(env, 'aws:ec2/launchTemplate:LaunchTemplate').some((t) => JSON.stringify(t.inputs.networkInterfaces ?? []).includes('"efa"'));
    expect([efa('prod'), efa('dev')]).toEqual([true, false]);
    expect([count('prod', 'aws:ec2/placementGroup:PlacementGroup'), count('dev', 'aws:ec2/placementGroup:PlacementGroup')]).toEqual([1, 0]);
  });
});
