// One source of truth for thresholds: change a constant in rules/thresholds.ts and both the alert
// expression and the threshold steps of the panels on that alert's dashboard move with it.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardUid } from '../../dashboards';
import { panelsOf } from '../../dashboards/lib/expressions';
import type { AlertRule } from '../../rules';
import * as THRESHOLDS from '../../rules/thresholds';
import { PROD_LINKS, thresholdValuesOf } from '../helpers/dashboard-queries';

type Thresholds = typeof THRESHOLDS;
type ThresholdGroup = { [G in keyof Thresholds]: Thresholds[G] extends Readonly<Record<string, unknown>> ? G : never }[keyof Thresholds];

interface Build {
  readonly alerts: readonly AlertRule[];
  readonly dashboards: ReadonlyMap<DashboardUid, dashboard.Dashboard>;
}

/** Rules and dashboards evaluated from fresh modules, after `change` has edited the fresh thresholds module. */
function buildWith(change: (thresholds: Thresholds) => void = () => undefined): Build {
  let build: Build | undefined;
  jest.isolateModules(() => {
    change(jest.requireActual<Thresholds>('../../rules/thresholds'));
    const { ALERT_RULES, GLOBAL_ALERT_RULES } = jest.requireActual<typeof import('../../rules')>('../../rules');
    const { buildDashboards } = jest.requireActual<typeof import('../../dashboards')>('../../dashboards');
    build = { alerts: [...ALERT_RULES, ...GLOBAL_ALERT_RULES], dashboards: buildDashboards(PROD_LINKS) };
  });
  return build!;
}

const numberIn = (text: string, value: number) => new RegExp(`(?<![\\w.])${String(value).replace('.', '\\.')}(?![\\w.])`).test(text);
/** A panel may draw a percentage constant (`…Percent…`) as a ratio (value / 100); other constants only as they are. */
const drawsAt = (panel: dashboard.Panel, value: number, key: string) =>
  thresholdValuesOf(panel).some(
    (step) => Math.abs(step - value) < 1e-9 || (key.includes('Percent') && Math.abs(step - value / 100) < 1e-12),
  );
/** Panels of the alert's dashboard that show its signal: runbookLinker links them to its runbook. */
const panelsShowing = (build: Build, alert: AlertRule) =>
  panelsOf(build.dashboards.get(alert.dashboard)!).filter((panel) =>
    (panel.links ?? []).some((link) => link.title === `Runbook: ${alert.alert}`),
  );

/** Every numeric constant of rules/thresholds.ts (windows are durations, not thresholds). */
const CASES: ReadonlyArray<{ readonly group: ThresholdGroup; readonly key: string }> = (
  Object.keys(THRESHOLDS) as ThresholdGroup[]
).flatMap((group) =>
  Object.entries(THRESHOLDS[group] as Readonly<Record<string, unknown>>)
    .filter(([, value]) => typeof value === 'number')
    .map(([key]) => ({ group, key })),
);
const baseline = buildWith();

it('GIVEN the thresholds module THEN every alert group of constants is covered', () => {
  expect(new Set(CASES.map(({ group }) => group))).toEqual(
    new Set(['TRAINING', 'INFERENCE', 'MAGE', 'KUBERNETES', 'NODE', 'GPU', 'BACKUP', 'LOGS', 'META', 'FLEET']),
  );
});

describe.each(CASES)('threshold $group / $key', ({ group, key }) => {
  const old = (THRESHOLDS[group] as Readonly<Record<string, unknown>>)[key] as number;
  // Not a round number, so it cannot already be in a rule or a panel by coincidence (checked below).
  const moved = old + 0.125;
  const changed = buildWith((thresholds) => ((thresholds[group] as Record<string, unknown>)[key] = moved));
  const movedAlerts = changed.alerts.filter((alert) => numberIn(alert.expr, moved));

  it('GIVEN the unchanged sources THEN the moved value appears nowhere yet, and the constant is a number', () => {
    expect(typeof old).toBe('number');
    expect(baseline.alerts.filter((alert) => numberIn(alert.expr, moved))).toEqual([]);
    expect([...baseline.dashboards.values()].flatMap(panelsOf).filter((panel) => drawsAt(panel, moved, key))).toEqual([]);
  });

  it('GIVEN the constant changed in a fresh module registry WHEN rules are rebuilt THEN the alert expression carries the new value instead of the old', () => {
    expect(movedAlerts.length).toBeGreaterThan(0);
    for (const alert of movedAlerts) {
      const before = baseline.alerts.find((a) => a.alert === alert.alert && a.severity === alert.severity)!;
      expect([alert.alert, numberIn(before.expr, old), numberIn(alert.expr, old)]).toEqual([alert.alert, true, false]);
    }
  });

  it('GIVEN the constant changed WHEN dashboards are rebuilt THEN every panel of the alert’s dashboard that drew the old value draws the new one, and none the old', () => {
    expect(movedAlerts.length).toBeGreaterThan(0);
    for (const alert of movedAlerts) {
      const before = panelsShowing(baseline, alert).filter((panel) => drawsAt(panel, old, key));
      const after = panelsShowing(changed, alert);
      const where = `${alert.alert} on /d/${alert.dashboard}`;
      expect([where, before.length > 0]).toEqual([where, true]);
      expect([where, after.filter((panel) => drawsAt(panel, moved, key)).map((p) => p.title)]).toEqual([where, before.map((p) => p.title)]);
      expect([where, after.filter((panel) => drawsAt(panel, old, key)).map((p) => p.title)]).toEqual([where, []]);
    }
  });
});
