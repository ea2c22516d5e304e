import { Testing } from 'cdk8s';
import { loadEnvironments } from '../../config';
import { DcgmExporter } from '../../constructs/components/dcgm-exporter';
import { FluentBit } from '../../constructs/components/fluent-bit';
import { HOST_ACCESS, hostAccessViolations, type ManifestObject } from '../../constructs/k8s/host-access';
import { KubeStateMetrics } from '../../constructs/components/kube-state-metrics';
import { NodeExporter } from '../../constructs/components/node-exporter';
import { NvidiaDevicePlugin } from '../../constructs/components/nvidia-device-plugin';
import { podSpecOf, type KubeObject } from '../helpers/manifests';

// A loose view of a pod spec, so the negative cases can break any field.
type AnyPod = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function agentManifests(): KubeObject[] {
  const [prod] = loadEnvironments(['prod']);
  const settings = prod.agents;
  const chart = Testing.chart();
  const common = { namespace: 'monitoring', instance: 'test-cluster', gpu: prod.gpuNodes };
  new NvidiaDevicePlugin(chart, 'DevicePlugin', { ...common, ...settings.devicePlugin });
  new DcgmExporter(chart, 'DcgmExporter', { ...common, ...settings.dcgmExporter });
  new NodeExporter(chart, 'NodeExporter', { ...common, ...settings.nodeExporter });
  new KubeStateMetrics(chart, 'KubeStateMetrics', { ...common, ...settings.kubeStateMetrics });
  new FluentBit(chart, 'FluentBit', {
    namespace: common.namespace,
    instance: common.instance,
    settings: prod.logging.fluentBit,
    logNamespaces: { moeLab: 'moe-lab', mage: 'mage' },
    loki: { host: 'loki.monitoring.svc', port: 3100 },
  });
  return Testing.synth(chart) as KubeObject[];
}

/** A deep copy of the workload `name`, its pod spec changed by `change`. */
function changed(name: string, change: (pod: AnyPod) => void, relabel?: string): ManifestObject[] {
  const workload = structuredClone(agentManifests().find((o) => podSpecOf(o) && o.metadata.name === name)!);
  change(podSpecOf(workload) as unknown as AnyPod);
  if (relabel) workload.spec!.template!.metadata!.labels!['app.kubernetes.io/name'] = relabel;
  return [workload];
}

describe('host access: only the listed host agents have host access or run as root', () => {
  it('GIVEN the agents as built THEN none exceeds its registry entry and kube-state-metrics is fully restricted', () => {
    const objects = agentManifests();
    expect(objects.filter((o) => podSpecOf(o)).length).toBe(5);
    expect(hostAccessViolations(objects)).toEqual([]);
  });

  it('GIVEN each registry entry THEN it has a reason and no entry grants a capability beyond SYS_ADMIN', () => {
    for (const [name, access] of Object.entries(HOST_ACCESS)) {
      expect([name, access.reason.length > 40]).toEqual([name, true]);
      for (const hostPath of access.hostPaths) expect([name, hostPath.reason.length > 10]).toEqual([name, true]);
      expect(access.addCapabilities.filter((c: string) => c !== 'SYS_ADMIN')).toEqual([]);
    }
  });

  it('GIVEN each host agent as built THEN it uses every host path its entry lists, so the registry lists nothing stale', () => {
    const objects = agentManifests();
    for (const [name, access] of Object.entries(HOST_ACCESS)) {
      const pod = podSpecOf(
        objects.find((o) => o.spec?.template?.metadata?.labels?.['app.kubernetes.io/name'] === name)!,
      ) as unknown as AnyPod;
      const used = (pod.volumes as AnyPod[])
        .filter((v) => v.hostPath)
        .map((v) => v.hostPath.path)
        .sort();
      expect([name, used]).toEqual([name, access.hostPaths.map((h) => h.path).sort()]);
      expect([name, pod.hostPID === true, pod.hostNetwork === true]).toEqual([name, access.hostPID, access.hostNetwork]);
    }
  });

  const cases: Array<[string, ManifestObject[], RegExp]> = [
    ['an unlisted pod on the host network', changed('kube-state-metrics', (pod) => (pod.hostNetwork = true)), /hostNetwork is not allowed/],
    ['an unlisted pod in the host PID namespace', changed('kube-state-metrics', (pod) => (pod.hostPID = true)), /hostPID is not allowed/],
    [
      'an unlisted pod running as root',
      changed('kube-state-metrics', (pod) => (pod.containers[0].securityContext.runAsUser = 0)),
      /non-root/,
    ],
    [
      'an unlisted pod without runAsNonRoot',
      changed('kube-state-metrics', (pod) => {
        delete pod.containers[0].securityContext.runAsNonRoot;
        delete pod.securityContext.runAsNonRoot;
      }),
      /non-root/,
    ],
    [
      'the device plugin made privileged',
      changed('nvidia-device-plugin', (pod) => (pod.containers[0].securityContext.privileged = true)),
      /privileged/,
    ],
    [
      'DCGM adding NET_ADMIN',
      changed('dcgm-exporter', (pod) => pod.containers[0].securityContext.capabilities.add.push('NET_ADMIN')),
      /capability NET_ADMIN/,
    ],
    [
      'node-exporter mounting /etc',
      changed('node-exporter', (pod) => pod.volumes.push({ name: 'etc', hostPath: { path: '/etc' } })),
      /hostPath \/etc is not allowed/,
    ],
    [
      'node-exporter mounting / writable',
      changed('node-exporter', (pod) =>
        pod.containers[0].volumeMounts.filter((m: AnyPod) => m.name === 'root').forEach((m: AnyPod) => (m.readOnly = false)),
      ),
      /\/ must be mounted read-only/,
    ],
    [
      'a DCGM copy under another name',
      changed('dcgm-exporter', () => undefined, 'gpu-sidecar'),
      /hostPath \/var\/lib\/kubelet\/pod-resources is not allowed/,
    ],
    [
      'a writable root filesystem',
      changed('kube-state-metrics', (pod) => (pod.containers[0].securityContext.readOnlyRootFilesystem = false)),
      /readOnlyRootFilesystem/,
    ],
    [
      'privilege escalation',
      changed('node-exporter', (pod) => delete pod.containers[0].securityContext.allowPrivilegeEscalation),
      /allowPrivilegeEscalation/,
    ],
    [
      'capabilities not dropped',
      changed('kube-state-metrics', (pod) => (pod.containers[0].securityContext.capabilities.drop = [])),
      /drop ALL/,
    ],
    ['no seccomp profile', changed('kube-state-metrics', (pod) => delete pod.securityContext.seccompProfile), /seccompProfile/],
    ['host IPC', changed('node-exporter', (pod) => (pod.hostIPC = true)), /hostIPC/],
    [
      'fluent-bit mounting the pod logs writable',
      changed('fluent-bit', (pod) =>
        pod.containers[0].volumeMounts.filter((m: AnyPod) => m.name === 'pod-logs').forEach((m: AnyPod) => (m.readOnly = false)),
      ),
      /hostPath \/var\/log\/pods must be mounted read-only/,
    ],
    [
      'fluent-bit mounting all of /var/log',
      changed('fluent-bit', (pod) => pod.volumes.push({ name: 'var-log', hostPath: { path: '/var/log' } })),
      /hostPath \/var\/log is not allowed/,
    ],
    [
      'a root init container in an unlisted pod',
      changed(
        'kube-state-metrics',
        (pod) => (pod.initContainers = [{ name: 'init', securityContext: { ...pod.containers[0].securityContext, runAsUser: 0 } }]),
      ),
      /container init: must run as non-root/,
    ],
  ];

  it.each(cases)('GIVEN %s THEN the check reports it', (_, objects, expected) => {
    const violations = hostAccessViolations(objects);
    expect(violations.some((v) => expected.test(v))).toBe(true);
  });

  it('GIVEN a CronJob and a bare Pod THEN their pod specs are checked too', () => {
    const pod = {
      name: 'c',
      securityContext: {
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      },
    };
    const cronJob = {
      kind: 'CronJob',
      metadata: { name: 'backup' },
      spec: { jobTemplate: { spec: { template: { spec: { hostNetwork: true, containers: [pod] } } } } },
    };
    const bare = { kind: 'Pod', metadata: { name: 'debug' }, spec: { containers: [pod] } };
    expect(hostAccessViolations([cronJob, bare])).toEqual([
      'CronJob/backup (no name): hostNetwork is not allowed',
      'CronJob/backup (no name): container c: seccompProfile must be RuntimeDefault',
      'Pod/debug (no name): container c: seccompProfile must be RuntimeDefault',
    ]);
  });
});
