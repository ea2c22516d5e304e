// Fluent Bit for each environment: what its rendered fluent-bit.yaml routes, counts and ships, and
// the DaemonSet, RBAC and network policy around it.
import { Testing } from 'cdk8s';
import { readFileSync } from 'node:fs';
import { createOnigScanner, createOnigString, loadWASM } from 'vscode-oniguruma';
import { parse } from 'yaml';
import { ENVIRONMENT_NAMES, loadEnvironments, type EnvironmentConfig } from '../../config';
import { memoryBytes } from '../../config/quantities';
import { ComponentChart } from '../../constructs/assembly/component-chart';
import { FluentBit, type FluentBitProps } from '../../constructs/components/fluent-bit';
import { HOST_ACCESS, hostAccessViolations } from '../../constructs/k8s/host-access';
import { LOG_JOBS, LOG_METRIC_LABELS, LOG_PATTERNS, LOKI_STREAM_LABELS } from '../../rules/log-patterns';
import { podSpecOf, validateAgainstSchema, type KubeObject } from '../helpers/manifests';
import { FLUENT_BIT_SCRAPE, LOKI_SERVICE } from '../../contracts/services';
import { GENERATED_HEADER } from '../../contracts/generated-header';

type Section = Record<string, unknown> & { name: string };
interface Config {
  service: Record<string, unknown>;
  pipeline: { inputs: Section[]; filters: Section[]; outputs: Section[] };
}
type AnyObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const OTHER_JOB = 'platform';
const STATE = HOST_ACCESS['fluent-bit'].hostPaths.find((h) => h.writable)!;

function propsFor(env: EnvironmentConfig): FluentBitProps {
  const monitoring = env.namespaces.monitoring;
  return {
    namespace: monitoring,
    instance: env.cluster.name,
    settings: env.logging.fluentBit,
    logNamespaces: { moeLab: env.namespaces.moeLab, mage: env.namespaces.mage },
    loki: { host: `${LOKI_SERVICE.name}.${monitoring}.svc`, port: LOKI_SERVICE.port },
  };
}

function build(props: FluentBitProps) {
  const chart = Testing.chart();
  const fluentBit = new FluentBit(chart, 'FluentBit', props);
  const objects = Testing.synth(chart) as KubeObject[];
  return { fluentBit, objects, config: parse(fluentBit.configText) as Config };
}

const only = (sections: Section[], name: string) => {
  const found = sections.filter((s) => s.name === name);
  expect([name, found.length]).toEqual([name, 1]);
  return found[0];
};
const kind = (objects: KubeObject[], k: string) => objects.filter((o) => o.kind === k);
/** Fluent Bit's `match`: `*` stands for any run of characters. */
const tagMatches = (match: string, tag: string) => new RegExp(`^${match.split('*').map(escape).join('.*')}$`).test(tag);
/** A shell glob (`exclude_path`) against one path; `*` stays within a path segment. */
const globMatches = (glob: string, path: string) => new RegExp(`^${glob.split('*').map(escape).join('[^/]*')}$`).test(path);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `KEY REGEX` as log_to_metrics splits it: at the first space. */
const keyAndRegex = (rule: string) => [rule.slice(0, rule.indexOf(' ')), rule.slice(rule.indexOf(' ') + 1)];
const onigMatches = (regex: string, text: string) => createOnigScanner([regex]).findNextMatchSync(createOnigString(text), 0) !== null;
const ID = 'a'.repeat(64);

beforeAll(async () => {
  await loadWASM(readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')));
});

describe.each(ENVIRONMENT_NAMES)('fluent bit in %s', (name) => {
  const env = loadEnvironments([name])[0];
  const props = propsFor(env);
  const { fluentBit, objects, config } = build(props);
  const { inputs, filters, outputs } = config.pipeline;
  const settings = env.logging.fluentBit;

  it('GIVEN the rendered file THEN it carries the generated header and the service, inputs, filters and outputs', () => {
    expect(fluentBit.configText.startsWith(GENERATED_HEADER)).toBe(true);
    expect(Object.keys(config)).toEqual(['service', 'pipeline']);
    expect(inputs.map((i) => i.name).sort()).toEqual(['fluentbit_metrics', 'tail']);
    expect(outputs.map((o) => o.name).sort()).toEqual(['loki', 'prometheus_exporter']);
  });

  it('GIVEN the tail input THEN it reads the container logs with the CRI parser, keeps its position on the node and skips its own log', () => {
    const tail = only(inputs, 'tail');
    expect(tail).toMatchObject({
      path: '/var/log/containers/*.log',
      'multiline.parser': 'cri',
      'storage.type': 'filesystem',
      skip_long_lines: 'on',
    });
    expect(String(tail.db).startsWith(`${STATE.mountPath}/`)).toBe(true);
    expect(String(config.service['storage.path']).startsWith(`${STATE.mountPath}/`)).toBe(true);
    const logFile = (pod: string, namespace: string, container: string) => `/var/log/containers/${pod}_${namespace}_${container}-${ID}.log`;
    const own = logFile('fluent-bit-x7k2p', props.namespace, 'fluent-bit');
    const trainer = logFile('moe-trainer-0', props.logNamespaces.moeLab, 'trainer');
    expect([globMatches(String(tail.path), own), globMatches(String(tail.exclude_path), own)]).toEqual([true, true]);
    expect([globMatches(String(tail.path), trainer), globMatches(String(tail.exclude_path), trainer)]).toEqual([true, false]);
  });

  it('GIVEN a container log file THEN the kubernetes filter sees its tag and strips the prefix, keeping the raw line and the parsed JSON', () => {
    const tail = only(inputs, 'tail');
    const kubernetes = only(filters, 'kubernetes');
    // The tail input expands `*` in its tag to the file path, with `/` as `.`.
    const tag = String(tail.tag).replace('*', `var/log/containers/moe-trainer-0_moe-lab_trainer-${ID}.log`.replace(/\//g, '.'));
    expect(tagMatches(String(kubernetes.match), tag)).toBe(true);
    expect(tag.slice(String(kubernetes.kube_tag_prefix).length)).toBe(`moe-trainer-0_moe-lab_trainer-${ID}.log`);
    expect(kubernetes).toMatchObject({ merge_log: 'on', keep_log: 'on', labels: 'on', annotations: 'off' });
  });

  it('GIVEN the stream-label script THEN it maps the two workload namespaces to their jobs and sets every stream label', () => {
    const code = String(only(filters, 'lua').code);
    const jobs = Object.fromEntries([...code.matchAll(/\["([^"]+)"\] = "([^"]+)",/g)].map(([, namespace, job]) => [namespace, job]));
    expect(jobs).toEqual({ [props.logNamespaces.moeLab]: LOG_JOBS.moeLab, [props.logNamespaces.mage]: LOG_JOBS.mage });
    expect(code).toContain(`or "${OTHER_JOB}"`);
    const set = [...code.matchAll(/record\["(\w+)"\] = /g)].map(([, key]) => key);
    expect(set).toEqual([...LOKI_STREAM_LABELS]);
    // The kubernetes filter's own keys; `app` prefers the pod label `app` over app.kubernetes.io/name.
    const copied = Object.fromEntries([...code.matchAll(/record\["(\w+)"\] = k8s\["(\w+)"\]\n/g)].map(([, label, key]) => [label, key]));
    expect(copied).toEqual({ namespace: 'namespace_name', pod: 'pod_name', container: 'container_name' });
    expect(code).toContain('record["app"] = labels["app"] or labels["app.kubernetes.io/name"]\n');
  });

  it('GIVEN each pattern THEN exactly one counter filter counts its regex over the raw line, with the default metric naming', () => {
    const counters = filters.filter((f) => f.name === 'log_to_metrics');
    expect(counters.map((c) => c.metric_name).sort()).toEqual(
      Object.values(LOG_PATTERNS)
        .map((p) => p.metricName)
        .sort(),
    );
    for (const pattern of Object.values(LOG_PATTERNS)) {
      const counter = counters.find((c) => c.metric_name === pattern.metricName)!;
      expect(counter).toMatchObject({ metric_mode: 'counter', metric_description: pattern.help, regex: `log ${pattern.regex}` });
      // No namespace or subsystem: Prometheus then reads log_metric_counter_<metric_name>.
      expect([counter.metric_namespace, counter.metric_subsystem]).toEqual([undefined, undefined]);
      expect((counter.add_label as string[]).map((label) => label.split(' '))).toEqual(LOG_METRIC_LABELS.map((l) => [l, `$${l}`]));
      // The filter decides on the first rule that matches, so the job rule must come first.
      expect(Object.keys(counter).indexOf('exclude')).toBeLessThan(Object.keys(counter).indexOf('regex'));
    }
  });

  it("GIVEN each counter's job rule THEN Onigmo's sibling engine skips exactly the jobs outside the pattern's list", () => {
    for (const pattern of Object.values(LOG_PATTERNS)) {
      const counter = filters.find((f) => f.metric_name === pattern.metricName)!;
      const [key, regex] = keyAndRegex(String(counter.exclude));
      expect(key).toBe('job');
      const counted = [LOG_JOBS.moeLab, LOG_JOBS.mage, OTHER_JOB].filter((job) => !onigMatches(regex, job));
      expect([pattern.metricName, counted.sort()]).toEqual([pattern.metricName, [...pattern.jobs].sort()]);
    }
  });

  it('GIVEN the Loki output THEN it labels streams with exactly the contract labels and sends the raw line', () => {
    const loki = only(outputs, 'loki');
    const labels = String(loki.labels)
      .split(',')
      .map((pair) => pair.trim().split('='));
    expect(labels.map(([label]) => label)).toEqual([...LOKI_STREAM_LABELS]);
    for (const [label, value] of labels) expect(value).toBe(`$${label}`);
    expect(loki).toMatchObject({ host: props.loki.host, port: LOKI_SERVICE.port, line_format: 'json', drop_single_key: 'raw' });
    // Everything but `log` is removed, so drop_single_key leaves the line as the container wrote it.
    const removed = String(loki.remove_keys).split(', ');
    for (const key of [...LOKI_STREAM_LABELS, 'kubernetes', 'stream', 'time', '_p']) expect(removed).toContain(key);
    expect(removed).not.toContain('log');
    expect(loki.retry_limit).toBe('no_limits');
  });

  it('GIVEN the tags each input emits THEN lines reach Loki and only metrics reach the exporter on the metrics port', () => {
    const loki = only(outputs, 'loki');
    const exporter = only(outputs, 'prometheus_exporter');
    const containerTag = String(only(inputs, 'tail').tag).replace('*', 'var.log.containers.x.log');
    const metricTags = [only(inputs, 'fluentbit_metrics').tag, ...filters.filter((f) => f.name === 'log_to_metrics').map((f) => f.tag)];
    expect([tagMatches(String(loki.match), containerTag), tagMatches(String(exporter.match), containerTag)]).toEqual([true, false]);
    for (const tag of metricTags)
      expect([tagMatches(String(loki.match), String(tag)), tagMatches(String(exporter.match), String(tag))]).toEqual([false, true]);
    expect(exporter.port).toBe(fluentBit.metricsPort);
    expect(fluentBit.metricsPort).toBe(2021);
  });

  it('GIVEN the settings THEN the buffer limits come from them, written in bytes as Fluent Bit reads sizes', () => {
    expect(only(inputs, 'tail').mem_buf_limit).toBe(memoryBytes(settings.memBufLimit));
    expect(config.service['storage.backlog.mem_limit']).toBe(memoryBytes(settings.memBufLimit));
    expect(only(outputs, 'loki')['storage.total_limit_size']).toBe(memoryBytes(settings.filesystemBufferLimit));
  });

  it('GIVEN the service section and the probes THEN health is served on 2020 and the probes read it', () => {
    expect(config.service).toMatchObject({
      flush: 1,
      log_level: 'info',
      http_server: 'on',
      http_port: 2020,
      health_check: 'on',
      'storage.sync': 'normal',
    });
    const container = podSpecOf(kind(objects, 'DaemonSet')[0])!.containers[0] as AnyObject;
    for (const probe of [container.readinessProbe, container.livenessProbe])
      expect(probe.httpGet).toMatchObject({ path: '/api/v1/health', port: 2020 });
    expect(container.image).toBe(`${settings.image.repository}:${settings.image.tag}`);
    expect(settings.image.tag).toMatch(/^3\.\d+\.\d+$/);
  });

  it('GIVEN the DaemonSet THEN it tolerates every taint and its token may only get, list and watch pods and namespaces', () => {
    const pod = podSpecOf(kind(objects, 'DaemonSet')[0]) as unknown as AnyObject;
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    // A node packed with higher-priority GPU pods must still make room for its log shipper.
    expect(pod.priorityClassName).toBe('system-node-critical');
    expect(pod.automountServiceAccountToken).toBe(true);
    const [role] = kind(objects, 'ClusterRole') as AnyObject[];
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] }]);
    const [binding] = kind(objects, 'ClusterRoleBinding') as AnyObject[];
    expect(binding.roleRef.name).toBe(role.metadata.name);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: pod.serviceAccountName, namespace: props.namespace }]);
  });

  it('GIVEN the pod THEN its host mounts are exactly those of the registry, read-only but for the state directory', () => {
    expect(hostAccessViolations(objects)).toEqual([]);
    const pod = podSpecOf(kind(objects, 'DaemonSet')[0]) as unknown as AnyObject;
    const hostVolumes = (pod.volumes as AnyObject[]).filter((v) => v.hostPath);
    expect(hostVolumes.map((v) => v.hostPath.path).sort()).toEqual(HOST_ACCESS['fluent-bit'].hostPaths.map((h) => h.path).sort());
    const mounts = pod.containers[0].volumeMounts as AnyObject[];
    const writable = mounts.filter((m) => !m.readOnly).map((m) => m.mountPath);
    expect(writable).toEqual([STATE.mountPath]);
    expect(pod.containers[0].securityContext).toMatchObject({
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.containers[0].securityContext.capabilities.add).toBeUndefined();
  });

  it('GIVEN the Service and the NetworkPolicy THEN Prometheus finds the metrics port by name and only the monitoring namespace gets in', () => {
    const [service] = kind(objects, 'Service') as AnyObject[];
    expect(service.metadata.name).toBe(FLUENT_BIT_SCRAPE.serviceName);
    expect(service.spec.ports).toEqual([{ name: FLUENT_BIT_SCRAPE.portName, port: 2021, targetPort: 2021 }]);
    const [policy] = kind(objects, 'NetworkPolicy') as AnyObject[];
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.namespace } }, podSelector: {} }],
        ports: [
          { port: 2020, protocol: 'TCP' },
          { port: 2021, protocol: 'TCP' },
        ],
      },
    ]);
  });

  it('GIVEN every object THEN it validates against the Kubernetes schema', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'DaemonSet', 'NetworkPolicy', 'Service', 'ServiceAccount'].sort(),
    );
    for (const object of objects) expect(() => validateAgainstSchema(object)).not.toThrow();
  });
});

describe('fluent bit config as a whole', () => {
  const props = propsFor(loadEnvironments(['prod'])[0]);
  const checksum = (objects: KubeObject[]) => kind(objects, 'DaemonSet')[0].spec!.template!.metadata!.annotations!['checksum/config'];

  it('GIVEN the same props twice THEN the config and the manifests are identical', () => {
    const [first, second] = [build(props), build(props)];
    expect(second.fluentBit.configText).toBe(first.fluentBit.configText);
    expect(second.objects).toEqual(first.objects);
  });

  it('GIVEN a changed buffer limit THEN the config checksum changes, so the pods roll', () => {
    const changed = build({ ...props, settings: { ...props.settings, filesystemBufferLimit: '3Gi' } });
    expect(checksum(changed.objects)).not.toBe(checksum(build(props).objects));
  });

  it('GIVEN renamed workload namespaces THEN their logs still get the jobs moe-lab and mage', () => {
    const { config } = build({ ...props, logNamespaces: { moeLab: 'moe-lab-dev', mage: 'mage-dev' } });
    const code = String(only(config.pipeline.filters, 'lua').code);
    expect(code).toContain('["moe-lab-dev"] = "moe-lab",');
    expect(code).toContain('["mage-dev"] = "mage",');
  });

  it('GIVEN a component chart THEN the config is also written as fluent-bit/fluent-bit.yaml and equals the ConfigMap', () => {
    const chart = new ComponentChart(Testing.app(), 'fluent-bit', { component: 'fluent-bit' });
    const fluentBit = new FluentBit(chart, 'FluentBit', props);
    expect(chart.configFiles.get('fluent-bit/fluent-bit.yaml')).toBe(fluentBit.configText);
    const configMap = kind(Testing.synth(chart) as KubeObject[], 'ConfigMap')[0] as AnyObject;
    expect(configMap.data).toEqual({ 'fluent-bit.yaml': fluentBit.configText });
  });

  it.each<[string, Partial<FluentBitProps>, RegExp]>([
    ['a namespace that is no DNS label', { namespace: 'Monitoring' }, /FluentBit namespace: got "Monitoring"/],
    ['the same namespace twice', { logNamespaces: { moeLab: 'lab', mage: 'lab' } }, /FluentBit logNamespaces: got "lab" twice/],
    ['a Loki host with a scheme', { loki: { host: 'http://loki', port: 3100 } }, /FluentBit loki.host: got "http:\/\/loki"/],
    [
      'an image outside Fluent Bit 3.x',
      { settings: { ...props.settings, image: { ...props.settings.image, tag: '4.0.3' } } },
      /FluentBit settings.image.tag: got "4.0.3"/,
    ],
    [
      'a Loki port out of range',
      { loki: { host: 'loki', port: 70000 } },
      /FluentBit loki.port: got 70000; must be a whole number from 1 to 65535/,
    ],
  ])('GIVEN %s THEN the constructor throws naming the prop', (_, change, message) => {
    expect(() => new FluentBit(Testing.chart(), 'FluentBit', { ...props, ...change })).toThrow(message);
  });
});
