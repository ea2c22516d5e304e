// Static checks on every rule: required labels and annotations, names, seed alerts, and test coverage.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DASHBOARD_UIDS } from '../../contracts/dashboards';
import { ALERT_RULES, PRIORITIES_OF, RULE_GROUPS, isRecording } from '../../rules';
import { catalogByName } from '../../rules/catalog';
import { metricNamesIn } from '../../rules/promql';
import { RULE_TEST_CASES } from './cases';
import { removeDir, synthToTemp } from '../helpers/synth-tmp';

interface RenderedRule {
  alert?: string;
  record?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

let dist: string;
beforeAll(() => (dist = synthToTemp({ environments: ['prod'] })));
afterAll(() => removeDir(dist));

const renderedGroups = () => {
  const dir = join(dist, 'prod', 'config', 'rules');
  return readdirSync(dir).flatMap(
    (file) => (parse(readFileSync(join(dir, file), 'utf8')) as { groups: Array<{ name: string; rules: RenderedRule[] }> }).groups,
  );
};

// The seed documents' alerts: name → severity where the seed gives one.
const SEED_ALERTS: Record<string, string | undefined> = {
  MoETrainingLossHigh: 'warning',
  GPUMemoryUsageHigh: 'critical',
  ExpertLoadImbalance: 'warning',
  InferenceLatencyHigh: 'warning',
  LowEpisodeGenerationRate: undefined,
  HighGPUMemoryUsage: undefined,
  TrainingLossDivergence: undefined,
  FrequentPodRestarts: undefined,
  PythonBridgeErrors: undefined,
  CheckpointFailures: undefined,
  Watchdog: undefined,
};

const allCases = Object.values(RULE_TEST_CASES).flat();

describe('alert rules as generated', () => {
  it('GIVEN every alert in the rules files THEN it has severity, priority, summary, description, runbook_url and dashboard_url', () => {
    const alerts = renderedGroups().flatMap((g) => g.rules.filter((r) => r.alert));
    expect(alerts.length).toBe(ALERT_RULES.length);
    expect(alerts.length).toBeGreaterThan(40);
    for (const rule of alerts) {
      expect([rule.alert, rule.labels?.severity, rule.labels?.priority]).toEqual([
        rule.alert,
        expect.stringMatching(/^(critical|warning|info)$/),
        expect.stringMatching(/^P[0-3]$/),
      ]);
      expect([rule.alert, Object.keys(rule.annotations ?? {}).sort()]).toEqual([
        rule.alert,
        ['dashboard_url', 'description', 'runbook_url', 'summary'],
      ]);
      expect(rule.annotations!.runbook_url).toMatch(new RegExp(`/${rule.alert}\\.md$`));
      expect(rule.annotations!.dashboard_url).toMatch(/\/d\/[a-z-]+$/);
    }
  });

  it('GIVEN every rule group THEN no two rules share a name, and alerts sharing a name elsewhere are severity tiers', () => {
    for (const group of renderedGroups()) {
      const names = group.rules.map((r) => r.alert ?? r.record);
      expect([group.name, names.filter((n, i) => names.indexOf(n) !== i)]).toEqual([group.name, []]);
    }
    // A warning and a critical rule may share a name (Alertmanager inhibits the warning); nothing else may.
    const tiers = ALERT_RULES.map((r) => `${r.alert}/${r.severity}`);
    expect(tiers.filter((n, i) => tiers.indexOf(n) !== i)).toEqual([]);
  });
});

describe('alert rules as typed data', () => {
  it('GIVEN the seed documents THEN every seed alert exists under its exact name with the seed severity', () => {
    for (const [name, severity] of Object.entries(SEED_ALERTS)) {
      const rule = ALERT_RULES.find((r) => r.alert === name);
      expect([name, rule !== undefined]).toEqual([name, true]);
      if (severity) expect([name, rule!.severity]).toEqual([name, severity]);
    }
  });

  it('GIVEN every alert THEN its priority fits its severity, its dashboard exists and its description shows the value', () => {
    for (const rule of ALERT_RULES) {
      expect([rule.alert, PRIORITIES_OF[rule.severity].includes(rule.priority)]).toEqual([rule.alert, true]);
      expect([rule.alert, DASHBOARD_UIDS.includes(rule.dashboard)]).toEqual([rule.alert, true]);
      if (rule.alert !== 'Watchdog') expect([rule.alert, rule.description]).toEqual([rule.alert, expect.stringContaining('$value')]);
    }
  });

  it('GIVEN pod-scoped alerts THEN their expression keeps a node label for the node-outage inhibition', () => {
    // Aggregations that drop `node` would make the inhibition silently ineffective.
    for (const rule of ALERT_RULES.filter((r) => r.scope)) {
      expect([rule.alert, /\b(sum|avg|max|min|count)\s+by\s*\((?![^)]*\bnode\b)[^)]*\)\s*\(/.test(rule.expr)]).toEqual([rule.alert, false]);
    }
  });

  // That each catalog entry's recordedFrom matches its rule's expression is checked once, in metric-catalog.test.ts.
  it('GIVEN every recording rule THEN it keeps a seed name or follows level:metric:operations, and the catalog records its unit', () => {
    const catalog = catalogByName();
    for (const rule of RULE_GROUPS.flatMap((g) => g.rules.filter(isRecording))) {
      const entry = catalog.get(rule.record);
      expect([rule.record, entry?.source]).toEqual([rule.record, 'recording-rule']);
      if (rule.record.includes(':')) expect(rule.record).toMatch(/^[a-z_]+:[A-Za-z0-9_]+:[a-z0-9_]+$/);
    }
  });
});

describe('rule test coverage', () => {
  it('GIVEN every alert THEN a test case makes it fire and another proves it stays silent', () => {
    // Watchdog is `vector(1)`: it has no condition to be false. Its silence is the alarm, detected by the heartbeat service.
    const missing = ALERT_RULES.filter((rule) => rule.alert !== 'Watchdog').flatMap((rule) => {
      const expectations = allCases.flatMap((c) => c.alerts ?? []).filter((a) => a.alert === rule.alert);
      return [
        ...(expectations.some((a) => a.fires.some((f) => f.labels.severity === rule.severity))
          ? []
          : [`${rule.alert}: no case where the ${rule.severity} rule fires`]),
        ...(expectations.some((a) => a.fires.length === 0) ? [] : [`${rule.alert}: no silent case`]),
      ];
    });
    expect(missing).toEqual([]);
  });

  it('GIVEN every recording rule THEN an expression test reads its output', () => {
    const tested = new Set(allCases.flatMap((c) => c.expressions ?? []).flatMap((e) => metricNamesIn(e.expr)));
    const untested = RULE_GROUPS.flatMap((g) => g.rules.filter(isRecording)).filter((r) => !tested.has(r.record));
    expect(untested.map((r) => r.record)).toEqual([]);
  });

  it('GIVEN every test case THEN it names only alerts that exist', () => {
    const names = new Set(ALERT_RULES.map((r) => r.alert));
    const unknown = allCases.flatMap((c) => c.alerts ?? []).filter((a) => !names.has(a.alert));
    expect(unknown.map((a) => a.alert)).toEqual([]);
  });
});
