import { Testing } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { loadEnvironments, type EnvironmentConfig } from '../../config';
import type { JaegerSettings } from '../../config/schema/logging';
import { durationSeconds, memoryBytes } from '../../config/quantities';
import { ComponentChart } from '../../constructs/assembly/component-chart';
import { Jaeger, otlpEndpoint } from '../../constructs/components/jaeger';
import { goDuration } from '../../constructs/config-files/jaeger-config';
import { podSpecOf, schemaFailures, type KubeObject } from '../helpers/manifests';
import { JAEGER_QUERY_SERVICE, JAEGER_SCRAPE } from '../../contracts/services';
import { GENERATED_HEADER } from '../../contracts/generated-header';

const MONITORING = 'monitoring';
const CLIENTS = ['moe-lab', 'mage'];

interface Port {
  name: string;
  port: number;
  targetPort: number;
}
interface JaegerContainer {
  args: string[];
  ports: Array<{ name: string; containerPort: number }>;
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
  securityContext: Record<string, unknown>;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  readinessProbe: { httpGet: { path: string; port: number } };
  livenessProbe: { httpGet: { path: string; port: number } };
  startupProbe: { httpGet: { path: string; port: number } };
}
type PolicyRule = { from: Array<{ namespaceSelector: { matchLabels: Record<string, string> } }>; ports: Array<{ port: number }> };

/** The Jaeger of `settings` in a component chart, with its parsed config. */
function synthJaeger(settings: JaegerSettings, clientNamespaces: readonly string[] = CLIENTS) {
  const chart = new ComponentChart(Testing.app(), 'tracing', { component: 'tracing' });
  const jaeger = new Jaeger(chart, 'Jaeger', { namespace: MONITORING, instance: 'test-cluster', settings, clientNamespaces });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the collector config is free-form YAML
  const config = parse(jaeger.configText) as any;
  return { chart, jaeger, config, objects: Testing.synth(chart) as KubeObject[] };
}

const find = (objects: KubeObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const servicePorts = (objects: KubeObject[], name: string) =>
  Object.fromEntries((find(objects, 'Service', name).spec!.ports as Port[]).map((p) => [p.name, [p.port, p.targetPort]]));
const portOf = (endpoint: string) => Number(/:(\d+)$/.exec(endpoint)?.[1]);
const checksum = (objects: KubeObject[]) =>
  find(objects, 'StatefulSet', 'jaeger').spec!.template!.metadata!.annotations!['checksum/config'];

describe.each(loadEnvironments().map((env) => [env.name, env] as const))('Jaeger with the %s settings', (_, env: EnvironmentConfig) => {
  const settings = env.logging.jaeger;
  const { chart, jaeger, config, objects } = synthJaeger(settings);
  const statefulSet = find(objects, 'StatefulSet', 'jaeger');
  const pod = podSpecOf(statefulSet)! as unknown as { containers: JaegerContainer[]; volumes: Array<{ name: string; emptyDir?: object }> };
  const container = pod.containers[0];

  it('GIVEN every object WHEN validated against its Kubernetes schema THEN none is invalid', () => {
    expect(schemaFailures(objects)).toEqual([]);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/jaeger-config',
      'NetworkPolicy/jaeger',
      'Service/jaeger-collector',
      'Service/jaeger-headless',
      'Service/jaeger-query',
      'ServiceAccount/jaeger',
      'StatefulSet/jaeger',
    ]);
  });

  it('GIVEN the storage settings THEN the one backend is memory with max_traces, or Badger on a PVC with the retention as TTL', () => {
    const [[name, backend]] = Object.entries(config.extensions.jaeger_storage.backends) as Array<[string, Record<string, unknown>]>;
    expect([config.extensions.jaeger_query.storage.traces, config.exporters.jaeger_storage_exporter.trace_storage]).toEqual([name, name]);
    const claims = statefulSet.spec!.volumeClaimTemplates as Array<{ spec: Record<string, unknown> }> | undefined;
    if (settings.storage.type === 'memory') {
      expect(backend).toEqual({ memory: { max_traces: settings.storage.maxTraces } });
      expect(claims).toBeUndefined();
      return;
    }
    const hours = durationSeconds(settings.storage.retention) / 3600;
    const dataMount = container.volumeMounts.find((m) => m.name === 'data')!.mountPath;
    expect(backend).toEqual({
      badger: { directories: { keys: `${dataMount}/keys`, values: `${dataMount}/values` }, ephemeral: false, ttl: { spans: `${hours}h` } },
    });
    expect(claims!.map((c) => c.spec)).toEqual([
      expect.objectContaining({
        storageClassName: settings.storage.volume.storageClass,
        resources: { requests: { storage: settings.storage.volume.size } },
      }),
    ]);
  });

  it('GIVEN the pipeline THEN OTLP arrives on 4317 (gRPC) and 4318 (HTTP) and goes through batch into the trace store', () => {
    const { grpc, http } = config.receivers.otlp.protocols;
    expect([portOf(grpc.endpoint), portOf(http.endpoint)]).toEqual([4317, 4318]);
    expect(config.service.pipelines).toEqual({
      traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] },
    });
    // Every configured extension is started, and every started one is configured.
    expect([...config.service.extensions].sort()).toEqual(Object.keys(config.extensions).sort());
    expect(config.service.extensions).toEqual(
      expect.arrayContaining(['jaeger_storage', 'jaeger_query', 'remote_sampling', 'healthcheckv2']),
    );
  });

  it('GIVEN the query UI THEN it listens on 16686 behind the Service Grafana’s Jaeger datasource points at', () => {
    expect(portOf(config.extensions.jaeger_query.http.endpoint)).toBe(16686);
    expect([jaeger.queryServiceName, servicePorts(objects, JAEGER_QUERY_SERVICE.name)]).toEqual([
      'jaeger-query',
      { query: [JAEGER_QUERY_SERVICE.port, 16686] },
    ]);
    expect(container.ports).toEqual(expect.arrayContaining([{ name: 'query', containerPort: 16686 }]));
    const selector = find(objects, 'Service', 'jaeger-query').spec!.selector as Record<string, string>;
    expect(statefulSet.spec!.template!.metadata!.labels).toEqual(expect.objectContaining(selector));
  });

  it('GIVEN the collector Service THEN it serves OTLP, sampling and the metrics port the scrape job selects', () => {
    expect(servicePorts(objects, jaeger.collectorServiceName)).toEqual({
      'otlp-grpc': [4317, 4317],
      'otlp-http': [4318, 4318],
      sampling: [5778, 5778],
      'sampling-grpc': [5779, 5779],
      metrics: [8888, 8888],
    });
    expect([JAEGER_SCRAPE.serviceName, servicePorts(objects, JAEGER_SCRAPE.serviceName)[JAEGER_SCRAPE.portName]]).toEqual([
      'jaeger-collector',
      [8888, 8888],
    ]);
    expect(config.service.telemetry.metrics.readers[0].pull.exporter.prometheus).toEqual({ host: '0.0.0.0', port: 8888 });
    expect(otlpEndpoint(MONITORING)).toBe('http://jaeger-collector.monitoring.svc:4317');
    const { http, grpc } = config.extensions.remote_sampling;
    expect([portOf(http.endpoint), portOf(grpc.endpoint)]).toEqual([5778, 5779]);
  });

  it('GIVEN the sampling settings THEN the strategies file holds the default and every per-service probability', () => {
    const { defaultProbability, perService } = settings.sampling;
    expect(JSON.parse(jaeger.samplingText)).toEqual({
      default_strategy: { type: 'probabilistic', param: defaultProbability },
      service_strategies: Object.keys(perService)
        .sort()
        .map((service) => ({ service, type: 'probabilistic', param: perService[service] })),
    });
    // remote_sampling reads the file where the ConfigMap puts it.
    const configMount = container.volumeMounts.find((m) => m.name === 'config')!;
    expect(config.extensions.remote_sampling.file.path).toBe(`${configMount.mountPath}/sampling-strategies.json`);
    expect(container.args).toEqual([`--config=${configMount.mountPath}/config.yaml`]);
    expect(find(objects, 'ConfigMap', 'jaeger-config').data).toEqual({
      'config.yaml': jaeger.configText,
      'sampling-strategies.json': jaeger.samplingText,
    });
    expect([...chart.configFiles.keys()]).toEqual(['jaeger/config.yaml', 'jaeger/sampling-strategies.json']);
    expect(jaeger.configText.startsWith(GENERATED_HEADER)).toBe(true);
  });

  it('GIVEN the NetworkPolicy THEN OTLP and sampling come from the workload and monitoring namespaces, UI and metrics from monitoring only', () => {
    const spec = find(objects, 'NetworkPolicy', 'jaeger').spec as { ingress: PolicyRule[]; egress?: unknown[]; policyTypes: string[] };
    const allowed = new Map<number, string[]>();
    for (const rule of spec.ingress) {
      const namespaces = rule.from.map((peer) => peer.namespaceSelector.matchLabels['kubernetes.io/metadata.name']);
      for (const { port } of rule.ports) allowed.set(port, [...(allowed.get(port) ?? []), ...namespaces].sort());
    }
    const everyone = [...CLIENTS, MONITORING].sort();
    expect(Object.fromEntries(allowed)).toEqual({
      4317: everyone,
      4318: everyone,
      5778: everyone,
      5779: everyone,
      16686: [MONITORING],
      8888: [MONITORING],
    });
    expect([spec.policyTypes.sort(), spec.egress ?? []]).toEqual([['Egress', 'Ingress'], []]);
  });

  it('GIVEN the pod THEN it runs as the image user 10001, read-only, without capabilities or token, with the configured resources', () => {
    expect(pod).toEqual(
      expect.objectContaining({
        automountServiceAccountToken: false,
        securityContext: expect.objectContaining({
          runAsUser: 10001,
          runAsNonRoot: true,
          fsGroup: 10001,
          seccompProfile: { type: 'RuntimeDefault' },
        }),
      }),
    );
    expect(container.securityContext).toEqual(
      expect.objectContaining({
        runAsUser: 10001,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      }),
    );
    const tmp = container.volumeMounts.find((m) => m.mountPath === '/tmp');
    expect(pod.volumes.find((v) => v.name === tmp?.name)?.emptyDir).toEqual({});
    const mebibytes = (quantity: string) => `${memoryBytes(quantity) / 2 ** 20}Mi`;
    expect([container.resources.requests.memory, container.resources.limits.memory]).toEqual([
      mebibytes(settings.resources.memory.request),
      mebibytes(settings.resources.memory.limit),
    ]);
    expect(statefulSet.spec!.replicas).toBe(1);
  });

  it('GIVEN the probes THEN all three ask the health check extension’s status path on its port', () => {
    const { endpoint, status } = config.extensions.healthcheckv2.http;
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
      expect(probe.httpGet).toEqual(expect.objectContaining({ path: status.path, port: portOf(endpoint) }));
    }
    expect(container.ports).toEqual(expect.arrayContaining([{ name: 'health', containerPort: portOf(endpoint) }]));
  });
});

describe('Jaeger construct checks', () => {
  const [dev, , prod] = loadEnvironments();
  const prodJaeger = prod.logging.jaeger;

  it('GIVEN the checked-in configs THEN dev keeps traces in memory and prod in Badger', () => {
    expect([dev.logging.jaeger.storage.type, prodJaeger.storage.type]).toEqual(['memory', 'badger']);
  });

  it('GIVEN the same settings twice WHEN synthesized THEN the manifests are identical', () => {
    for (const env of [dev, prod]) {
      expect(stringify(synthJaeger(env.logging.jaeger).objects)).toBe(stringify(synthJaeger(env.logging.jaeger).objects));
    }
  });

  it('GIVEN a sampling change THEN the pod does not roll (Jaeger reloads the file); a storage change rolls it', () => {
    const before = synthJaeger(prodJaeger);
    const resampled = synthJaeger({ ...prodJaeger, sampling: { defaultProbability: 0.5, perService: { 'moe-trainer': 1 } } });
    const memoryStore = synthJaeger({ ...prodJaeger, storage: { type: 'memory', maxTraces: 1000 } });
    expect(resampled.jaeger.samplingText).not.toBe(before.jaeger.samplingText);
    expect(checksum(resampled.objects)).toBe(checksum(before.objects));
    expect(checksum(memoryStore.objects)).not.toBe(checksum(before.objects));
  });

  it('GIVEN Prometheus-style durations WHEN converted for Badger THEN Go durations without days come out', () => {
    expect(['7d', '72h', '1h30m', '45s', '2w'].map(goDuration)).toEqual(['168h', '72h', '90m', '45s', '336h']);
  });

  it('GIVEN a bad client namespace or probability WHEN built THEN it throws naming the prop, the value and what is allowed', () => {
    expect(() => synthJaeger(prodJaeger, ['Moe_Lab'])).toThrow(/Jaeger clientNamespaces: got "Moe_Lab"; must be a namespace name/);
    const sampling = { defaultProbability: 0.1, perService: { 'moe-inference': 1.5 } };
    expect(() => synthJaeger({ ...prodJaeger, sampling })).toThrow(
      /Jaeger settings.sampling.perService.moe-inference: got 1.5; must be a probability from 0 to 1/,
    );
  });
});
