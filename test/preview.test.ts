// The preview compares two renderings of each environment. Base is the checked-in config rendered in
// memory; each head is one reviewable change. Expected lines follow from the change made here and the
// values in the checked-in sources (rules/thresholds.ts, config/workloads.ts, the base files themselves).
import { parse } from 'yaml';
import { ENVIRONMENT_INPUTS, ENVIRONMENT_NAMES } from '../config';
import { parseArgs } from '../scripts/preview';
import { compareEnvironment } from '../scripts/preview/compare';
import { environmentMarkdown, summaryMarkdown } from '../scripts/preview/markdown';
import { exitCodeFor } from '../scripts/preview/risks';
import { changedLineCount, diffObject, MAX_FIELD_LINES } from '../scripts/preview/tree-diff';
import type { EnvironmentReport } from '../scripts/preview/types';
import { TRAINING } from '../rules/thresholds';
import { editAlert, editEach, editObject, removePanel, renderAll, renderWithThresholds, type Rendering } from './helpers/preview-variants';

const base = renderAll();
const compareAll = (head: Rendering): EnvironmentReport[] =>
  [...base.keys()].filter((env) => head.has(env)).map((env) => compareEnvironment(env, base.get(env)!, head.get(env)!));
const linesOf = (text: string) => text.split('\n');
/** The lines of one `### Title` section of a Markdown report, up to the next blank line. */
function section(markdown: string, title: string): string[] {
  const lines = linesOf(markdown);
  const start = lines.indexOf(`### ${title}`);
  if (start < 0) return [];
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}
const summaryOf = (reports: EnvironmentReport[]) => summaryMarkdown(reports, 'Preview');
/** Panels whose own JSON (children aside) contains `needle`, by title. */
function panelsContaining(dashboard: string, needle: RegExp): string[] {
  const titles: string[] = [];
  const walk = (panels: Array<Record<string, unknown>> = []) => {
    for (const { panels: children, ...panel } of panels) {
      // Ids and positions are renumbered by any removal; the preview ignores them, so does this search.
      delete panel.id;
      delete panel.gridPos;
      if (needle.test(JSON.stringify(panel))) titles.push(String(panel.title));
      walk(children as Array<Record<string, unknown>>);
    }
  };
  walk((JSON.parse(dashboard) as { panels: Array<Record<string, unknown>> }).panels);
  return titles;
}

it('GIVEN the base rendered twice WHEN compared THEN every report says "No changes." and --fail-on-risk exits 0', () => {
  const reports = compareAll(renderAll());
  expect(reports.map((r) => linesOf(environmentMarkdown(r))[2])).toEqual(ENVIRONMENT_NAMES.map(() => 'No changes.'));
  expect(exitCodeFor(reports, true)).toBe(0);
});

describe('GIVEN a head whose GPU memory threshold moved from 95 to 90 in rules/thresholds.ts', () => {
  const head = renderWithThresholds(
    (thresholds) => ((thresholds.TRAINING as { maxGpuMemoryUtilizationPercent: number }).maxGpuMemoryUtilizationPercent = 90),
  );
  const reports = compareAll(head);

  it('THEN the base value is the checked-in 95 and the base rule compares against it', () => {
    expect(TRAINING.maxGpuMemoryUtilizationPercent).toBe(95);
    expect(base.get('prod')!.get('config/rules/moe-training.yml')).toContain('moe_lab_gpu_memory_utilization{app="moe-trainer"} > 95\n');
  });

  it('THEN each environment lists the threshold change as its only alert change, and no risk', () => {
    for (const report of reports) {
      const markdown = environmentMarkdown(report);
      expect([report.environment, section(markdown, 'Alerts')]).toEqual([report.environment, ['- GPUMemoryUsageHigh: threshold 95 → 90']]);
      expect([report.environment, section(markdown, 'Risks')]).toEqual([report.environment, ['None.']]);
    }
  });

  it('THEN the summary merges it into one line naming prod, staging and dev, and --fail-on-risk exits 0', () => {
    const summary = summaryOf(reports);
    expect(section(summary, 'Alerts')).toEqual(['- GPUMemoryUsageHigh: threshold 95 → 90 (prod, staging, dev)']);
    expect(section(summary, 'Risks')).toEqual(['No risky changes.']);
    expect(exitCodeFor(reports, true)).toBe(0);
  });

  it('THEN the training dashboard lists as changed exactly the panels that drew or described the old threshold', () => {
    const prod = environmentMarkdown(reports.find((r) => r.environment === 'prod')!);
    const dashboards = section(prod, 'Dashboards');
    const changed = dashboards.slice(dashboards.indexOf('- training') + 1).filter((line) => line.startsWith('  - '));
    const expected = panelsContaining(base.get('prod')!.get('config/dashboards/training.json')!, /(?<![\d.])(?:95|0\.95)(?![\d.])/);
    expect(expected.length).toBeGreaterThan(0);
    expect(changed.map((line) => /^ {2}- Panel changed: (.+?) \(/.exec(line)?.[1])).toEqual(expected);
  });
});

describe('GIVEN a head without the panel "GPU temperature" on the gpu dashboard, the other panels renumbered', () => {
  const reports = compareAll(editEach(base, (files) => removePanel(files, 'gpu', 'GPU temperature')));

  it('THEN each report lists under the gpu uid that one panel as removed and nothing else', () => {
    for (const report of reports)
      expect(section(environmentMarkdown(report), 'Dashboards')).toEqual(['- gpu', '  - Panel removed: GPU temperature']);
  });

  it('THEN the summary merges it across environments, and removing a panel is no risk', () => {
    expect(section(summaryOf(reports), 'Dashboards')).toEqual(['- gpu', '  - Panel removed: GPU temperature (prod, staging, dev)']);
    expect(exitCodeFor(reports, true)).toBe(0);
  });
});

describe('GIVEN a head where prod’s MoE trainer gets 4 GPUs instead of the 8 of config/workloads.ts', () => {
  const inputs = structuredClone(ENVIRONMENT_INPUTS) as unknown as Record<string, { workloads: { moeTrainer: { gpus: number } } }>;
  inputs.prod.workloads.moeTrainer.gpus = 4;
  const reports = compareAll(renderAll(inputs, ['prod']));
  const prod = environmentMarkdown(reports[0]);

  it('THEN the workloads section says so in one line, and the trainer Deployment’s GPU limit and request are the changed fields', () => {
    expect(ENVIRONMENT_INPUTS.prod.workloads.moeTrainer.gpus).toBe(8);
    expect(section(prod, 'Workloads')).toEqual(['- moe-trainer: nvidia.com/gpu 8 → 4']);
    expect(linesOf(prod)).toEqual(
      expect.arrayContaining([
        '- Changed: Deployment moe-lab/moe-trainer (moe-workloads)',
        '  - `spec.template.spec.containers[moe-trainer].resources.limits.nvidia.com/gpu: 8 → 4`',
        '  - `spec.template.spec.containers[moe-trainer].resources.requests.nvidia.com/gpu: 8 → 4`',
      ]),
    );
  });

  it('THEN the summary names prod only, and fewer GPUs is no risk', () => {
    expect(section(summaryOf(reports), 'Workloads')).toEqual(['- moe-trainer: nvidia.com/gpu 8 → 4 (prod)']);
    expect(exitCodeFor(reports, true)).toBe(0);
  });
});

describe('GIVEN a head without the alert GPUMemoryUsageHigh', () => {
  const reports = compareAll(editEach(base, (files) => expect(editAlert(files, 'GPUMemoryUsageHigh', 'remove')).toBe(1)));

  it('THEN every report lists it as removed among the alerts and as its risk', () => {
    for (const report of reports) {
      const markdown = environmentMarkdown(report);
      expect(section(markdown, 'Risks')).toEqual(['- Alert removed: GPUMemoryUsageHigh']);
      expect(section(markdown, 'Alerts')).toEqual(['- Alert removed: GPUMemoryUsageHigh']);
    }
    expect(section(summaryOf(reports), 'Risks')).toEqual(['- Alert removed: GPUMemoryUsageHigh (prod, staging, dev)']);
  });

  it('THEN --fail-on-risk exits 2, and without the flag the exit code is 0', () => {
    expect(exitCodeFor(reports, true)).toBe(2);
    expect(exitCodeFor(reports, false)).toBe(0);
  });
});

describe('GIVEN other risky heads', () => {
  const prodOnly = (edit: (files: Map<string, string>) => void) => {
    const head = new Map([['prod', new Map(base.get('prod')!)]]);
    edit(head.get('prod')!);
    return compareAll(head);
  };
  const risksOf = (reports: EnvironmentReport[]) => section(environmentMarkdown(reports[0]), 'Risks');

  it('WHEN the critical GPUMemoryUsageHigh becomes a warning THEN the downgrade is a risk and the severity change an alert line', () => {
    expect(base.get('prod')!.get('config/rules/moe-training.yml')).toMatch(/alert: GPUMemoryUsageHigh\n(?:.*\n){3}\s+severity: critical\n/);
    const reports = prodOnly((files) =>
      editAlert(files, 'GPUMemoryUsageHigh', (rule) => ((rule.labels as Record<string, string>).severity = 'warning')),
    );
    expect(risksOf(reports)).toEqual(['- Critical alert downgraded: GPUMemoryUsageHigh severity critical → warning']);
    expect(section(environmentMarkdown(reports[0]), 'Alerts')).toEqual(['- GPUMemoryUsageHigh: severity critical → warning']);
    expect(exitCodeFor(reports, true)).toBe(2);
  });

  it('WHEN the paging (P0) GPUMemoryUsageHigh moves to P3 with its severity kept THEN it stops paging, which is a risk', () => {
    expect(base.get('prod')!.get('config/rules/moe-training.yml')).toMatch(/alert: GPUMemoryUsageHigh\n(?:.*\n){1,6}\s+priority: P0\n/);
    const reports = prodOnly((files) =>
      editAlert(files, 'GPUMemoryUsageHigh', (rule) => ((rule.labels as Record<string, string>).priority = 'P3')),
    );
    expect(risksOf(reports)).toEqual(['- Paging alert downgraded: GPUMemoryUsageHigh priority P0 → P3']);
    expect(exitCodeFor(reports, true)).toBe(2);
  });

  it('WHEN prod’s Prometheus keeps 15d instead of 30d THEN retention reduced is a risk', () => {
    expect(ENVIRONMENT_INPUTS.prod.prometheus.retention).toBe('30d');
    const inputs = structuredClone(ENVIRONMENT_INPUTS) as unknown as Record<string, { prometheus: { retention: string } }>;
    inputs.prod.prometheus.retention = '15d';
    const reports = compareAll(renderAll(inputs, ['prod']));
    expect(risksOf(reports)).toEqual(['- Retention reduced: prometheus: retention.time 30d → 15d']);
  });

  it('WHEN one PVC shrinks and another is deleted THEN both are risks', () => {
    const claims = parse(
      base
        .get('prod')!
        .get('moe-lab-storage.yaml')!
        .split('---\n')
        .find((doc) => doc.includes('name: moe-checkpoints\n'))!,
    );
    expect(claims.spec.resources.requests.storage).toBe('5Ti');
    const reports = prodOnly((files) => {
      editObject(
        files,
        'moe-lab-storage.yaml',
        'PersistentVolumeClaim',
        'moe-checkpoints',
        (pvc) => (pvc.spec.resources.requests.storage = '4Ti'),
      );
      editObject(files, 'moe-lab-storage.yaml', 'PersistentVolumeClaim', 'moe-data', 'remove');
    });
    expect(risksOf(reports)).toEqual(
      expect.arrayContaining([
        '- Storage shrunk: PVC moe-lab/moe-checkpoints 5Ti → 4Ti',
        expect.stringMatching(/^- Storage deleted: PVC moe-lab\/moe-data \(\d+[KMGTP]i\)$/),
      ]),
    );
    expect(risksOf(reports)).toHaveLength(2);
  });

  it('WHEN an env var reads a different Secret key THEN the changed reference is a risk naming container and variable', () => {
    const reports = prodOnly((files) =>
      editObject(files, 'moe-lab-storage.yaml', 'StatefulSet', 'postgres', (set) => {
        const env = set.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'POSTGRES_PASSWORD');
        env.valueFrom.secretKeyRef.key = 'password-v2';
      }),
    );
    expect(risksOf(reports)).toEqual([
      '- Secret reference changed: StatefulSet moe-lab/postgres containers[postgres].env[POSTGRES_PASSWORD].valueFrom.secretKeyRef: postgres-credentials/password → postgres-credentials/password-v2',
    ]);
  });

  it('WHEN the maintenance window moves to Saturday and critical alerts repeat hourly THEN routing lists both, with no risk', () => {
    const reports = prodOnly((files) => {
      const config = parse(files.get('config/alertmanager.yml')!);
      config.time_intervals.find((t: { name: string }) => t.name === 'maintenance-window').time_intervals[0].weekdays = ['saturday'];
      config.route.routes.find((r: { matchers?: string[] }) => r.matchers?.[0] === 'severity="critical"').repeat_interval = '1h';
      files.set('config/alertmanager.yml', JSON.stringify(config));
    });
    expect(section(environmentMarkdown(reports[0]), 'Alertmanager routing')).toEqual([
      '- Route severity="critical": repeat_interval 30m → 1h',
      '- Time interval maintenance-window: sunday 02:00–04:00 UTC → saturday 02:00–04:00 UTC',
    ]);
    expect(exitCodeFor(reports, true)).toBe(0);
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
