// Every pod that listens is covered by a NetworkPolicy: a pod no policy selects accepts traffic from
// anywhere in the cluster. Host-network pods are exempt (policies do not apply to them).
import { ENVIRONMENT_NAMES } from '../../config';
import { loadManifests, podSpecOf, type KubeObject } from '../helpers/manifests';
import { removeDir, synthToTemp } from '../helpers/synth-tmp';

type Labels = Record<string, string>;
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

function podLabels(object: KubeObject): Labels {
  return (object.spec?.template?.metadata?.labels ?? {}) as Labels;
}

/** Workloads with a container port whose pods no NetworkPolicy of their namespace selects. */
function uncoveredWorkloads(objects: readonly KubeObject[]): string[] {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  return objects
    .filter((o) => WORKLOAD_KINDS.has(o.kind))
    .filter((o) => {
      const pod = podSpecOf(o) as unknown as { hostNetwork?: boolean; containers: Array<{ ports?: unknown[] }> };
      return !pod.hostNetwork && pod.containers.some((c) => (c.ports ?? []).length > 0);
    })
    .filter((o) => {
      const labels = podLabels(o);
      return !policies.some((p) => {
        const selector = ((p.spec as { podSelector?: { matchLabels?: Labels } }).podSelector?.matchLabels ?? {}) as Labels;
        return p.metadata.namespace === o.metadata.namespace && Object.entries(selector).every(([k, v]) => labels[k] === v);
      });
    })
    .map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
}

describe.each(ENVIRONMENT_NAMES)('network policies of %s', (env) => {
  let dist: string;
  let objects: KubeObject[];
  beforeAll(() => {
    dist = synthToTemp({ environments: [env] });
    objects = loadManifests(`${dist}/${env}`).map(({ object }) => object);
  });
  afterAll(() => removeDir(dist));

  it('GIVEN every workload that listens on a port THEN a NetworkPolicy of its namespace selects its pods', () => {
    expect(objects.filter((o) => WORKLOAD_KINDS.has(o.kind)).length).toBeGreaterThan(5);
    expect(uncoveredWorkloads(objects)).toEqual([]);
  });
});

it('GIVEN a listening Deployment and no policy THEN it is reported, so the check can fail', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', namespace: 'n' },
    spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'x', ports: [{ containerPort: 80 }] }] } } },
  } as unknown as KubeObject;
  expect(uncoveredWorkloads([deployment])).toEqual(['Deployment/n/x']);
});
