import { Testing } from 'cdk8s';
import { loadEnvironments } from '../../config';
import { ComponentChart } from '../../constructs/assembly/component-chart';
import { MemberFederation, type MemberFederationProps } from '../../constructs/components/member-federation';
import { Prometheus } from '../../constructs/components/prometheus';
import { schemaFailures, type KubeObject } from '../helpers/manifests';

const [prod] = loadEnvironments(['prod']);
const NAMESPACE = prod.namespaces.monitoring;
const INSTANCE = prod.cluster.name;
const SOURCES = ['10.30.0.0/16', '192.168.8.0/24'];

interface ServiceJson {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    type?: string;
    selector: Record<string, string>;
    loadBalancerSourceRanges?: string[];
    externalTrafficPolicy?: string;
    ports: Array<{ port: number; targetPort: number }>;
  };
}
interface PolicyJson {
  metadata: { name: string };
  spec: {
    podSelector: { matchLabels?: Record<string, string> };
    policyTypes?: string[];
    ingress: Array<{
      from: Array<{ ipBlock?: { cidr: string }; namespaceSelector?: { matchLabels?: Record<string, string> }; podSelector?: object }>;
      ports: Array<{ protocol?: string; port: number }>;
    }>;
  };
}

/** The real Prometheus of prod (two replicas) next to the federation objects, as one environment builds them. */
function synth(overrides: Partial<MemberFederationProps> = {}) {
  const chart = new ComponentChart(Testing.app(), 'prometheus', { component: 'prometheus' });
  const prometheus = new Prometheus(chart, 'Prometheus', {
    namespace: NAMESPACE,
    instance: INSTANCE,
    image: prod.prometheus.image,
    replicas: 2,
    retention: prod.prometheus.retention,
    retentionSizeBytes: 10 * 2 ** 30,
    storage: prod.prometheus.storage,
    resources: prod.prometheus.resources,
    ruleFiles: new Map(),
    config: { scrapeInterval: '15s', evaluationInterval: '15s', externalLabels: {}, scrapeJobs: [] },
  });
  const federation = new MemberFederation(chart, 'Federation', {
    namespace: NAMESPACE,
    instance: INSTANCE,
    podSelector: prometheus.statefulSet.matchLabels,
    globalSources: SOURCES,
    role: 'member',
    ...overrides,
  });
  const objects = Testing.synth(chart) as KubeObject[];
  const statefulSet = objects.find((o) => o.kind === 'StatefulSet')!;
  // The pods the StatefulSet controller creates: the template's labels plus each pod's own name.
  const replicas = statefulSet.spec!.replicas as number;
  const prometheusPods = Array.from({ length: replicas }, (_, i) => ({
    ...statefulSet.spec!.template!.metadata!.labels,
    'statefulset.kubernetes.io/pod-name': `${statefulSet.metadata.name}-${i}`,
  }));
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'prometheus-federate') as unknown as ServiceJson;
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as PolicyJson[];
  return { federation, objects, prometheusPods, service, policies };
}

/** A label selector's matchLabels select a pod when every one of them is among its labels. */
const selects = (selector: Record<string, string>, pod: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => pod[key] === value);

describe('MemberFederation', () => {
  it('GIVEN a member with global sources WHEN synthesized THEN every object passes the Kubernetes schema and carries the standard labels', () => {
    const { objects, federation } = synth();
    expect(schemaFailures(objects)).toEqual([]);
    const own = objects.filter((o) => o.metadata.name === federation.serviceName);
    expect(own.map((o) => o.kind).sort()).toEqual(['NetworkPolicy', 'Service']);
    for (const object of own) {
      expect(object.metadata).toMatchObject({ namespace: NAMESPACE });
      expect(object.metadata.labels).toMatchObject({
        'app.kubernetes.io/instance': INSTANCE,
        'app.kubernetes.io/part-of': 'gpu-observability',
        'app.kubernetes.io/managed-by': 'cdk8s',
      });
    }
  });

  it('GIVEN the real Prometheus StatefulSet with two replicas THEN the federate Service selects replica 0 and nothing else', () => {
    const { service, prometheusPods } = synth();
    expect(prometheusPods).toHaveLength(2);
    const selected = prometheusPods.filter((pod) => selects(service.spec.selector, pod));
    expect(selected.map((pod) => pod['statefulset.kubernetes.io/pod-name'])).toEqual(['prometheus-0']);
    // Replica 0 of another install (another instance) must not be picked either.
    const otherInstance = { ...prometheusPods[0], 'app.kubernetes.io/instance': 'other-cluster' };
    expect(selects(service.spec.selector, otherInstance)).toBe(false);
    // Only stable labels: a version in the selector would lose the pod on every image upgrade.
    expect(Object.keys(service.spec.selector)).not.toContain('app.kubernetes.io/version');
    expect(service.spec.ports).toEqual([expect.objectContaining({ port: 9090, targetPort: 9090 })]);
  });

  it('GIVEN global sources THEN the Service is an internal NLB keeping the client address, open to those sources only', () => {
    const { service } = synth();
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.loadBalancerSourceRanges).toEqual(SOURCES);
    // Kubernetes' AWS cloud provider annotations (no extra controller); Local keeps the source address.
    expect(service.spec.externalTrafficPolicy).toBe('Local');
    expect(service.metadata.annotations).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
      'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
    });
  });

  it('GIVEN global sources THEN a NetworkPolicy on every Prometheus pod admits exactly those CIDRs on TCP 9090, ingress only', () => {
    const { policies, prometheusPods } = synth();
    const policy = policies.find((p) => p.metadata.name === 'prometheus-federate')!;
    expect(policy).toBeDefined();
    for (const pod of prometheusPods) expect(selects(policy.spec.podSelector.matchLabels ?? {}, pod)).toBe(true);
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([
      { from: SOURCES.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP', port: 9090 }] },
    ]);
  });

  it('GIVEN no global sources (the global Prometheus runs in this cluster) THEN a ClusterIP Service and no policy of its own, since the Prometheus policy admits the monitoring namespace', () => {
    const { service, policies } = synth({ globalSources: [], role: 'global' });
    expect(service.spec.type ?? 'ClusterIP').toBe('ClusterIP');
    expect(service.spec.loadBalancerSourceRanges).toBeUndefined();
    expect(service.metadata.annotations ?? {}).toEqual({});
    expect(policies.map((p) => p.metadata.name)).toEqual(['prometheus']);
    const [prometheusPolicy] = policies;
    expect(prometheusPolicy.spec.ingress).toEqual([
      expect.objectContaining({
        from: [expect.objectContaining({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NAMESPACE } } })],
        ports: [expect.objectContaining({ port: 9090 })],
      }),
    ]);
  });

  it.each([
    [{ role: 'member' as const, globalSources: [] }, 'MemberFederation globalSources: got none for role member'],
    [{ globalSources: ['10.30.0.0/33'] }, 'MemberFederation globalSources: got "10.30.0.0/33"'],
    [{ role: 'leader' as never }, 'MemberFederation role: got "leader"; must be one of member, global'],
    [{ podSelector: {} }, 'MemberFederation podSelector: got no labels'],
  ])('GIVEN bad props %j WHEN constructed THEN it throws naming the prop', (overrides, message) => {
    expect(() => synth(overrides)).toThrow(message);
  });
});
