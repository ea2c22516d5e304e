// Static checks on every built dashboard and every panel: uids, links, template variables, and each
// panel's datasource, description, unit, thresholds and PromQL (parsed, metrics in the catalog).
// Loki targets carry LogQL, not PromQL: the PromQL checks skip them and test/rules/logql.test.ts checks them.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboards, renderDashboards, type DashboardUid } from '../../dashboards';
import { DATASOURCES } from '../../dashboards/lib/datasources';
import { isLokiTarget, logqlExpressions, panelExpressions, substituteVariables, variablesIn } from '../../dashboards/lib/expressions';
import { GRAFANA_UNITS } from '../../dashboards/lib/units';
import { ALERT_RULES } from '../../rules';
import { catalogByName } from '../../rules/catalog';
import { metricNamesIn } from '../../rules/promql';
import {
  PROD_LINKS,
  panelCases,
  parseLabelValues,
  selectorsIn,
  thresholdStepsOf,
  variableQuery,
  variablesOf,
} from '../helpers/dashboard-queries';

// The dashboards alerts link to (/d/<uid>): six workload and system views, the alerts overview, and the
// fleet overview the global Prometheus's alerts link to.
const REQUIRED_UIDS = ['training', 'inference', 'routing', 'system', 'gpu', 'mage-training', 'alerts', 'fleet'];
// Labels Prometheus and our relabelling put on every scraped series; the catalog lists only the others.
const TARGET_LABELS = new Set(['cluster', 'job', 'instance', 'namespace', 'pod', 'container', 'node', 'app']);

const built = buildDashboards(PROD_LINKS);
const catalog = catalogByName();
const uids = [...built.keys()];
const board = (uid: DashboardUid) => built.get(uid)!;
const grafanaUnits = new Set(Object.values(GRAFANA_UNITS));

/** The datasource a panel, target or variable names: the dashboard's `$datasource`, of type prometheus. */
const isPrometheusVariableRef = (ref: unknown) =>
  typeof ref === 'object' &&
  ref !== null &&
  (ref as { type?: string }).type === 'prometheus' &&
  variablesIn(String((ref as { uid?: string }).uid)).join() === 'datasource';
/** Logs come from the one Loki of the cluster, by its fixed uid. */
const isLokiRef = (ref: unknown) => JSON.stringify(ref) === JSON.stringify({ type: 'loki', uid: DATASOURCES.loki.uid });
/** Every PromQL and LogQL expression of a panel: variables may appear in either. */
const allExpressions = (panel: dashboard.Panel) => [...panelExpressions(panel), ...logqlExpressions(panel)];

describe('dashboard registry', () => {
  it('GIVEN the built dashboards THEN exactly the required uids exist, each built with its own uid and a title of its own', () => {
    expect([...uids].sort()).toEqual([...REQUIRED_UIDS].sort());
    for (const uid of uids) expect([uid, board(uid).uid]).toEqual([uid, uid]);
    const titles = uids.map((uid) => board(uid).title ?? '');
    expect(titles.filter((title, i) => title.trim() === '' || titles.indexOf(title) !== i)).toEqual([]);
  });

  it('GIVEN the same sources WHEN rendered twice THEN the JSON is identical and each file parses back to its dashboard', () => {
    const first = renderDashboards(PROD_LINKS);
    const second = renderDashboards(PROD_LINKS);
    expect([...second]).toEqual([...first]);
    expect([...first.keys()].sort()).toEqual(uids.map((uid) => `${uid}.json`).sort());
    for (const [file, json] of first)
      expect([file, (JSON.parse(json) as dashboard.Dashboard).uid]).toEqual([file, file.replace(/\.json$/, '')]);
  });
});

describe.each(uids)('dashboard %s', (uid) => {
  const variables = variablesOf(board(uid));
  const defined = variables.map((v) => v.name);
  const panels = panelCases(new Map([[uid, board(uid)]]));

  it('GIVEN its links THEN it links to every other dashboard by /d/<uid> and to the runbook index', () => {
    const urls = (board(uid).links ?? []).map((link) => link.url);
    expect(uids.filter((other) => other !== uid).filter((other) => !urls.includes(`/d/${other}`))).toEqual([]);
    expect(urls).toContain(`${PROD_LINKS.runbookBaseUrl}/README.md`);
  });

  it('GIVEN every alert whose dashboard_url points here THEN some panel shows its signal and links its runbook', () => {
    // Alerts on no metric (the Watchdog's vector(1)) have no signal to show.
    const pointingHere = ALERT_RULES.filter((rule) => rule.dashboard === uid && metricNamesIn(rule.expr).length > 0);
    const linked = new Set(panels.flatMap(({ panel }) => (panel.links ?? []).map((link) => link.title)));
    expect([...new Set(pointingHere.map((rule) => rule.alert))].filter((alert) => !linked.has(`Runbook: ${alert}`))).toEqual([]);
  });

  it('GIVEN its variables THEN datasource (Prometheus), cluster and namespace exist, and All also matches series without the label', () => {
    expect(defined).toEqual(expect.arrayContaining(['datasource', 'cluster', 'namespace']));
    const datasource = variables.find((v) => v.name === 'datasource')!;
    expect([datasource.type, datasource.query]).toEqual(['datasource', 'prometheus']);
    for (const variable of variables.filter((v) => v.type === 'query')) {
      expect([variable.name, variable.includeAll, new RegExp(`^(?:${variable.allValue})$`).test('')]).toEqual([variable.name, true, true]);
    }
  });

  it('GIVEN every query variable THEN it is label_values(<selector>, <label>) on a catalog metric that carries that label, and panels match that label against it', () => {
    for (const variable of variables.filter((v) => v.type === 'query')) {
      const parsed = parseLabelValues(variableQuery(variable));
      expect([variable.name, parsed !== undefined, isPrometheusVariableRef(variable.datasource)]).toEqual([variable.name, true, true]);
      // `pod=~"$worker"` must filter the label $worker lists; a mismatch would filter on values that never occur.
      const matchedAs = new Set(
        panels.flatMap(({ panel }) =>
          allExpressions(panel).flatMap((expr) =>
            [...expr.matchAll(new RegExp(`(\\w+)=~"[^"]*\\$${variable.name}\\b`, 'g'))].map((m) => m[1]),
          ),
        ),
      );
      expect([variable.name, [...matchedAs].filter((label) => label !== parsed!.label)]).toEqual([variable.name, []]);
      const metrics = metricNamesIn(substituteVariables(parsed!.selector ?? ''));
      expect([variable.name, metrics.length, metrics.filter((name) => !catalog.has(name))]).toEqual([variable.name, 1, []]);
      const entry = catalog.get(metrics[0])!;
      // Recorded series keep the labels their rule aggregates by; the catalog lists them only for exporter metrics.
      if (!TARGET_LABELS.has(parsed!.label) && entry.source !== 'recording-rule') {
        expect([variable.name, entry.labels ?? []]).toEqual([variable.name, expect.arrayContaining([parsed!.label])]);
      }
    }
  });

  it('GIVEN every $variable in variables and panels THEN it is defined, and defined before the variable that uses it', () => {
    const problems = variables.flatMap((variable, i) =>
      [...variablesIn(variableQuery(variable)), ...variablesIn(String(variable.datasource?.uid ?? ''))]
        .filter((used) => !defined.slice(0, i).includes(used))
        .map((used) => `variable ${variable.name} uses $${used} before it is defined`),
    );
    for (const { name, panel } of panels) {
      const used = [...allExpressions(panel), String(panel.datasource?.uid ?? '')].flatMap(variablesIn);
      problems.push(...used.filter((v) => !defined.includes(v)).map((v) => `${name} uses undefined $${v}`));
    }
    expect(problems).toEqual([]);
  });

  it('GIVEN its filter variables THEN each one filters at least one panel query', () => {
    expect(panels.length).toBeGreaterThan(0);
    const used = new Set(panels.flatMap(({ panel }) => allExpressions(panel).flatMap(variablesIn)));
    expect(defined.filter((name) => name !== 'datasource' && !used.has(name))).toEqual([]);
  });

  it('GIVEN its layout THEN panel ids are unique and every panel fits the 24-column grid', () => {
    const ids = (board(uid).panels ?? []).flatMap((p) => [p.id, ...((p as dashboard.RowPanel).panels ?? []).map((n) => n.id)]);
    expect(ids.filter((id, i) => id === undefined || ids.indexOf(id) !== i)).toEqual([]);
    for (const { name, panel } of panels) {
      const grid = panel.gridPos!;
      expect([name, grid.w > 0 && grid.h > 0 && grid.x >= 0 && grid.x + grid.w <= 24]).toEqual([name, true]);
    }
  });
});

const cases = panelCases(built);
/** The fields of a Prometheus query the checks read; the SDK types targets as the generic Dataquery. */
type PromTarget = { readonly datasource?: unknown; readonly refId?: string };

// Every panel of the stack shows query results; a text panel, if one is ever added, needs checks of its own.
it('GIVEN every panel THEN it is a data panel, so the checks below apply to all of them', () => {
  expect(cases.length).toBeGreaterThan(0);
  expect(cases.filter(({ panel }) => panel.type === 'text').map(({ name }) => name)).toEqual([]);
});

describe.each(cases)('panel $name', ({ panel }) => {
  // PromQL only: a Loki panel has none, and every check on `exprs` below holds for it trivially.
  const exprs = panelExpressions(panel);
  const loki = (panel.targets ?? []).some(isLokiTarget);

  it('GIVEN the panel and its queries THEN they query the dashboard’s $datasource Prometheus, or all of them the fixed Loki', () => {
    const isRef = loki ? isLokiRef : isPrometheusVariableRef;
    expect([loki, isRef(panel.datasource)]).toEqual([loki, true]);
    expect((panel.targets ?? []).filter((target) => !isRef((target as PromTarget).datasource))).toEqual([]);
  });

  it('GIVEN the panel THEN it has a description, and a catalog unit unless it lists log lines', () => {
    expect(panel.description?.trim().length ?? 0).toBeGreaterThan(20);
    // A logs panel shows lines, not values: there is nothing for a unit to format.
    if (panel.type !== 'logs') expect(grafanaUnits.has(panel.fieldConfig?.defaults?.unit ?? '')).toBe(true);
  });

  it('GIVEN its queries with variables substituted THEN each is PromQL or LogQL, and the PromQL parses and reads only catalog metrics', () => {
    expect(exprs.length + logqlExpressions(panel).length).toBeGreaterThan(0);
    expect(exprs.length + logqlExpressions(panel).length).toBe(panel.targets!.length);
    const refIds = panel.targets!.map((target) => (target as PromTarget).refId);
    expect(new Set(refIds).size).toBe(refIds.length);
    for (const expr of exprs) {
      const metrics = metricNamesIn(substituteVariables(expr));
      expect([expr, metrics.filter((name) => !catalog.has(name))]).toEqual([expr, []]);
    }
  });

  // Loki streams have no cluster label (one Loki per cluster), so only PromQL selectors are checked.
  it('GIVEN its queries THEN every series selector filters on cluster=~"$cluster"', () => {
    const unfiltered = exprs
      .flatMap(selectorsIn)
      .filter((s) => !s.matchers.some((m) => m.label === 'cluster' && m.op === '=~' && m.value === '$cluster'));
    expect(unfiltered.map((s) => s.text)).toEqual([]);
  });

  it('GIVEN its queries THEN every label they match on is a target label or one the metric’s catalog entry declares', () => {
    // Recorded series carry the labels their rule keeps; those are checked by running the queries (e2e).
    const undeclared = exprs.flatMap(selectorsIn).flatMap((s) => {
      const entry = s.metric === undefined ? undefined : catalog.get(s.metric);
      if (!entry || entry.source === 'recording-rule') return [];
      return s.matchers
        .filter((m) => !TARGET_LABELS.has(m.label) && !(entry.labels ?? []).includes(m.label))
        .map((m) => `${s.metric}: ${m.label}`);
    });
    expect(undeclared).toEqual([]);
  });

  it('GIVEN its thresholds THEN they are absolute, start at the base step and ascend', () => {
    const modes = [
      panel.fieldConfig?.defaults?.thresholds?.mode,
      ...(panel.fieldConfig?.overrides ?? []).flatMap((o) =>
        o.properties.filter((p) => p.id === 'thresholds').map((p) => (p.value as dashboard.ThresholdsConfig).mode),
      ),
    ];
    expect(modes.filter((mode) => mode !== undefined && mode !== 'absolute')).toEqual([]);
    for (const steps of thresholdStepsOf(panel)) {
      const values = steps.slice(1).map((step) => step.value);
      expect([steps[0]?.value, values.every((v, i) => typeof v === 'number' && (i === 0 || v > values[i - 1]!))]).toEqual([null, true]);
    }
  });
});

const tables = cases.filter(({ panel }) => panel.type === 'table');

describe.each(tables)('table $name', ({ panel }) => {
  it('GIVEN every column THEN it has a catalog unit', () => {
    const columns = (panel.fieldConfig?.overrides ?? []).map((o) => [o.matcher.options, o.properties.find((p) => p.id === 'unit')?.value]);
    expect(columns.length).toBeGreaterThanOrEqual(panel.targets!.length);
    expect(columns.filter(([, unit]) => !grafanaUnits.has(unit as string))).toEqual([]);
  });

  it('GIVEN a table THEN it renames and orders exactly the value fields Grafana produces for its queries', () => {
    // Grafana's Prometheus table format names the value `Value` for a single query, `Value #<refId>` for several.
    const refIds = panel.targets!.map((target) => (target as PromTarget).refId!);
    const valueFields = refIds.length === 1 ? ['Value'] : refIds.map((refId) => `Value #${refId}`);
    const organize = (panel.transformations ?? []).find((t) => t.id === 'organize')?.options as
      { renameByName: Record<string, string>; indexByName: Record<string, number> } | undefined;
    expect(Object.keys(organize?.renameByName ?? {}).sort()).toEqual([...valueFields].sort());
    expect(valueFields.filter((field) => organize?.indexByName[field] === undefined)).toEqual([]);
  });
});

it('GIVEN the dashboards THEN there are tables for the per-job, per-replica and per-pod breakdowns', () => {
  expect(tables.map(({ uid }) => uid)).toEqual(expect.arrayContaining(['training', 'inference', 'mage-training']));
});
