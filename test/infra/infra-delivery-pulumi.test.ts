// The Pulumi program under mocks for dev with `gitops.delivery: pulumi`: with no Argo CD, `pulumi up`
// applies every chart itself, as ConfigGroups holding exactly the synthesized manifests (dist/dev/).
import { CLUSTER_SCOPED_KINDS, type KubeObject } from '../helpers/manifests';
import {
  countBy,
  groupObjects,
  identity,
  input,
  priorityClassesOf,
  programRuns,
  secretReferences,
  storageClassesOf,
  synthesizedManifests,
} from '../helpers/program-records';

/** The dev stack with `gitops.delivery: pulumi`: `pulumi up` applies every chart itself. */
const PULUMI_DEV = 'dev (delivery pulumi)';
// Such a stack reads no deploy key: Argo CD is not installed.
const { ofType, deployedObjects, k8sSecret, dependsOn, priorityClassGroup } = programRuns({
  [PULUMI_DEV]: { stack: 'dev', options: { gitops: { delivery: 'pulumi' }, config: { gitopsRepoSshKey: undefined } } },
});
const dist = synthesizedManifests(['dev']);

describe('Pulumi program, dev with delivery pulumi', () => {
  const env = 'dev';

  it('GIVEN delivery pulumi WHEN the program runs THEN there is no Argo CD: no Helm release, no Application', () => {
    expect(ofType(PULUMI_DEV, 'kubernetes:helm.sh/v3:Release')).toEqual([]);
    expect(ofType(PULUMI_DEV, 'kubernetes:argoproj.io/v1alpha1:Application')).toEqual([]);
  });

  it('GIVEN dist WHEN `pulumi up` applies the charts THEN every Deployment and StatefulSet it deploys has the replicas of the synthesized manifests', () => {
    const replicas = (objects: KubeObject[]) =>
      Object.fromEntries(
        objects
          .filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind))
          .map((o) => [identity(o), o.spec?.replicas as number | undefined]),
      );
    const expected = replicas(dist(env).map((m) => m.object));
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(replicas(deployedObjects(PULUMI_DEV))).toEqual(expected);
  });

  it('GIVEN dist/<env> WHEN the program deploys its ConfigGroups THEN they hold the same objects, in number, kind, namespace and name', () => {
    const expected = dist(env).map((m) => m.object);
    const deployed = deployedObjects(PULUMI_DEV);
    expect(deployed).toHaveLength(expected.length);
    expect(countBy(deployed, (o) => o.kind)).toEqual(countBy(expected, (o) => o.kind));
    expect(deployed.map(identity).sort()).toEqual(expected.map(identity).sort());
  });

  it('GIVEN dist/<env>/<chart>.yaml WHEN the program deploys that chart THEN its ConfigGroup holds exactly those objects', () => {
    const byId = (objects: KubeObject[]) => new Map(objects.map((o) => [identity(o), o]));
    const groups = ofType(PULUMI_DEV, 'kubernetes:yaml/v2:ConfigGroup');
    expect(groups.map((g) => `${g.name}.yaml`).sort()).toEqual([...new Set(dist(env).map((m) => m.file))].sort());
    const fromFile = (file: string) => dist(env).flatMap((m) => (m.file === file ? [m.object] : []));
    for (const group of groups) expect(byId(groupObjects(group))).toEqual(byId(fromFile(`${group.name}.yaml`)));
  });

  it('GIVEN the charts WHEN deployed THEN each waits for the namespaces and for the Secrets, StorageClasses and PriorityClasses its pods use', () => {
    const groups = ofType(PULUMI_DEV, 'kubernetes:yaml/v2:ConfigGroup');
    const [namespaces, ...others] = groups.filter((g) => groupObjects(g).some((o) => o.kind === 'Namespace'));
    expect(others).toEqual([]);
    const classes = ofType(PULUMI_DEV, 'kubernetes:storage.k8s.io/v1:StorageClass');
    for (const group of groups.filter((g) => g !== namespaces)) {
      const objects = groupObjects(group);
      const needs = [
        ...(objects.some((o) => !CLUSTER_SCOPED_KINDS.has(o.kind)) ? [namespaces] : []),
        ...secretReferences(objects).map((ref) => k8sSecret(PULUMI_DEV, ref.namespace, ref.name)!),
        ...objects
          .flatMap(storageClassesOf)
          .map((name) => classes.find((c) => input<KubeObject['metadata']>(c, 'metadata').name === name)!),
        ...objects.flatMap(priorityClassesOf).map((name) => priorityClassGroup(PULUMI_DEV, name)),
      ];
      const missing = needs.filter((n) => !n || !dependsOn(PULUMI_DEV, group).includes(n.urn)).map((n) => n?.name);
      expect({ group: group.name, missing }).toEqual({ group: group.name, missing: [] });
    }
    for (const secret of ofType(PULUMI_DEV, 'kubernetes:core/v1:Secret')) expect(dependsOn(PULUMI_DEV, secret)).toContain(namespaces.urn);
  });
});
