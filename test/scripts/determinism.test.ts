import { readTree, removeDir, synthToTemp } from '../helpers/synth-tmp';

describe('synth determinism', () => {
  it('GIVEN the same sources WHEN synthesized twice into separate directories THEN every file is byte-identical', () => {
    const first = synthToTemp();
    const second = synthToTemp();
    try {
      const a = readTree(first);
      const b = readTree(second);
      expect([...b.keys()]).toEqual([...a.keys()]);
      expect(a.size).toBeGreaterThanOrEqual(3 * 6);
      for (const [path, bytes] of a) expect([path, bytes.equals(b.get(path)!)]).toEqual([path, true]);
    } finally {
      removeDir(first);
      removeDir(second);
    }
  });

  it('GIVEN a manifest WHEN read THEN objects are in apply order: kind rank, then namespace/name', () => {
    const dist = synthToTemp({ environments: ['prod'] });
    try {
      const text = readTree(dist).get('prod/prometheus.yaml')!.toString('utf8');
      const kinds = [...text.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
      expect(kinds).toEqual([
        'NetworkPolicy',
        'PodDisruptionBudget',
        'ServiceAccount',
        'ConfigMap',
        'ConfigMap',
        'ClusterRole',
        'ClusterRoleBinding',
        // prometheus, its headless governing Service, and prometheus-federate (replica 0 for the global view)
        'Service',
        'Service',
        'Service',
        'StatefulSet',
      ]);
    } finally {
      removeDir(dist);
    }
  });
});
