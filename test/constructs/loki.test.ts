import { createHash } from 'node:crypto';
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { ENVIRONMENT_NAMES, loadEnvironments, type EnvironmentConfig } from '../../config';
import { cpuMillis, durationSeconds, memoryBytes } from '../../config/quantities';
import { ComponentChart } from '../../constructs/assembly/component-chart';
import { Loki, type LokiProps } from '../../constructs/components/loki';
import { renderLokiConfig, type LokiConfig, type LokiConfigProps } from '../../constructs/config-files/loki-config';
import { podSpecOf, validateAgainstSchema, type KubeObject } from '../helpers/manifests';
import { LOKI_SERVICE, LOKI_SCRAPE } from '../../contracts/services';

const environments = Object.fromEntries(loadEnvironments().map((env) => [env.name, env])) as Record<string, EnvironmentConfig>;
const propsOf = (env: EnvironmentConfig): LokiProps => ({
  namespace: env.namespaces.monitoring,
  instance: env.cluster.name,
  settings: env.logging.loki,
  region: env.cluster.region,
});
const synth = (props: LokiProps) => {
  const chart = new ComponentChart(Testing.app(), 'loki', { component: 'loki' });
  const loki = new Loki(chart, 'Loki', props);
  return { chart, loki, objects: Testing.synth(chart) as KubeObject[] };
};
const only = (objects: KubeObject[], kind: string) => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
};

interface ContainerJson {
  image: string;
  args: string[];
  ports: Array<{ name: string; containerPort: number }>;
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
  securityContext: Record<string, unknown>;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  readinessProbe: Record<string, unknown>;
  livenessProbe: Record<string, unknown>;
  startupProbe: Record<string, unknown>;
}
interface PodJson {
  containers: ContainerJson[];
  volumes: Array<{ name: string; configMap?: { name: string }; emptyDir?: object }>;
  securityContext: Record<string, unknown>;
  automountServiceAccountToken?: boolean;
  serviceAccountName: string;
}
const podOf = (statefulSet: KubeObject) => podSpecOf(statefulSet) as unknown as PodJson;
const dataMountOf = (pod: PodJson) => pod.containers[0].volumeMounts.find((m) => m.name === 'data')!.mountPath;

/** Loki's size strings (`256KB`) are binary, as its flag parser reads them. */
const lokiSizeBytes = (size: string) => {
  const match = /^(\d+)(KB|MB)$/.exec(size);
  if (!match) throw new Error(`not a Loki size: ${size}`);
  return Number(match[1]) * (match[2] === 'KB' ? 2 ** 10 : 2 ** 20);
};

describe.each(ENVIRONMENT_NAMES)('Loki in %s', (name) => {
  const env = environments[name];
  const settings = env.logging.loki;
  const { chart, loki, objects } = synth(propsOf(env));
  const config = parse(loki.configText) as LokiConfig;
  const statefulSet = only(objects, 'StatefulSet');
  const pod = podOf(statefulSet);

  it('GIVEN the env config WHEN synthesized THEN every object passes the Kubernetes schema', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ConfigMap',
      'NetworkPolicy',
      'Service',
      'Service',
      'ServiceAccount',
      'StatefulSet',
    ]);
    for (const object of objects) expect(() => validateAgainstSchema(object)).not.toThrow();
  });

  it('THEN loki.yaml runs every component in one process with an in-memory ring and no auth', () => {
    expect(loki.configText.startsWith('# Generated')).toBe(true);
    expect(config).toMatchObject({ target: 'all', auth_enabled: false, analytics: { reporting_enabled: false } });
    expect(config.server).toMatchObject({ http_listen_port: LOKI_SERVICE.port, grpc_listen_port: 9095 });
    expect(config.common).toMatchObject({ replication_factor: 1, ring: { kvstore: { store: 'inmemory' } } });
  });

  it('THEN every directory loki.yaml names lies on the data volume', () => {
    const dataDir = dataMountOf(pod);
    const storage = config.common.storage as { filesystem?: Record<string, string> };
    const dirs = [config.common.path_prefix, config.compactor.working_directory, ...Object.values(storage.filesystem ?? {})];
    for (const dir of dirs) expect(dir === dataDir || dir.startsWith(`${dataDir}/`)).toBe(true);
  });

  it('THEN the one schema period is TSDB v13 with a 24h index from a fixed past date, on the env storage', () => {
    expect(config.schema_config.configs).toHaveLength(1);
    const [period] = config.schema_config.configs;
    expect(period).toMatchObject({ store: 'tsdb', schema: 'v13', index: { period: '24h' }, object_store: settings.objectStorage.type });
    expect(period.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Date.parse(period.from)).toBeLessThan(Date.now());
  });

  it('THEN the compactor applies retention and keeps delete requests in the object store', () => {
    expect(config.compactor).toMatchObject({ retention_enabled: true, delete_request_store: settings.objectStorage.type });
  });

  it('THEN the limits are the env config values', () => {
    const limits = config.limits_config;
    expect(limits).toMatchObject({
      retention_period: settings.retention,
      ingestion_rate_mb: settings.limits.ingestionRateMb,
      ingestion_burst_size_mb: settings.limits.ingestionBurstSizeMb,
      max_global_streams_per_user: settings.limits.maxGlobalStreamsPerUser,
      reject_old_samples: true,
      allow_structured_metadata: true,
    });
    expect(lokiSizeBytes(limits.max_line_size)).toBe(settings.limits.maxLineSizeKb * 1024);
  });

  it('THEN no static AWS credential appears in loki.yaml', () => {
    expect(loki.configText).not.toMatch(/access_key|secret|session_token|AKIA/i);
  });

  it('THEN loki.yaml is registered as a config file and is what the ConfigMap mounts', () => {
    expect(chart.configFiles.get('loki/loki.yaml')).toBe(loki.configText);
    const configMap = only(objects, 'ConfigMap') as KubeObject & { data: Record<string, string> };
    expect(configMap.data).toEqual({ 'loki.yaml': loki.configText });
    const volume = pod.volumes.find((v) => v.configMap?.name === configMap.metadata.name)!;
    const mount = pod.containers[0].volumeMounts.find((m) => m.name === volume.name)!;
    expect(mount.readOnly).toBe(true);
    expect(pod.containers[0].args).toContain(`-config.file=${mount.mountPath}/loki.yaml`);
    const checksum = createHash('sha256').update(loki.configText).digest('hex');
    expect(statefulSet.spec?.template?.metadata?.annotations).toMatchObject({ 'checksum/config': checksum });
  });

  it('THEN one replica runs the pinned image with a claim from the env volume settings', () => {
    expect(statefulSet.spec).toMatchObject({ replicas: 1, serviceName: loki.headlessServiceName });
    const governing = objects.find((o) => o.kind === 'Service' && o.metadata.name === loki.headlessServiceName);
    expect(governing?.spec).toMatchObject({ clusterIP: 'None' });
    expect(pod.containers.map((c) => c.image)).toEqual([`${settings.image.repository}:${settings.image.tag}`]);
    const claims = statefulSet.spec?.volumeClaimTemplates as Array<{ metadata: { name: string }; spec: Record<string, unknown> }>;
    expect(claims).toHaveLength(1);
    expect(claims[0].metadata.name).toBe('data');
    expect(claims[0].spec).toMatchObject({
      accessModes: ['ReadWriteOnce'],
      storageClassName: settings.volume.storageClass,
      resources: { requests: { storage: settings.volume.size } },
    });
  });

  it('THEN the pod is restricted: non-root 10001, read-only root, no capabilities, RuntimeDefault seccomp, writable /tmp', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      fsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const [container] = pod.containers;
    expect(container.securityContext).toMatchObject({
      runAsUser: 10001,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
    const tmp = container.volumeMounts.find((m) => m.mountPath === '/tmp')!;
    expect(pod.volumes.find((v) => v.name === tmp.name)?.emptyDir).toBeDefined();
  });

  it('THEN requests and limits equal the env resources', () => {
    const { requests, limits } = pod.containers[0].resources;
    expect([cpuMillis(requests.cpu), cpuMillis(limits.cpu)]).toEqual([
      cpuMillis(settings.resources.cpu.request),
      cpuMillis(settings.resources.cpu.limit),
    ]);
    expect([memoryBytes(requests.memory), memoryBytes(limits.memory)]).toEqual([
      memoryBytes(settings.resources.memory.request),
      memoryBytes(settings.resources.memory.limit),
    ]);
  });

  it('THEN readiness and startup ask /ready on the HTTP port, and liveness checks the port', () => {
    const { readinessProbe, startupProbe, livenessProbe } = pod.containers[0];
    for (const probe of [readinessProbe, startupProbe])
      expect(probe).toMatchObject({ httpGet: { path: '/ready', port: LOKI_SERVICE.port } });
    expect(livenessProbe).toMatchObject({ tcpSocket: { port: LOKI_SERVICE.port } });
    // Startup allows minutes of WAL replay before liveness may restart the pod.
    expect((startupProbe.periodSeconds as number) * (startupProbe.failureThreshold as number)).toBeGreaterThanOrEqual(300);
  });

  it('THEN the Service is the one Grafana and the scrape job address, and selects the pods by stable labels', () => {
    expect(LOKI_SCRAPE.serviceName).toBe(LOKI_SERVICE.name);
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === LOKI_SERVICE.name)!;
    expect(loki.serviceName).toBe(service.metadata.name);
    expect(Object.keys(service.spec?.selector as object).sort()).toEqual(['app.kubernetes.io/instance', 'app.kubernetes.io/name']);
    expect(service.spec?.ports).toEqual([{ name: LOKI_SCRAPE.portName, port: LOKI_SERVICE.port, targetPort: LOKI_SERVICE.port }]);
    expect(pod.containers[0].ports).toEqual([{ name: LOKI_SCRAPE.portName, containerPort: LOKI_SERVICE.port }]);
    const podLabels = statefulSet.spec?.template?.metadata?.labels ?? {};
    expect(podLabels).toMatchObject(service.spec?.selector as Record<string, string>);
  });

  it('THEN only pods of the monitoring namespace reach port 3100', () => {
    const policy = only(objects, 'NetworkPolicy');
    const podLabels = statefulSet.spec?.template?.metadata?.labels ?? {};
    expect(podLabels).toMatchObject((policy.spec?.podSelector as { matchLabels: Record<string, string> }).matchLabels);
    expect(policy.spec?.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': env.namespaces.monitoring } },
            podSelector: {},
          },
        ],
        ports: [{ port: LOKI_SERVICE.port, protocol: 'TCP' }],
      },
    ]);
  });

  it('THEN the pod mounts no Kubernetes API token, with or without S3', () => {
    const account = only(objects, 'ServiceAccount');
    expect(account.automountServiceAccountToken).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe(account.metadata.name);
  });
});

describe('Loki storage per environment', () => {
  const configOf = (name: string) => parse(synth(propsOf(environments[name])).loki.configText) as LokiConfig;
  const accountOf = (name: string) => only(synth(propsOf(environments[name])).objects, 'ServiceAccount');

  it('GIVEN dev WHEN synthesized THEN chunks stay on the volume and the ServiceAccount assumes no IAM role', () => {
    expect(environments.dev.logging.loki.objectStorage.type).toBe('filesystem');
    expect(Object.keys(configOf('dev').common.storage)).toEqual(['filesystem']);
    expect(accountOf('dev').metadata.annotations ?? {}).toEqual({});
  });

  it.each(['staging', 'prod'])(
    'GIVEN %s WHEN synthesized THEN chunks go to the config bucket in the cluster region through IRSA',
    (name) => {
      const env = environments[name];
      const storage = env.logging.loki.objectStorage;
      if (storage.type !== 's3') throw new Error(`${name} is expected to keep logs in S3`);
      expect(configOf(name).common.storage).toEqual({
        s3: { bucketnames: storage.bucket, region: env.cluster.region, s3forcepathstyle: false },
      });
      expect(accountOf(name).metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': storage.roleArn });
    },
  );

  it('GIVEN dev and prod WHEN rendered THEN each keeps its own retention, and prod keeps logs longer', () => {
    const [dev, prod] = [environments.dev.logging.loki.retention, environments.prod.logging.loki.retention];
    expect(durationSeconds(prod)).toBeGreaterThan(durationSeconds(dev));
    expect([configOf('dev').limits_config.retention_period, configOf('prod').limits_config.retention_period]).toEqual([dev, prod]);
  });
});

describe('Loki determinism and validation', () => {
  const prod = environments.prod;
  const configProps: LokiConfigProps = {
    httpPort: 3100,
    grpcPort: 9095,
    dataDir: '/loki',
    retention: '30d',
    objectStore: { type: 's3', bucket: 'logs', region: 'us-west-2' },
    limits: { ingestionRateMb: 8, ingestionBurstSizeMb: 16, maxGlobalStreamsPerUser: 5000, maxLineSizeKb: 256 },
  };

  it('GIVEN the same props twice WHEN rendered THEN the text is identical', () => {
    expect(renderLokiConfig(configProps)).toBe(renderLokiConfig(structuredClone(configProps)));
    expect(synth(propsOf(prod)).loki.configText).toBe(synth(propsOf(prod)).loki.configText);
  });

  it('GIVEN a changed retention WHEN synthesized THEN the config checksum changes, so the pod rolls', () => {
    const checksum = (props: LokiProps) =>
      only(synth(props).objects, 'StatefulSet').spec?.template?.metadata?.annotations?.['checksum/config'];
    const changed = { ...propsOf(prod), settings: { ...prod.logging.loki, retention: '31d' } };
    expect(checksum(changed)).not.toBe(checksum(propsOf(prod)));
  });

  it('GIVEN a retention under a day WHEN constructed THEN it throws naming the prop, the value and the minimum', () => {
    const props = { ...propsOf(prod), settings: { ...prod.logging.loki, retention: '12h' } };
    expect(() => synth(props)).toThrow('Loki settings.retention: got 12h; must be at least 24h');
  });

  it('GIVEN S3 storage and a malformed region WHEN constructed THEN it throws naming the region', () => {
    expect(() => synth({ ...propsOf(prod), region: 'mars-1' })).toThrow('Loki region: got "mars-1"; must be the AWS region');
  });

  it('GIVEN filesystem storage WHEN the region is malformed THEN it is not used, so nothing throws', () => {
    expect(() => synth({ ...propsOf(environments.dev), region: '' })).not.toThrow();
  });
});
