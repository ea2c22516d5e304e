import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { ENVIRONMENT_NAMES, loadEnvironments } from '../../config';
import { agentsSchema, type AgentsSettings } from '../../config/schema/agents';
import { DcgmExporter } from '../../constructs/components/dcgm-exporter';
import { catalogByName, METRIC_CATALOG } from '../../rules/catalog';
import { DCGM_COUNTERS, catalogEntriesFedBy, renderDcgmCounters } from '../../constructs/config-files/dcgm-counters';
import { KubeStateMetrics, KUBE_STATE_RESOURCES } from '../../constructs/components/kube-state-metrics';
import { NodeExporter } from '../../constructs/components/node-exporter';
import { NvidiaDevicePlugin } from '../../constructs/components/nvidia-device-plugin';
import { podSpecOf, schemaFailures, type KubeObject } from '../helpers/manifests';

type Mount = { name: string; mountPath: string; readOnly?: boolean };
type Env = { name: string; value?: string };
type FullContainer = { name: string; args?: string[]; env?: Env[]; volumeMounts?: Mount[]; resources: unknown; image: string };
type FullPodSpec = {
  containers: FullContainer[];
  volumes?: Array<{ name: string; hostPath?: { path: string }; configMap?: { name: string } }>;
  hostPID?: boolean;
  hostNetwork?: boolean;
  priorityClassName?: string;
  tolerations?: Array<{ key: string; operator: string; effect?: string }>;
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: unknown[] } } };
};

/** Each environment's validated settings, by name. */
const ENVIRONMENTS = Object.fromEntries(loadEnvironments().map((env) => [env.name, env]));
const GPU_NODES = ENVIRONMENTS.prod.gpuNodes;

/** Synthesizes the four agents of one environment's settings into plain manifest objects. */
export function agentObjects(settings: AgentsSettings, namespace = 'monitoring'): KubeObject[] {
  const chart = Testing.chart();
  const common = { namespace, instance: 'test-cluster', gpu: GPU_NODES };
  new NvidiaDevicePlugin(chart, 'DevicePlugin', { ...common, ...settings.devicePlugin });
  new DcgmExporter(chart, 'DcgmExporter', { ...common, ...settings.dcgmExporter });
  new NodeExporter(chart, 'NodeExporter', { ...common, ...settings.nodeExporter });
  new KubeStateMetrics(chart, 'KubeStateMetrics', { ...common, ...settings.kubeStateMetrics });
  return Testing.synth(chart) as KubeObject[];
}

const find = (objects: KubeObject[], kind: string, name: string): KubeObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const podOf = (objects: KubeObject[], kind: string, name: string) => podSpecOf(find(objects, kind, name)) as unknown as FullPodSpec;
const envValue = (container: FullContainer, name: string) => container.env?.find((e) => e.name === name)?.value;

describe.each(ENVIRONMENT_NAMES)('cluster agents of %s', (env) => {
  const settings = ENVIRONMENTS[env].agents;
  const objects = agentObjects(settings);

  it('GIVEN the default settings WHEN parsed by the agents schema THEN they pass unchanged', () => {
    expect(agentsSchema.parse(settings)).toEqual(settings);
  });

  it('GIVEN every object WHEN validated against its Kubernetes schema THEN none is invalid', () => {
    expect(objects.length).toBeGreaterThanOrEqual(14);
    expect(schemaFailures(objects)).toEqual([]);
  });

  it('GIVEN every object THEN it has the standard labels, and every pod template the stable selector labels', () => {
    for (const object of objects) {
      expect([object.kind, object.metadata.labels?.['app.kubernetes.io/part-of']]).toEqual([object.kind, 'gpu-observability']);
      const template = object.spec?.template?.metadata?.labels;
      if (template) expect(template['app.kubernetes.io/instance']).toBe('test-cluster');
    }
  });

  it('GIVEN each agent THEN its image is the pinned one of the config and its resources are set', () => {
    const images = [
      ['DaemonSet', 'nvidia-device-plugin', settings.devicePlugin.image],
      ['DaemonSet', 'dcgm-exporter', settings.dcgmExporter.image],
      ['DaemonSet', 'node-exporter', settings.nodeExporter.image],
      ['Deployment', 'kube-state-metrics', settings.kubeStateMetrics.image],
    ] as const;
    for (const [kind, name, image] of images) {
      const container = podOf(objects, kind, name).containers[0];
      expect(container.image).toBe(`${image.repository}:${image.tag}`);
      expect(container.resources).toEqual({
        requests: { cpu: expect.any(String), memory: expect.any(String) },
        limits: { cpu: expect.any(String), memory: expect.any(String) },
      });
    }
  });

  it('GIVEN the device plugin THEN it runs only on GPU nodes, tolerates their taint, is node-critical and mounts the kubelet plugin directory', () => {
    const pod = podOf(objects, 'DaemonSet', 'nvidia-device-plugin');
    expect(JSON.stringify(pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution)).toContain(GPU_NODES.label.key);
    expect(pod.tolerations).toContainEqual(expect.objectContaining({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }));
    expect(pod.priorityClassName).toBe('system-node-critical');
    expect(pod.volumes).toContainEqual(
      expect.objectContaining({ hostPath: expect.objectContaining({ path: '/var/lib/kubelet/device-plugins' }) }),
    );
  });

  it('GIVEN the time-slicing setting THEN the plugin config shares each GPU that many ways, or not at all', () => {
    const config = parse(find(objects, 'ConfigMap', 'nvidia-device-plugin-config').data!['config.yaml' as never] as string);
    const slices = config.sharing?.timeSlicing?.resources;
    if (settings.devicePlugin.timeSlicing.enabled)
      expect(slices).toEqual([{ name: 'nvidia.com/gpu', replicas: settings.devicePlugin.timeSlicing.replicas }]);
    else expect(slices).toBeUndefined();
  });

  it('GIVEN the DCGM exporter THEN it runs on GPU nodes, maps GPUs to pods read-only and is reachable as dcgm-exporter:metrics on 9400', () => {
    const pod = podOf(objects, 'DaemonSet', 'dcgm-exporter');
    expect(pod.tolerations).toContainEqual(expect.objectContaining({ key: 'nvidia.com/gpu' }));
    const volume = pod.volumes?.find((v) => v.hostPath?.path === '/var/lib/kubelet/pod-resources');
    expect(pod.containers[0].volumeMounts).toContainEqual(expect.objectContaining({ name: volume?.name, readOnly: true }));
    expect(envValue(pod.containers[0], 'DCGM_EXPORTER_KUBERNETES')).toBe('true');
    const service = find(objects, 'Service', 'dcgm-exporter');
    expect((service.spec as { ports: unknown[] }).ports).toEqual([expect.objectContaining({ name: 'metrics', port: 9400 })]);
  });

  it('GIVEN node-exporter THEN it shares the node PID and network namespaces and sees /proc, /sys and / read-only where its flags point', () => {
    const pod = podOf(objects, 'DaemonSet', 'node-exporter');
    expect([pod.hostPID, pod.hostNetwork]).toEqual([true, true]);
    const container = pod.containers[0];
    for (const [hostPath, flag] of [
      ['/proc', '--path.procfs'],
      ['/sys', '--path.sysfs'],
      ['/', '--path.rootfs'],
    ]) {
      const volume = pod.volumes?.find((v) => v.hostPath?.path === hostPath);
      const mount = container.volumeMounts?.find((m) => m.name === volume?.name);
      expect([hostPath, mount?.readOnly]).toEqual([hostPath, true]);
      expect(container.args).toContain(`${flag}=${mount?.mountPath}`);
    }
    expect((find(objects, 'Service', 'node-exporter').spec as { ports: Array<{ name: string }> }).ports[0].name).toBe('metrics');
  });

  it('GIVEN kube-state-metrics THEN its ClusterRole may only list and watch exactly the resources it exports', () => {
    const rules = find(objects, 'ClusterRole', 'kube-state-metrics').rules as Array<{
      apiGroups: string[];
      resources: string[];
      verbs: string[];
    }>;
    expect(new Set(rules.flatMap((r) => r.verbs))).toEqual(new Set(['list', 'watch']));
    const args = podOf(objects, 'Deployment', 'kube-state-metrics').containers[0].args ?? [];
    const exported = args
      .find((a) => a.startsWith('--resources='))!
      .slice('--resources='.length)
      .split(',');
    expect(rules.flatMap((r) => r.resources).sort()).toEqual(
      exported.map((name) => KUBE_STATE_RESOURCES[name as keyof typeof KUBE_STATE_RESOURCES].resource).sort(),
    );
    expect(rules.flatMap((r) => r.resources)).not.toContain('secrets');
    const service = find(objects, 'Service', 'kube-state-metrics');
    expect((service.spec as { ports: Array<{ name: string }> }).ports.map((p) => p.name)).toContain('http-metrics');
  });
});

describe('what the agents expose is in the catalog', () => {
  const catalog = catalogByName();

  it('GIVEN the issue list of GPU signals THEN each is collected', () => {
    const collected = DCGM_COUNTERS.map((c) => c.field);
    const required = [
      'GPU_UTIL',
      'FB_USED',
      'FB_FREE',
      'GPU_TEMP',
      'POWER_USAGE',
      'SM_CLOCK',
      'XID_ERRORS',
      'PCIE_TX',
      'PCIE_RX',
      'NVLINK_TX',
      'NVLINK_RX',
    ];
    for (const signal of required) expect([signal, collected.some((field) => field.includes(signal))]).toEqual([signal, true]);
  });

  it('GIVEN every collected DCGM field THEN the catalog lists it with source dcgm-exporter, and the CSV carries its catalog type', () => {
    const csv = renderDcgmCounters();
    for (const { field } of DCGM_COUNTERS) {
      expect([field, catalog.get(field)?.source]).toEqual([field, 'dcgm-exporter']);
      expect(csv).toContain(`${field}, ${catalog.get(field)!.type},`);
    }
  });

  it('GIVEN every DCGM metric a recording rule reads THEN the exporter collects it, so no rule records from nothing', () => {
    const read = new Set(METRIC_CATALOG.flatMap((m) => m.recordedFrom ?? []).filter((name) => name.startsWith('DCGM_FI_')));
    expect(read.size).toBeGreaterThan(0);
    const collected = new Set(DCGM_COUNTERS.map((c) => c.field));
    expect([...read].filter((name) => !collected.has(name))).toEqual([]);
  });

  it('GIVEN the seed GPU metrics THEN the counters CSV records which fields feed them', () => {
    expect(catalogEntriesFedBy('DCGM_FI_DEV_GPU_TEMP')).toContain('nvidia_gpu_temperature');
    for (const field of ['DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_FB_FREE', 'DCGM_FI_DEV_FB_RESERVED']) {
      expect(catalogEntriesFedBy(field)).toContain('nvidia_gpu_memory_total_bytes');
    }
    expect(renderDcgmCounters()).toMatch(/^# .*feeds .*nvidia_gpu_temperature.*\nDCGM_FI_DEV_GPU_TEMP,/m);
  });

  it('GIVEN every kube-state-metrics metric in the catalog THEN its resource is exported by default', () => {
    const objects = agentObjects(ENVIRONMENTS.prod.agents);
    const args = (podSpecOf(find(objects, 'Deployment', 'kube-state-metrics')) as unknown as FullPodSpec).containers[0].args ?? [];
    const exported = args
      .find((a) => a.startsWith('--resources='))!
      .split('=')[1]
      .split(',');
    const ksm = METRIC_CATALOG.filter((m) => m.source === 'kube-state-metrics');
    expect(ksm.length).toBeGreaterThan(0);
    for (const metric of ksm) {
      const resource = `${/^kube_([a-z]+?)_/.exec(metric.name)![1]}s`;
      expect([metric.name, exported.includes(resource)]).toEqual([metric.name, true]);
    }
  });
});

describe('agent settings are checked', () => {
  const prod = ENVIRONMENTS.prod.agents;
  const withSlicing = (timeSlicing: unknown) => ({ ...prod, devicePlugin: { ...prod.devicePlugin, timeSlicing } });

  it('GIVEN time-slicing enabled with 1 slice WHEN parsed THEN the error names the allowed range', () => {
    const result = agentsSchema.safeParse(withSlicing({ enabled: true, replicas: 1 }));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toMatch(/2-16/);
  });

  it('GIVEN 17 slices or the latest tag WHEN parsed THEN each is refused with what is allowed', () => {
    expect(agentsSchema.safeParse(withSlicing({ enabled: true, replicas: 17 })).error?.issues[0].message).toMatch(/at most 16/);
    const latest = {
      ...prod,
      nodeExporter: { ...prod.nodeExporter, image: { repository: 'quay.io/prometheus/node-exporter', tag: 'latest' } },
    };
    expect(agentsSchema.safeParse(latest).error?.issues[0].message).toMatch(/pinned tag/);
  });

  it('GIVEN a counter that is not in the catalog, or one listed twice THEN rendering the CSV throws naming it', () => {
    expect(() => renderDcgmCounters([{ field: 'DCGM_FI_DEV_NOT_A_FIELD', purpose: 'x' }])).toThrow(
      /DCGM_FI_DEV_NOT_A_FIELD.*metric catalog/,
    );
    const twice = [DCGM_COUNTERS[0], DCGM_COUNTERS[0]];
    expect(() => renderDcgmCounters(twice)).toThrow(/twice/);
  });

  it('GIVEN an unknown kube-state-metrics resource THEN the construct throws listing the allowed ones', () => {
    const chart = Testing.chart();
    const props = { namespace: 'monitoring', instance: 'x', gpu: GPU_NODES, ...prod.kubeStateMetrics };
    expect(() => new KubeStateMetrics(chart, 'K', { ...props, exportedResources: ['secrets' as never] })).toThrow(
      /exportedResources.*secrets.*pods/,
    );
  });

  it('GIVEN a privileged port for node-exporter THEN the construct throws naming the allowed range', () => {
    const props = { namespace: 'monitoring', instance: 'x', gpu: GPU_NODES, ...prod.nodeExporter };
    expect(() => new NodeExporter(Testing.chart(), 'N', { ...props, port: 80 })).toThrow(/port: got 80.*1024 to 65535/);
  });
});
