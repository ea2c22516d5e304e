import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_INPUTS, ENVIRONMENT_NAMES } from '../../config';
import { hostAccessViolations } from '../../constructs/k8s/host-access';
import { CLUSTER_SCOPED_KINDS, loadManifests, podSpecOf, validateAgainstSchema, type KubeObject } from '../helpers/manifests';
import { readTree, removeDir, synthToTemp } from '../helpers/synth-tmp';

let dist: string;
beforeAll(() => (dist = synthToTemp()));
afterAll(() => removeDir(dist));

const objectsOf = (env: string) => loadManifests(join(dist, env));
const find = (env: string, kind: string, name: string) => {
  const found = objectsOf(env).find(({ object }) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`${env}: no ${kind} ${name}`);
  return found.object;
};

describe.each(ENVIRONMENT_NAMES)('manifests of %s', (env) => {
  it('GIVEN every object WHEN validated against its Kubernetes schema THEN none is invalid', () => {
    const objects = objectsOf(env);
    expect(objects.length).toBeGreaterThan(10);
    const failures = objects.flatMap(({ file, object }) => {
      try {
        validateAgainstSchema(object);
        return [];
      } catch (error) {
        return [`${file} ${object.kind}/${object.metadata.name}: ${(error as Error).message}`];
      }
    });
    expect(failures).toEqual([]);
  });

  it('GIVEN every object THEN it carries the standard labels and a namespace exactly when namespaced', () => {
    for (const { object } of objectsOf(env)) {
      const where = `${object.kind}/${object.metadata.name}`;
      for (const label of ['app.kubernetes.io/name', 'app.kubernetes.io/part-of', 'app.kubernetes.io/component']) {
        expect([where, object.metadata.labels?.[label]]).toEqual([where, expect.any(String)]);
      }
      expect([where, object.metadata.namespace !== undefined]).toEqual([where, !CLUSTER_SCOPED_KINDS.has(object.kind)]);
    }
  });

  it('GIVEN every container THEN it has CPU and memory requests and limits, and runs restricted unless it is a listed host agent', () => {
    const containers = objectsOf(env).flatMap(({ object }) => {
      const pod = podSpecOf(object);
      return pod
        ? [...pod.containers, ...(pod.initContainers ?? [])].map((c) => ({ where: `${object.kind}/${object.metadata.name}/${c.name}`, c }))
        : [];
    });
    expect(containers.length).toBeGreaterThan(0);
    for (const { where, c } of containers) {
      // GPU workloads add nvidia.com/gpu to both.
      expect([where, Object.keys(c.resources?.requests ?? {})]).toEqual([where, expect.arrayContaining(['cpu', 'memory'])]);
      expect([where, Object.keys(c.resources?.limits ?? {})]).toEqual([where, expect.arrayContaining(['cpu', 'memory'])]);
    }
    // Restricted, except the host agents the registry lists, each within its listed allowance.
    expect(hostAccessViolations(objectsOf(env).map(({ object }) => object))).toEqual([]);
  });

  it('GIVEN every StatefulSet THEN its volume claim templates carry no version label, which would block image upgrades', () => {
    const templates = objectsOf(env)
      .filter(({ object }) => object.kind === 'StatefulSet')
      .flatMap(({ object }) =>
        ((object.spec as { volumeClaimTemplates?: KubeObject[] }).volumeClaimTemplates ?? []).map((t) => [object.metadata.name, t]),
      );
    expect(templates.length).toBeGreaterThan(0);
    expect(
      templates.filter(([, t]) => (t as KubeObject).metadata.labels?.['app.kubernetes.io/version'] !== undefined).map(([name]) => name),
    ).toEqual([]);
  });

  it('GIVEN every ConfigMap THEN it fits the 256 KiB that client-side apply can store in its last-applied annotation', () => {
    const configMaps = objectsOf(env).filter(({ object }) => object.kind === 'ConfigMap');
    expect(configMaps.length).toBeGreaterThanOrEqual(3);
    for (const { object } of configMaps) {
      expect([object.metadata.name, JSON.stringify(object).length < 256 * 1024]).toEqual([object.metadata.name, true]);
    }
  });

  it('GIVEN the whole tree THEN it holds no Secret object and no credential-looking value', () => {
    expect(objectsOf(env).filter(({ object }) => object.kind === 'Secret')).toEqual([]);
    for (const [path, bytes] of readTree(join(dist, env))) {
      const text = bytes.toString('utf8');
      // Same-line values only: a key opening a nested mapping (a pod's `secret:` volume source) holds no value.
      expect([path, text.match(/(?<![A-Za-z_])(password|passwd|secret|token|api_?key)[ \t]*[:=][ \t]*["']?[^\s"'/$]{4,}/i)]).toEqual([
        path,
        null,
      ]);
      expect([path, text.match(/BEGIN [A-Z ]*PRIVATE KEY|AKIA[0-9A-Z]{16}/)]).toEqual([path, null]);
    }
  });
});

describe('Prometheus objects', () => {
  it('GIVEN prod WHEN synthesized THEN the StatefulSet has 2 replicas, a PVC per replica of the configured size, and the retention args', () => {
    const sts = find('prod', 'StatefulSet', 'prometheus') as KubeObject & { spec: Record<string, unknown> };
    const settings = ENVIRONMENT_INPUTS.prod.prometheus;
    expect(sts.metadata.namespace).toBe('monitoring');
    expect(sts.spec.replicas).toBe(2);
    expect(sts.spec.volumeClaimTemplates).toEqual([
      expect.objectContaining({
        spec: expect.objectContaining({
          storageClassName: settings.storage.storageClass,
          resources: { requests: { storage: settings.storage.size } },
        }),
      }),
    ]);
    const container = podSpecOf(sts)!.containers[0] as unknown as {
      args: string[];
      readinessProbe: unknown;
      livenessProbe: unknown;
      resources: unknown;
    };
    expect(container.args).toEqual(expect.arrayContaining(['--storage.tsdb.retention.time=30d']));
    // No lifecycle API: /federate is reachable from the global network, /-/quit must not be (config changes restart by checksum).
    expect(container.args).not.toContain('--web.enable-lifecycle');
    // 80 % of the 100Gi volume, in MiB.
    expect(container.args).toContain(`--storage.tsdb.retention.size=${0.8 * 100 * 1024}MB`);
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/-/ready', port: 9090 } });
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/-/healthy', port: 9090 } });
    expect(container.resources).toEqual({ requests: { cpu: '1000m', memory: '2048Mi' }, limits: { cpu: '4000m', memory: '8192Mi' } });
  });

  it('GIVEN the discovery ClusterRole THEN it grants only read verbs on what discovery and the kubelet jobs need', () => {
    const role = find('prod', 'ClusterRole', 'monitoring-prometheus') as KubeObject & {
      rules: Array<{ resources?: string[]; nonResourceURLs?: string[]; verbs: string[] }>;
    };
    const granted = role.rules
      .flatMap((r) => [...(r.resources ?? []), ...(r.nonResourceURLs ?? [])].map((what) => `${what}:${r.verbs.join(',')}`))
      .sort();
    expect(granted).toEqual([
      '/metrics:get',
      'endpoints:get,list,watch',
      'endpointslices:get,list,watch',
      'nodes/metrics:get',
      'nodes:get,list,watch',
      'pods:get,list,watch',
      'services:get,list,watch',
    ]);
  });

  it('GIVEN the Service THEN it exposes 9090 and selects the Prometheus pods by their stable labels', () => {
    const service = find('prod', 'Service', 'prometheus') as KubeObject & {
      spec: { ports: Array<{ port: number }>; selector: Record<string, string> };
    };
    const podLabels = find('prod', 'StatefulSet', 'prometheus').spec!.template!.metadata!.labels!;
    expect(service.spec.ports.map((p) => p.port)).toEqual([9090]);
    expect(service.spec.selector).toMatchObject({ 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'moe-lab-prod' });
    for (const [key, value] of Object.entries(service.spec.selector)) expect(podLabels[key]).toBe(value);
  });

  it('GIVEN the embedded ConfigMap data WHEN compared with dist/<env>/config THEN the bytes are the same', () => {
    for (const env of ENVIRONMENT_NAMES) {
      const config = find(env, 'ConfigMap', 'prometheus-config') as KubeObject & { data: Record<string, string> };
      expect(config.data['prometheus.yml']).toBe(readFileSync(join(dist, env, 'config', 'prometheus.yml'), 'utf8'));
      const rules = find(env, 'ConfigMap', 'prometheus-rules') as KubeObject & { data: Record<string, string> };
      for (const [file, text] of Object.entries(rules.data))
        expect(text).toBe(readFileSync(join(dist, env, 'config', 'rules', file), 'utf8'));
    }
  });

  it('GIVEN two environments with different configs THEN their pod checksum annotations differ, rolling the pods on change', () => {
    const checksum = (env: string) => find(env, 'StatefulSet', 'prometheus').spec!.template!.metadata!.annotations!['checksum/config'];
    expect(checksum('dev')).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum('dev')).not.toBe(checksum('prod'));
  });
});

describe('schema validation', () => {
  it('GIVEN an object that breaks its schema WHEN validated THEN it is rejected', () => {
    const broken = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'x' },
      spec: { replicas: 'two', selector: {}, serviceName: 'x', template: {} },
    };
    expect(() => validateAgainstSchema(broken as unknown as KubeObject)).toThrow();
  });
});
