// The preview compares two renderings of each environment. Base is the checked-in config rendered in
// memory; each head is one reviewable change. Expected lines follow from the change made here and the
// values in the checked-in sources (rules/thresholds.ts, config/environments/prod.ts, the base files themselves).
import { parse } from 'yaml';
import { ENVIRONMENT_INPUTS, ENVIRONMENT_NAMES } from '../../config';
import { compareEnvironment } from '../../scripts/preview/compare';
import { environmentMarkdown, summaryMarkdown } from '../../scripts/preview/markdown';
import { exitCodeFor } from '../../scripts/preview/risks';
import type { EnvironmentReport } from '../../scripts/preview/types';
import { TRAINING } from '../../rules/thresholds';
import { linesOf, section } from '../helpers/preview-report';
import { editAlert, editEach, editObject, removePanel, renderAll, renderWithThresholds, type Rendering } from '../helpers/preview-variants';

const base = renderAll();
const compareAll = (head: Rendering): EnvironmentReport[] =>
  [...base.keys()].filter((env) => head.has(env)).map((env) => compareEnvironment(env, base.get(env)!, head.get(env)!));
const summaryOf = (reports: EnvironmentReport[]) => summaryMarkdown(reports, 'Preview');
/** prod's base files with `edit` applied, compared with the base. */
const prodOnly = (edit: (files: Map<string, string>) => void) => {
  const head = new Map([['prod', new Map(base.get('prod')!)]]);
  edit(head.get('prod')!);
  return compareAll(head);
};
const risksOf = (reports: EnvironmentReport[]) => section(environmentMarkdown(reports[0]), 'Risks');
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

describe('GIVEN a head where prod’s MoE trainer gets 4 GPUs instead of the 8 of config/environments/prod.ts', () => {
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

describe('GIVEN heads whose sizes or durations the preview cannot read', () => {
  it('WHEN a PVC request is respelled 5Ti → 5TB (not a Kubernetes quantity) THEN that is a risk asking for a check by hand', () => {
    const reports = prodOnly((files) =>
      editObject(files, 'moe-lab-storage.yaml', 'PersistentVolumeClaim', 'moe-checkpoints', (pvc) => {
        expect(pvc.spec.resources.requests.storage).toBe('5Ti');
        pvc.spec.resources.requests.storage = '5TB';
      }),
    );
    expect(risksOf(reports)).toEqual([
      '- Cannot compare: PVC moe-lab/moe-checkpoints storage 5Ti → 5TB: "5TB" is not a Kubernetes quantity, so a shrink cannot be ruled out; compare by hand',
    ]);
    expect(section(environmentMarkdown(reports[0]), 'Prometheus retention and storage')).toEqual([
      '- PVC moe-lab/moe-checkpoints: storage 5Ti → 5TB',
    ]);
    expect(exitCodeFor(reports, true)).toBe(2);
  });

  it('WHEN the same request is respelled 5Ti → 5120Gi THEN it is listed but no risk, since both read the same', () => {
    const reports = prodOnly((files) =>
      editObject(
        files,
        'moe-lab-storage.yaml',
        'PersistentVolumeClaim',
        'moe-checkpoints',
        (pvc) => (pvc.spec.resources.requests.storage = '5120Gi'),
      ),
    );
    expect(risksOf(reports)).toEqual(['None.']);
  });

  it('WHEN retention.time becomes "30 days" and retention.size the same size as GiB THEN only the unreadable time is a risk', () => {
    const reports = prodOnly((files) =>
      editObject(files, 'prometheus.yaml', 'StatefulSet', 'prometheus', (set) => {
        const container = set.spec.template.spec.containers.find((c: { name: string }) => c.name === 'prometheus');
        const args = container.args as string[];
        expect(args).toEqual(expect.arrayContaining(['--storage.tsdb.retention.time=30d', '--storage.tsdb.retention.size=81920MB']));
        container.args = args.map((arg) =>
          arg
            .replace('--storage.tsdb.retention.time=30d', '--storage.tsdb.retention.time=30 days')
            .replace('--storage.tsdb.retention.size=81920MB', '--storage.tsdb.retention.size=80GiB'),
        );
      }),
    );
    expect(risksOf(reports)).toEqual([
      '- Cannot compare: prometheus: retention.time 30d → 30 days: "30 days" is not a Prometheus duration, so a reduction cannot be ruled out; compare by hand',
    ]);
  });
});

describe('GIVEN heads that change the volumeClaimTemplates of prod’s Prometheus StatefulSet (data: 100Gi, gp3, ReadWriteOnce)', () => {
  const RECREATE =
    'Kubernetes refuses to update this field: the apply fails until the StatefulSet is deleted and recreated ' +
    '(kubectl delete --cascade=orphan keeps its pods and claims), and existing claims keep their old size, class and access modes';
  type Template = {
    metadata: { name: string };
    spec: { storageClassName: string; accessModes: string[]; resources: { requests: { storage: string } } };
  };
  const withTemplates = (edit: (templates: Template[]) => void) =>
    prodOnly((files) =>
      editObject(files, 'prometheus.yaml', 'StatefulSet', 'prometheus', (set) => {
        const [data] = set.spec.volumeClaimTemplates as Template[];
        expect([data.metadata.name, data.spec.resources.requests.storage, data.spec.storageClassName, data.spec.accessModes]).toEqual([
          'data',
          '100Gi',
          'gp3',
          ['ReadWriteOnce'],
        ]);
        edit(set.spec.volumeClaimTemplates);
      }),
    );

  it('WHEN its storage shrinks to 50Gi THEN that is one risk saying the set must be recreated, not also "Storage shrunk"', () => {
    const reports = withTemplates(([data]) => (data.spec.resources.requests.storage = '50Gi'));
    expect(risksOf(reports)).toEqual([
      `- StatefulSet monitoring/prometheus: volumeClaimTemplates changed (data: storage 100Gi → 50Gi (smaller)). ${RECREATE}`,
    ]);
    expect(section(environmentMarkdown(reports[0]), 'Prometheus retention and storage')).toEqual([
      '- StatefulSet monitoring/prometheus volumeClaimTemplate data: storage 100Gi → 50Gi',
    ]);
    expect(exitCodeFor(reports, true)).toBe(2);
  });

  it('WHEN its storage grows to 200Gi THEN that is a risk too, since the apply fails all the same', () => {
    const reports = withTemplates(([data]) => (data.spec.resources.requests.storage = '200Gi'));
    expect(reports[0].risks).toEqual([
      {
        kind: 'claim-templates-changed',
        text: `StatefulSet monitoring/prometheus: volumeClaimTemplates changed (data: storage 100Gi → 200Gi (larger)). ${RECREATE}`,
      },
    ]);
  });

  it('WHEN its storage class and access mode change THEN one risk names both', () => {
    const reports = withTemplates(([data]) => {
      data.spec.storageClassName = 'gp2';
      data.spec.accessModes = ['ReadWriteOncePod'];
    });
    expect(risksOf(reports)).toEqual([
      `- StatefulSet monitoring/prometheus: volumeClaimTemplates changed (data: accessModes[0] ReadWriteOnce → ReadWriteOncePod; data: storageClassName gp3 → gp2). ${RECREATE}`,
    ]);
  });

  it('WHEN the template is removed THEN that is the one risk, not "Storage deleted": its claims stay', () => {
    const reports = withTemplates((templates) => templates.splice(0, 1));
    expect(risksOf(reports)).toEqual([`- StatefulSet monitoring/prometheus: volumeClaimTemplates changed (data removed). ${RECREATE}`]);
  });

  it('WHEN the storage is respelled "100Gb" THEN the one risk says the size cannot be read', () => {
    const reports = withTemplates(([data]) => (data.spec.resources.requests.storage = '100Gb'));
    expect(risksOf(reports)).toEqual([
      `- StatefulSet monitoring/prometheus: volumeClaimTemplates changed (data: storage 100Gi → 100Gb (cannot be read; compare by hand)). ${RECREATE}`,
    ]);
  });

  it('WHEN the whole StatefulSet is removed THEN its template’s storage is reported deleted, and no recreate risk', () => {
    const reports = prodOnly((files) => editObject(files, 'prometheus.yaml', 'StatefulSet', 'prometheus', 'remove'));
    expect(reports[0].risks.map((risk) => risk.kind)).not.toContain('claim-templates-changed');
    expect(risksOf(reports)).toContain('- Storage deleted: StatefulSet monitoring/prometheus volumeClaimTemplate data (100Gi)');
  });
});
