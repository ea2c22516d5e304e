// The preview's building blocks on their own: reading sizes and durations, when the base needs its own
// npm ci, the field-level diff, and the command line. The reports they make up are in preview.test.ts.
import { parseArgs } from '../../scripts/preview';
import { durationSeconds, quantityBytes, sizeBytes } from '../../scripts/preview/quantities';
import { changedLineCount, diffObject, MAX_FIELD_LINES } from '../../scripts/preview/tree-diff';
import { dependencyPlan } from '../../scripts/preview/worktree';

describe('GIVEN sizes and durations as Kubernetes and Prometheus spell them', () => {
  it('THEN one amount spelled differently reads the same (Kubernetes quantities, Prometheus base-2 sizes and durations)', () => {
    expect(quantityBytes('5Ti')).toBe(5 * 2 ** 40);
    expect(quantityBytes('5120Gi')).toBe(quantityBytes('5Ti'));
    expect(quantityBytes('1e9')).toBe(quantityBytes('1G'));
    expect(quantityBytes('.5Ki')).toBe(512);
    expect(sizeBytes('80GiB')).toBe(sizeBytes('81920MB'));
    expect(sizeBytes('1GB512MB')).toBe(1.5 * 2 ** 30);
    expect(durationSeconds('1d12h')).toBe(36 * 3600);
  });

  it('THEN misspelled values are unreadable (NaN), never a number that could compare as smaller or larger', () => {
    const unreadable = (read: (text: string) => number, texts: string[]) => texts.filter((text) => !Number.isNaN(read(text)));
    expect(unreadable(quantityBytes, ['20Gb', '20 Gi', '5TB', 'Gi', '', '(none)'])).toEqual([]);
    expect(unreadable(sizeBytes, ['80G', '80 GB', '1gb', 'GB', 'iB', ''])).toEqual([]);
    expect(unreadable(durationSeconds, ['30 days', '12h1d', '1.5d', 'd', ''])).toEqual([]);
  });
});

describe('GIVEN the package-lock.json of the base ref and of the working tree', () => {
  const lock = (text: string) => Buffer.from(text, 'utf8');

  it('WHEN their bytes are identical THEN the base worktree links the working tree’s node_modules and says nothing', () => {
    expect(dependencyPlan(lock('{"lockfileVersion":3}\n'), lock('{"lockfileVersion":3}\n'))).toEqual({ action: 'link' });
  });

  it('WHEN they differ, even by a final newline, or the working tree has none THEN the base runs npm ci and says why', () => {
    for (const head of [lock('{"lockfileVersion":3}'), lock('{"lockfileVersion":2}\n'), undefined]) {
      const plan = dependencyPlan(lock('{"lockfileVersion":3}\n'), head);
      expect(plan.action).toBe('install');
      expect(plan.note).toMatch(/package-lock\.json differs.*npm ci/);
    }
  });

  it('WHEN the base has none THEN npm ci could not run there, so it links node_modules and says so', () => {
    const plan = dependencyPlan(undefined, lock('{"lockfileVersion":3}\n'));
    expect(plan.action).toBe('link');
    expect(plan.note).toMatch(/base has no package-lock\.json.*node_modules/);
  });
});

describe('field-level diff', () => {
  const deployment = (env: Array<{ name: string; value: string }>, image = 'app:1') => ({
    kind: 'Deployment',
    metadata: { name: 'app' },
    spec: { template: { spec: { containers: [{ name: 'app', image, env }] } } },
  });

  it('GIVEN an env var inserted first WHEN diffed THEN it is one added line, since named items pair by name', () => {
    const old = deployment([{ name: 'B', value: '2' }]);
    const now = deployment([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    expect(diffObject(old, now)).toEqual(['spec.template.spec.containers[app].env[A]: added {2 fields}']);
  });

  it('GIVEN a large ConfigMap value and a Secret value changed THEN the first is a line count, the second never shows its value', () => {
    const blob = (n: number) => Array.from({ length: 50 }, (_, i) => (i === n ? 'changed' : `line ${i}`)).join('\n');
    expect(
      diffObject({ kind: 'ConfigMap', data: { 'rules.yml': blob(-1) } }, { kind: 'ConfigMap', data: { 'rules.yml': blob(10) } }),
    ).toEqual(['data.rules.yml changed (1 lines)']);
    expect(
      diffObject({ kind: 'Secret', stringData: { token: 'old-secret' } }, { kind: 'Secret', stringData: { token: 'new-secret' } }),
    ).toEqual(['stringData.token changed']);
  });

  it('GIVEN more changed fields than the cap THEN the cap is shown and the rest counted', () => {
    const many = (v: string) => ({
      kind: 'ConfigMap',
      metadata: { labels: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`l${i}`, v])) },
    });
    const lines = diffObject(many('a'), many('b'));
    expect(lines).toHaveLength(MAX_FIELD_LINES + 1);
    expect(lines[MAX_FIELD_LINES]).toBe(`… ${20 - MAX_FIELD_LINES} more changed fields`);
  });

  it('GIVEN a long text changed in one number THEN both shown values start shortly before the difference, so it stays visible', () => {
    const text = (n: number) => `GPU memory in use per trainer pod; above ${n} % the next larger batch runs out of memory.`;
    const [line] = diffObject({ kind: 'X', description: text(95) }, { kind: 'X', description: text(90) });
    expect(line).toMatch(/^description: …[^→]*above 95 %[^→]* → …[^→]*above 90 %/);
  });

  it('GIVEN texts differing in one region THEN the changed line count is the size of that region', () => {
    expect(changedLineCount('a\nb\nc\nd', 'a\nx\ny\nz\nd')).toBe(3);
    expect(changedLineCount('a\nb', 'a\nb')).toBe(0);
  });
});

describe('command line', () => {
  it('GIVEN no --base THEN parsing fails naming it; GIVEN environments THEN only those are compared', () => {
    expect(() => parseArgs(['prod'])).toThrow(/--base: needs a git ref/);
    expect(() => parseArgs(['--base', 'main', 'qa'])).toThrow(/qa: unknown environment/);
    expect(parseArgs(['--base', 'main', '--fail-on-risk', 'prod'])).toMatchObject({
      base: 'main',
      failOnRisk: true,
      environments: ['prod'],
    });
    expect(parseArgs(['--base', 'main']).environments).toEqual(['dev', 'staging', 'prod']);
  });
});
