import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENT_INPUTS, ENVIRONMENT_NAMES } from '../../config';
import { loadManifests, podSpecOf, type KubeObject } from '../helpers/manifests';
import { removeDir, synthToTemp } from '../helpers/synth-tmp';

let dist: string;
beforeAll(() => (dist = synthToTemp()));
afterAll(() => removeDir(dist));

type Port = { name?: string; port?: number; containerPort?: number; protocol?: string };
interface AlertmanagerContainer {
  image: string;
  imagePullPolicy: string;
  args: string[];
  env: Array<{ name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
  ports: Port[];
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
  readinessProbe: unknown;
  livenessProbe: unknown;
  resources: unknown;
}
type PodSpecWithVolumes = {
  volumes: Array<{ name: string; secret?: { secretName: string }; configMap?: { name: string } }>;
  automountServiceAccountToken?: boolean;
  affinity?: unknown;
};

const find = (env: string, kind: string, name: string) => {
  const found = loadManifests(join(dist, env)).find(({ object }) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`${env}: no ${kind} ${name}`);
  return found;
};
const statefulSet = (env: string) => find(env, 'StatefulSet', 'alertmanager').object;
const container = (env: string) => podSpecOf(statefulSet(env))!.containers[0] as unknown as AlertmanagerContainer;
const podSpec = (env: string) => podSpecOf(statefulSet(env)) as unknown as PodSpecWithVolumes;
const expectedReplicas: Record<string, number> = { dev: 1, staging: 1, prod: 3 };

describe.each(ENVIRONMENT_NAMES)('Alertmanager objects of %s', (env) => {
  const settings = ENVIRONMENT_INPUTS[env].alerting;

  it('GIVEN the synthesized output THEN every Alertmanager object is in alertmanager.yaml in the monitoring namespace', () => {
    for (const [kind, name] of [
      ['StatefulSet', 'alertmanager'],
      ['Service', 'alertmanager'],
      ['Service', 'alertmanager-headless'],
      ['ServiceAccount', 'alertmanager'],
      ['ConfigMap', 'alertmanager-config'],
      ['PodDisruptionBudget', 'alertmanager'],
      ['NetworkPolicy', 'alertmanager'],
    ]) {
      const { file, object } = find(env, kind, name);
      expect([kind, name, file, object.metadata.namespace]).toEqual([kind, name, 'alertmanager.yaml', 'monitoring']);
    }
  });

  it('GIVEN the StatefulSet THEN replicas, parallel start, required anti-affinity, pinned image and retention follow the config', () => {
    const sts = statefulSet(env) as KubeObject & { spec: Record<string, unknown> };
    expect(sts.spec.replicas).toBe(expectedReplicas[env]);
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.serviceName).toBe('alertmanager-headless');
    expect(podSpec(env).affinity).toEqual({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: { matchLabels: { 'app.kubernetes.io/instance': `moe-lab-${env}`, 'app.kubernetes.io/name': 'alertmanager' } },
            topologyKey: 'kubernetes.io/hostname',
          },
        ],
      },
    });
    const c = container(env);
    expect(c.image).toBe(`${settings.alertmanager.image.repository}:${settings.alertmanager.image.tag}`);
    expect(c.image).not.toMatch(/:latest$/);
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.args.slice(0, 4)).toEqual([
      '--config.file=/etc/alertmanager/config/alertmanager.yml',
      '--storage.path=/alertmanager',
      `--data.retention=${settings.alertmanager.retention}`,
      '--web.listen-address=:9093',
    ]);
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/-/ready', port: 9093 } });
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/-/healthy', port: 9093 } });
  });

  it('GIVEN the StatefulSet THEN silences and the notification log live on a per-replica claim mounted at --storage.path', () => {
    const sts = statefulSet(env) as KubeObject & { spec: { volumeClaimTemplates: unknown[] } };
    expect(sts.spec.volumeClaimTemplates).toEqual([
      expect.objectContaining({
        metadata: expect.objectContaining({ name: 'data' }),
        spec: expect.objectContaining({
          storageClassName: settings.alertmanager.storage.storageClass,
          resources: { requests: { storage: settings.alertmanager.storage.size } },
        }),
      }),
    ]);
    expect(container(env).volumeMounts).toContainEqual({ name: 'data', mountPath: '/alertmanager' });
  });

  it('GIVEN the cluster flags THEN there is one peer per replica, or gossip is switched off for a single replica', () => {
    const { args, env: variables } = container(env);
    const clusterArgs = args.filter((arg) => arg.startsWith('--cluster.'));
    if (expectedReplicas[env] === 1) {
      expect(clusterArgs).toEqual(['--cluster.listen-address=']);
    } else {
      expect(clusterArgs).toEqual([
        '--cluster.listen-address=0.0.0.0:9094',
        '--cluster.advertise-address=$(POD_IP):9094',
        '--cluster.peer=alertmanager-0.alertmanager-headless.monitoring.svc:9094',
        '--cluster.peer=alertmanager-1.alertmanager-headless.monitoring.svc:9094',
        '--cluster.peer=alertmanager-2.alertmanager-headless.monitoring.svc:9094',
      ]);
      expect(variables).toContainEqual({ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
    }
    const peers = clusterArgs.filter((arg) => arg.startsWith('--cluster.peer='));
    expect(peers.length).toBe(expectedReplicas[env] === 1 ? 0 : (statefulSet(env).spec!.replicas as number));
  });

  it('GIVEN the receivers Secret THEN it is mounted read-only at /etc/alertmanager/secrets and not created by us', () => {
    const volume = podSpec(env).volumes.find((v) => v.secret);
    expect(volume?.secret?.secretName).toBe(settings.receivers.credentialsSecret);
    expect(container(env).volumeMounts).toContainEqual({ name: volume!.name, mountPath: '/etc/alertmanager/secrets', readOnly: true });
    expect(loadManifests(join(dist, env)).filter(({ object }) => object.kind === 'Secret')).toEqual([]);
  });

  it('GIVEN the ConfigMap THEN it holds the same bytes as dist/<env>/config/alertmanager.yml and is mounted where --config.file reads', () => {
    const config = find(env, 'ConfigMap', 'alertmanager-config').object as KubeObject & { data: Record<string, string> };
    expect(Object.keys(config.data)).toEqual(['alertmanager.yml']);
    expect(config.data['alertmanager.yml']).toBe(readFileSync(join(dist, env, 'config', 'alertmanager.yml'), 'utf8'));
    const volume = podSpec(env).volumes.find((v) => v.configMap?.name === 'alertmanager-config');
    expect(container(env).volumeMounts).toContainEqual({ name: volume!.name, mountPath: '/etc/alertmanager/config', readOnly: true });
  });

  it('GIVEN the Services THEN the headless one publishes not-ready peers on web and gossip ports, the other only on web', () => {
    const headless = find(env, 'Service', 'alertmanager-headless').object as KubeObject & {
      spec: { clusterIP: string; publishNotReadyAddresses: boolean; ports: Port[] };
    };
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    expect(headless.spec.ports.map((p) => `${p.name}:${p.port}/${p.protocol ?? 'TCP'}`)).toEqual([
      'web:9093/TCP',
      'cluster-tcp:9094/TCP',
      'cluster-udp:9094/UDP',
    ]);
    const service = find(env, 'Service', 'alertmanager').object as KubeObject & { spec: { ports: Port[] } };
    expect(service.spec.ports.map((p) => `${p.name}:${p.port}`)).toEqual(['web:9093']);
  });

  it('GIVEN the ServiceAccount and pod THEN no API token is mounted', () => {
    expect(find(env, 'ServiceAccount', 'alertmanager').object.automountServiceAccountToken).toBe(false);
    expect(podSpec(env).automountServiceAccountToken).toBe(false);
  });

  it('GIVEN the PodDisruptionBudget THEN at most one peer is disrupted and it selects the Alertmanager pods', () => {
    const pdb = find(env, 'PodDisruptionBudget', 'alertmanager').object as KubeObject & {
      spec: { maxUnavailable: number; selector: { matchLabels: Record<string, string> } };
    };
    expect(pdb.spec.maxUnavailable).toBe(1);
    const podLabels = statefulSet(env).spec!.template!.metadata!.labels!;
    for (const [key, value] of Object.entries(pdb.spec.selector.matchLabels)) expect(podLabels[key]).toBe(value);
  });

  it('GIVEN the NetworkPolicy THEN 9093 is open to the monitoring namespace and 9094 TCP+UDP only to the Alertmanager pods', () => {
    const policy = find(env, 'NetworkPolicy', 'alertmanager').object as KubeObject & {
      spec: { policyTypes: string[]; ingress: Array<{ from: Array<Record<string, unknown>>; ports: Port[] }> };
    };
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    const selector = { matchLabels: { 'app.kubernetes.io/instance': `moe-lab-${env}`, 'app.kubernetes.io/name': 'alertmanager' } };
    expect(policy.spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: {} }],
        ports: [{ port: 9093, protocol: 'TCP' }],
      },
      {
        from: [{ podSelector: selector }],
        ports: [
          { port: 9094, protocol: 'TCP' },
          { port: 9094, protocol: 'UDP' },
        ],
      },
    ]);
  });

  it('GIVEN the container THEN resources come from the config', () => {
    const { cpu, memory } = settings.alertmanager.resources;
    const millis = (q: string) => (q.endsWith('m') ? q : `${Number(q) * 1000}m`);
    const mebis = (q: string) => (q.endsWith('Gi') ? `${Number(q.slice(0, -2)) * 1024}Mi` : q);
    expect(container(env).resources).toEqual({
      requests: { cpu: millis(cpu.request), memory: mebis(memory.request) },
      limits: { cpu: millis(cpu.limit), memory: mebis(memory.limit) },
    });
  });
});

describe('rolling on config change', () => {
  it.each(ENVIRONMENT_NAMES)(
    'GIVEN %s THEN the pod checksum annotation is the SHA-256 of alertmanager.yml, so a config change rolls the pods',
    (env) => {
      const checksum = statefulSet(env).spec!.template!.metadata!.annotations!['checksum/config'];
      const config = readFileSync(join(dist, env, 'config', 'alertmanager.yml'), 'utf8');
      expect(checksum).toBe(createHash('sha256').update(config).digest('hex'));
      expect(checksum).not.toBe(createHash('sha256').update(`${config}\n`).digest('hex'));
    },
  );
});

describe('Prometheus alerting section', () => {
  interface PrometheusYml {
    alerting: {
      alert_relabel_configs: Array<{ action: string; regex: string }>;
      alertmanagers: Array<{ api_version: string; static_configs: Array<{ targets: string[] }> }>;
    };
  }
  const prometheusYml = (env: string) => parse(readFileSync(join(dist, env, 'config', 'prometheus.yml'), 'utf8')) as PrometheusYml;

  it.each([
    ['prod', ['alertmanager-0', 'alertmanager-1', 'alertmanager-2']],
    ['staging', ['alertmanager-0']],
    ['dev', ['alertmanager-0']],
  ])('GIVEN %s THEN Prometheus sends to every Alertmanager replica over API v2', (env, pods) => {
    const { alertmanagers } = prometheusYml(env).alerting;
    expect(alertmanagers).toEqual([
      { api_version: 'v2', static_configs: [{ targets: pods.map((pod) => `${pod}.alertmanager-headless.monitoring.svc:9093`) }] },
    ]);
  });

  it.each(ENVIRONMENT_NAMES)('GIVEN %s THEN alerts leave without prometheus_replica and keep cluster and environment', (env) => {
    const relabels = prometheusYml(env).alerting.alert_relabel_configs;
    expect(relabels).toEqual([{ action: 'labeldrop', regex: 'prometheus_replica' }]);
    const dropped = (label: string) => relabels.some((r) => r.action === 'labeldrop' && new RegExp(`^(?:${r.regex})$`).test(label));
    expect(dropped('prometheus_replica')).toBe(true);
    for (const kept of ['cluster', 'environment', 'alertname', 'severity', 'priority'])
      expect([kept, dropped(kept)]).toEqual([kept, false]);
  });
});
