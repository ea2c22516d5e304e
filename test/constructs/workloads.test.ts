import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { ENVIRONMENT_INPUTS, loadEnvironments, type EnvironmentName } from '../../config';
import { workloadsSchema, type WorkloadsSettings } from '../../config/schema/workloads';
import { ComponentChart } from '../../constructs/assembly/component-chart';
import { buildMlPlatform } from '../../constructs/assembly/environment-platform';
import { renderDatasources } from '../../constructs/config-files/grafana-datasources';
import { otlpEndpoint } from '../../constructs/components/jaeger';
import { MageLearner } from '../../constructs/components/mage-learner';
import { MageWorker } from '../../constructs/components/mage-worker';
import { MoeDashboard } from '../../constructs/components/moe-dashboard';
import { MoeInference } from '../../constructs/components/moe-inference';
import { MoeTrainer } from '../../constructs/components/moe-trainer';
import { PriorityClasses } from '../../constructs/components/priority-classes';
import { APPS } from '../../contracts/jobs';
import { podSpecOf, schemaFailures, type KubeObject } from '../helpers/manifests';

type Probe = { httpGet?: { path: string; port: number }; tcpSocket?: { port: number } };
interface WorkloadContainer {
  name: string;
  ports: Array<{ name: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  readinessProbe: Probe;
  livenessProbe: Probe;
  startupProbe: Probe;
}
interface WorkloadPod {
  containers: WorkloadContainer[];
  volumes: Array<{
    name: string;
    emptyDir?: unknown;
    persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
    configMap?: { name: string };
  }>;
  tolerations?: Array<{ key: string; operator: string; effect?: string }>;
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: unknown[] } } };
  priorityClassName?: string;
  topologySpreadConstraints?: Array<{ topologyKey: string; maxSkew: number; labelSelector: { matchLabels: Record<string, string> } }>;
  securityContext: { seccompProfile?: { type: string } };
}

const NAMESPACES = { moeLab: 'moe-lab', mage: 'mage' };
const SAMPLING = { defaultProbability: 0.2, perService: { 'moe-inference': 0.05 } };
const TRACING = { otlpEndpoint: otlpEndpoint('monitoring'), sampling: SAMPLING };
const GPU_APPS = ['moe-trainer', 'moe-inference', 'mage-learner'];
/** How the environments label and taint their GPU nodes. */
const GPU_NODES = ENVIRONMENT_INPUTS.prod.gpuNodes;
const CPU_APPS = ['dashboard', 'mage-worker'];

/** Every ML workload of one environment's settings, synthesized in a test chart. */
function synthWorkloads(settings: WorkloadsSettings, configChecksumOf = 'batch_size: 32'): KubeObject[] {
  const chart = Testing.chart();
  const common = { instance: 'test-cluster', gpuNodes: GPU_NODES };
  const priorities = new PriorityClasses(chart, 'PriorityClasses', { instance: common.instance });
  const moeLab = { ...common, namespace: NAMESPACES.moeLab, configChecksumOf, tracing: TRACING };
  const mage = { ...common, namespace: NAMESPACES.mage };
  new MoeTrainer(chart, 'Trainer', { ...moeLab, settings: settings.moeTrainer, priorityClassName: priorities.trainingClassName });
  new MoeInference(chart, 'Inference', { ...moeLab, settings: settings.moeInference, priorityClassName: priorities.inferenceClassName });
  new MoeDashboard(chart, 'Dashboard', { ...common, namespace: NAMESPACES.moeLab, settings: settings.dashboard });
  new MageWorker(chart, 'MageWorker', { ...mage, settings: settings.mageWorker });
  new MageLearner(chart, 'MageLearner', { ...mage, settings: settings.mageLearner });
  return Testing.synth(chart) as KubeObject[];
}

const settingsOf = (env: EnvironmentName) => workloadsSchema.parse(ENVIRONMENT_INPUTS[env].workloads);
const find = (objects: KubeObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const podOf = (objects: KubeObject[], app: string) => podSpecOf(find(objects, 'Deployment', app)) as unknown as WorkloadPod;
const envOf = (container: WorkloadContainer) => Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
const otelNames = (container: WorkloadContainer) => (container.env ?? []).map((e) => e.name).filter((name) => name.startsWith('OTEL_'));

describe.each(['dev', 'staging', 'prod'] as const)('ML workloads with the %s settings', (env) => {
  const settings = settingsOf(env);
  const objects = synthWorkloads(settings);

  it('GIVEN every object WHEN validated against its Kubernetes schema THEN none is invalid', () => {
    expect(objects.length).toBeGreaterThan(10);
    expect(schemaFailures(objects)).toEqual([]);
  });

  it('GIVEN the GPU workloads THEN each requests its configured nvidia.com/gpu, tolerates the GPU taint and requires a GPU node', () => {
    const expectedGpus: Record<string, number> = {
      'moe-trainer': settings.moeTrainer.gpus,
      'moe-inference': settings.moeInference.gpus,
      'mage-learner': settings.mageLearner.gpus,
    };
    for (const app of GPU_APPS) {
      const pod = podOf(objects, app);
      const { requests, limits } = pod.containers[0].resources;
      expect([app, requests['nvidia.com/gpu'], limits['nvidia.com/gpu']]).toEqual([app, expectedGpus[app], expectedGpus[app]]);
      expect([app, pod.tolerations]).toEqual([app, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]]);
      expect([app, JSON.stringify(pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution)]).toEqual([
        app,
        JSON.stringify({
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }] }],
        }),
      ]);
    }
  });

  it('GIVEN the CPU workloads THEN they request no GPU, tolerate no taint and are kept off GPU nodes', () => {
    for (const app of CPU_APPS) {
      const pod = podOf(objects, app);
      expect([app, Object.keys(pod.containers[0].resources.limits).sort()]).toEqual([app, ['cpu', 'memory']]);
      expect([app, pod.tolerations ?? []]).toEqual([app, []]);
      expect([app, JSON.stringify(pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution)]).toEqual([
        app,
        JSON.stringify({
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'nvidia.com/gpu.present', operator: 'NotIn', values: ['true'] }] }],
        }),
      ]);
    }
  });

  it('GIVEN the seed names THEN Deployments, Services, ports and app labels match them and each Service selects its pods', () => {
    const seeds: Array<[string, string, string | undefined, number]> = [
      ['moe-trainer', NAMESPACES.moeLab, 'trainer', 8080],
      ['moe-inference', NAMESPACES.moeLab, 'inference', 8000],
      ['dashboard', NAMESPACES.moeLab, 'dashboard', 8080],
      ['mage-worker', NAMESPACES.mage, undefined, 9090],
      ['mage-learner', NAMESPACES.mage, undefined, 9090],
    ];
    for (const [app, namespace, serviceName, port] of seeds) {
      const deployment = find(objects, 'Deployment', app);
      const podLabels = deployment.spec!.template!.metadata!.labels!;
      expect([app, deployment.metadata.namespace, podLabels.app]).toEqual([app, namespace, app]);
      expect([app, podSpecOf(deployment)!.containers[0]]).toEqual([
        app,
        expect.objectContaining({ ports: [expect.objectContaining({ containerPort: port })] }),
      ]);
      const matchLabels = (deployment.spec!.selector as { matchLabels: Record<string, string> }).matchLabels;
      expect([app, podLabels]).toEqual([app, expect.objectContaining(matchLabels)]);
      expect(Object.keys(matchLabels)).not.toContain('app.kubernetes.io/version');
      if (serviceName === undefined) continue;
      const service = find(objects, 'Service', serviceName);
      const spec = service.spec as { selector: Record<string, string>; ports: Array<{ port: number; targetPort: number }> };
      expect([serviceName, service.metadata.namespace, spec.ports.map((p) => [p.port, p.targetPort])]).toEqual([
        serviceName,
        namespace,
        [[port, port]],
      ]);
      expect([serviceName, podLabels]).toEqual([serviceName, expect.objectContaining(spec.selector)]);
    }
  });

  it('GIVEN the MoE apps THEN every probe is an HTTP GET of /health on the service port; Mage probes its metrics port', () => {
    const httpApps: Array<[string, number]> = [
      ['moe-trainer', 8080],
      ['moe-inference', 8000],
      ['dashboard', 8080],
    ];
    for (const [app, port] of httpApps) {
      const container = podOf(objects, app).containers[0];
      for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
        expect([app, probe.httpGet]).toEqual([app, expect.objectContaining({ path: '/health', port })]);
      }
    }
    for (const app of ['mage-worker', 'mage-learner']) {
      expect([app, podOf(objects, app).containers[0].readinessProbe.tcpSocket]).toEqual([app, { port: 9090 }]);
    }
  });

  it('GIVEN the metric-serving pods THEN they carry the Prometheus scrape annotations for /metrics on their port', () => {
    const scraped: Array<[string, number]> = [
      ['moe-trainer', 8080],
      ['moe-inference', 8000],
      ['mage-worker', 9090],
      ['mage-learner', 9090],
    ];
    for (const [app, port] of scraped) {
      const annotations = find(objects, 'Deployment', app).spec!.template!.metadata!.annotations;
      expect([app, annotations]).toEqual([
        app,
        expect.objectContaining({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' }),
      ]);
    }
  });

  it('GIVEN every pod THEN it runs restricted with RuntimeDefault seccomp, explicit resources and /tmp on an emptyDir', () => {
    for (const app of [...GPU_APPS, ...CPU_APPS]) {
      const pod = podOf(objects, app);
      const container = pod.containers[0];
      expect([app, pod.securityContext.seccompProfile]).toEqual([app, { type: 'RuntimeDefault' }]);
      expect([app, Object.keys(container.resources.requests)]).toEqual([app, expect.arrayContaining(['cpu', 'memory'])]);
      expect([app, (container as unknown as { securityContext: unknown }).securityContext]).toEqual([
        app,
        expect.objectContaining({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false }),
      ]);
      const tmp = container.volumeMounts.find((m) => m.mountPath === '/tmp');
      expect([app, pod.volumes.find((v) => v.name === tmp?.name)?.emptyDir]).toEqual([app, expect.anything()]);
    }
  });

  it('GIVEN every Deployment THEN a PodDisruptionBudget of the same name selects its pods', () => {
    for (const app of [...GPU_APPS, ...CPU_APPS]) {
      const podLabels = find(objects, 'Deployment', app).spec!.template!.metadata!.labels!;
      const budget = find(objects, 'PodDisruptionBudget', app);
      const selector = (budget.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
      expect([app, podLabels]).toEqual([app, expect.objectContaining(selector)]);
    }
  });

  it('GIVEN the trainer THEN it reads training-config, knows CHECKPOINT_PATH and mounts the three PVCs under /storage', () => {
    const pod = podOf(objects, 'moe-trainer');
    const container = pod.containers[0];
    expect(container.envFrom?.map((from) => from.configMapRef?.name)).toContain('training-config');
    expect(envOf(container).CHECKPOINT_PATH).toBe('/storage/checkpoints');
    const claimAt = (path: string) => {
      const mount = container.volumeMounts.find((m) => m.mountPath === path);
      return pod.volumes.find((v) => v.name === mount?.name)?.persistentVolumeClaim?.claimName;
    };
    expect([claimAt('/storage/models'), claimAt('/storage/checkpoints'), claimAt('/storage/data')]).toEqual([
      'moe-models',
      'moe-checkpoints',
      'moe-data',
    ]);
    expect(pod.priorityClassName).toBe('moe-training');
    const spec = find(objects, 'Deployment', 'moe-trainer').spec as { replicas: number; strategy: { type: string } };
    expect([spec.replicas, spec.strategy.type]).toEqual([1, 'Recreate']);
  });

  it('GIVEN inference THEN it mounts the models the trainer writes, read-only, where the trainer mounts them', () => {
    const mountOf = (app: string) => {
      const pod = podOf(objects, app);
      const mount = pod.containers[0].volumeMounts.find((m) => m.mountPath === '/storage/models');
      const claim = pod.volumes.find((v) => v.name === mount?.name)?.persistentVolumeClaim;
      return { claim: claim?.claimName, readOnly: [mount?.readOnly ?? false, claim?.readOnly ?? false] };
    };
    expect(mountOf('moe-inference')).toEqual({ claim: 'moe-models', readOnly: [true, true] });
    expect(mountOf('moe-trainer')).toEqual({ claim: 'moe-models', readOnly: [false, false] });
  });

  it('GIVEN inference THEN the autoscaler owns the replica count within the configured bounds and pods spread over nodes and zones', () => {
    const deployment = find(objects, 'Deployment', 'moe-inference');
    expect(deployment.spec!.replicas).toBeUndefined();
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'moe-inference').spec as {
      minReplicas: number;
      maxReplicas: number;
      scaleTargetRef: { kind: string; name: string };
    };
    expect([hpa.scaleTargetRef, hpa.minReplicas, hpa.maxReplicas]).toEqual([
      expect.objectContaining({ kind: 'Deployment', name: 'moe-inference' }),
      settings.moeInference.replicas.min,
      settings.moeInference.replicas.max,
    ]);
    const pod = podOf(objects, 'moe-inference');
    // Hard one-per-node spread, soft zone spread; tainted nodes the pods cannot use are not counted as empty.
    expect(
      (pod.topologySpreadConstraints ?? [])
        .map((c) => [
          c.topologyKey,
          (c as { whenUnsatisfiable?: string }).whenUnsatisfiable,
          (c as { nodeTaintsPolicy?: string }).nodeTaintsPolicy,
        ])
        .sort(),
    ).toEqual([
      ['kubernetes.io/hostname', 'DoNotSchedule', 'Honor'],
      ['topology.kubernetes.io/zone', 'ScheduleAnyway', 'Honor'],
    ]);
    const podLabels = deployment.spec!.template!.metadata!.labels!;
    for (const constraint of pod.topologySpreadConstraints ?? [])
      expect(podLabels).toEqual(expect.objectContaining(constraint.labelSelector.matchLabels));
    // inference-config's dotted keys are no environment variable names: it arrives as files only.
    expect(pod.containers[0].envFrom?.map((from) => from.configMapRef?.name)).toEqual(['router-config']);
    const configMount = pod.containers[0].volumeMounts.find((m) => m.mountPath === '/etc/moe-lab/inference-config');
    expect(pod.volumes.find((v) => v.name === configMount?.name)?.configMap?.name).toBe('inference-config');
    expect(pod.priorityClassName).toBe('moe-inference');
  });

  it('GIVEN the Mage workloads THEN they get NUM_GAME_RUNNERS and MAX_SAMPLES_PER_BATCH from the settings', () => {
    expect(envOf(podOf(objects, 'mage-worker').containers[0]).NUM_GAME_RUNNERS).toBe(String(settings.mageWorker.numGameRunners));
    expect(envOf(podOf(objects, 'mage-learner').containers[0]).MAX_SAMPLES_PER_BATCH).toBe(String(settings.mageLearner.maxSamplesPerBatch));
  });

  it('GIVEN trainer and inference THEN their OpenTelemetry SDK sends spans over gRPC to the Jaeger collector under their app name', () => {
    const collector = 'http://jaeger-collector.monitoring.svc';
    for (const [app, initialRate] of [
      [APPS.moeTrainer, SAMPLING.defaultProbability],
      [APPS.moeInference, SAMPLING.perService['moe-inference']],
    ] as const) {
      const env = envOf(podOf(objects, app).containers[0]);
      expect([env.OTEL_SERVICE_NAME, env.OTEL_EXPORTER_OTLP_ENDPOINT, env.OTEL_EXPORTER_OTLP_PROTOCOL]).toEqual([
        app,
        `${collector}:4317`,
        'grpc',
      ]);
      // Every SDK, Python's included, implements the trace-id ratio sampler.
      expect([app, env.OTEL_TRACES_SAMPLER, env.OTEL_TRACES_SAMPLER_ARG]).toEqual([app, 'parentbased_traceidratio', `${initialRate}`]);
      // Jaeger takes only traces; metrics are scraped and logs shipped from stdout.
      expect([app, env.OTEL_METRICS_EXPORTER, env.OTEL_LOGS_EXPORTER]).toEqual([app, 'none', 'none']);
    }
    for (const app of [...CPU_APPS, 'mage-learner']) expect([app, otelNames(podOf(objects, app).containers[0])]).toEqual([app, []]);
  });

  it('GIVEN traced pods THEN their resource attributes are the keys Grafana maps to Loki labels, filled in by the downward API', () => {
    const backend = { name: 'backend', port: 9090 };
    const rendered = parse(
      renderDatasources({ namespace: 'monitoring', prometheus: backend, alertmanager: backend, scrapeInterval: '30s' }),
    );
    const jaegerDatasource = (rendered.datasources as Array<{ type: string; jsonData: Record<string, unknown> }>).find(
      (d) => d.type === 'jaeger',
    )!;
    const linkedKeys = (jaegerDatasource.jsonData.tracesToLogsV2 as { tags: Array<{ key: string }> }).tags.map((tag) => tag.key).sort();
    const fieldPaths: Record<string, string> = { 'k8s.namespace.name': 'metadata.namespace', 'k8s.pod.name': 'metadata.name' };
    for (const app of [APPS.moeTrainer, APPS.moeInference]) {
      const env = podOf(objects, app).containers[0].env ?? [];
      const position = (name: string) => env.findIndex((e) => e.name === name);
      const attributes = envOf(podOf(objects, app).containers[0])
        .OTEL_RESOURCE_ATTRIBUTES!.split(',')
        .map((pair) => pair.split('='));
      expect([app, attributes.map(([key]) => key).sort()]).toEqual([app, linkedKeys]);
      for (const [key, value] of attributes) {
        // Kubernetes expands $(VAR) only from variables listed before it.
        const variable = /^\$\((\w+)\)$/.exec(value)?.[1] ?? '';
        const source = env.find((e) => e.name === variable)?.valueFrom?.fieldRef?.fieldPath;
        expect([app, key, source, position(variable) < position('OTEL_RESOURCE_ATTRIBUTES')]).toEqual([app, key, fieldPaths[key], true]);
      }
    }
  });

  it('GIVEN the priority classes THEN training sits below inference and both far below system-cluster-critical', () => {
    const value = (name: string) => (find(objects, 'PriorityClass', name) as unknown as { value: number }).value;
    expect(value('moe-training')).toBeLessThan(value('moe-inference'));
    expect(value('moe-inference')).toBeLessThan(2_000_000_000);
  });
});

describe('ML workload construct checks', () => {
  const prod = settingsOf('prod');
  const checksum = (objects: KubeObject[], app: string) =>
    find(objects, 'Deployment', app).spec!.template!.metadata!.annotations!['checksum/config'];

  it('GIVEN a changed training config WHEN synthesized THEN the trainer and inference checksums change, so the pods roll', () => {
    const before = synthWorkloads(prod, 'batch_size: 32');
    const same = synthWorkloads(prod, 'batch_size: 32');
    const after = synthWorkloads(prod, 'batch_size: 16');
    for (const app of ['moe-trainer', 'moe-inference']) {
      expect(checksum(same, app)).toBe(checksum(before, app));
      expect(checksum(after, app)).not.toBe(checksum(before, app));
    }
  });

  it('GIVEN each environment’s platform THEN trainer and inference send spans to the Jaeger of its monitoring namespace', () => {
    for (const env of loadEnvironments()) {
      const app = Testing.app();
      const charts = buildMlPlatform((component) => new ComponentChart(app, component, { component }), env);
      const objects = charts.flatMap((chart) => Testing.synth(chart) as KubeObject[]);
      const inference = envOf(podOf(objects, APPS.moeInference).containers[0]);
      const rate = env.logging.jaeger.sampling.perService[APPS.moeInference] ?? env.logging.jaeger.sampling.defaultProbability;
      expect([env.name, envOf(podOf(objects, APPS.moeTrainer).containers[0]).OTEL_EXPORTER_OTLP_ENDPOINT]).toEqual([
        env.name,
        `http://jaeger-collector.${env.namespaces.monitoring}.svc:4317`,
      ]);
      expect([env.name, inference.OTEL_TRACES_SAMPLER_ARG]).toEqual([env.name, `${rate}`]);
    }
  });

  it('GIVEN a tracing endpoint without scheme or port WHEN built THEN it throws naming the prop and the form allowed', () => {
    const props = { namespace: 'moe-lab', instance: 'x', gpuNodes: GPU_NODES, configChecksumOf: '', priorityClassName: 'p' };
    const tracing = { ...TRACING, otlpEndpoint: 'jaeger-collector:4317' };
    expect(() => new MoeTrainer(Testing.chart(), 'T', { ...props, settings: prod.moeTrainer, tracing })).toThrow(
      /moe-trainer tracing.otlpEndpoint: got "jaeger-collector:4317"; must be http\(s\):\/\/<host>:<port>/,
    );
  });

  it('GIVEN a trainer with 0 GPUs WHEN built THEN it throws naming the GPU count and what is allowed', () => {
    const settings = { ...prod, moeTrainer: { ...prod.moeTrainer, gpus: 0 } };
    expect(() => synthWorkloads(settings)).toThrow(/GPU count: got 0; must be a whole number of at least 1/);
  });

  it('GIVEN inference autoscaling with min above max WHEN built THEN it throws naming both bounds', () => {
    const settings = { ...prod, moeInference: { ...prod.moeInference, replicas: { min: 5, max: 2 } } };
    expect(() => synthWorkloads(settings)).toThrow(/MoeInference settings.replicas: got min 5, max 2; .*min <= max/);
  });

  it('GIVEN inference priority not above training WHEN built THEN it throws naming the prop', () => {
    expect(() => new PriorityClasses(Testing.chart(), 'P', { instance: 'x', trainingValue: 500, inferenceValue: 500 })).toThrow(
      /PriorityClasses inferenceValue: got 500; must be above trainingValue 500/,
    );
  });

  it('GIVEN a Mage worker with 0 replicas or a privileged port WHEN built THEN it throws naming the prop', () => {
    const chart = Testing.chart();
    const base = { namespace: 'mage', instance: 'x', gpuNodes: GPU_NODES };
    expect(() => new MageWorker(chart, 'A', { ...base, settings: { ...prod.mageWorker, replicas: 0 } })).toThrow(
      /mage-worker replicas: got 0/,
    );
    expect(() => new MageWorker(chart, 'B', { ...base, settings: prod.mageWorker, metricsPort: 80 })).toThrow(
      /mage-worker port: got 80; .*1024 to 65535/,
    );
  });
});
