// End-to-end: a real Prometheus on 127.0.0.1 with the generated rule files, over two hours of
// synthetic data for every exporter metric of the catalog (a healthy cluster, imported as a TSDB
// block). Every dashboard variable must list values and every panel query must return data.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { buildDashboards, type DashboardUid } from '../../dashboards';
import { panelExpressions, panelsOf, substituteVariables } from '../../dashboards/lib/expressions';
import { RULE_GROUPS } from '../../rules';
import { METRIC_CATALOG } from '../../rules/catalog';
import { federationRecorded } from '../../rules/catalog/recorded/federation';
import { renderRuleFiles } from '../../rules/render';
import { PROD_LINKS, panelCases, parseLabelValues, selectorsIn, variableQuery, variablesOf } from '../helpers/dashboard-queries';
import { instantQuery, labelValues, ruleGroups, waitForRuleEvaluations } from '../helpers/prometheus-api';
import { freePort, type StartedProcess } from '../helpers/processes';
import { startPrometheus } from '../helpers/prometheus-server';
import { WRITTEN_BY_PROMETHEUS, syntheticSeries, toOpenMetrics } from '../helpers/synthetic-metrics';
import { removeDir, tempDir } from '../helpers/synth-tmp';
import { runTool } from '../helpers/tools';

const HOURS_OF_DATA = 2;
const STEP_SECONDS = 15;
/** How far back variables list values: the dashboards' default time range. */
const VARIABLE_RANGE_SECONDS = 6 * 3600;

// One member cluster's Prometheus: the fleet dashboard belongs to the global one (test/e2e/federation.e2e.test.ts).
const built = buildDashboards(PROD_LINKS, 'member');
const cases = panelCases(built);

/** Every expression whose `label="value"` matchers the synthetic data must satisfy: rules, panels, variables. */
const queriedExpressions = (): string[] => [
  ...RULE_GROUPS.flatMap((group) => group.rules.map((rule) => rule.expr)),
  ...cases.flatMap(({ panel }) => panelExpressions(panel).map((expr) => substituteVariables(expr))),
  ...[...built.values()]
    .flatMap(variablesOf)
    .flatMap((variable) => parseLabelValues(variableQuery(variable))?.selector ?? [])
    .map((s) => substituteVariables(s)),
];

/** The rule files as generated, with test-only 1 s evaluation: a group's own `interval` is dropped. */
function writeRuleFiles(dir: string): number {
  mkdirSync(dir);
  let groups = 0;
  for (const [file, text] of renderRuleFiles(RULE_GROUPS, PROD_LINKS)) {
    const body = parse(text) as { groups: Array<{ interval?: string }> };
    for (const group of body.groups) delete group.interval;
    groups += body.groups.length;
    writeFileSync(join(dir, file), stringify(body, { lineWidth: 0 }));
  }
  return groups;
}

interface Resolved {
  readonly values: Record<string, string>;
  readonly problems: string[];
}

/**
 * Each variable in order, as Grafana resolves them: its label_values query with the earlier ones
 * substituted, then its first value. `cluster` is an external label, absent from a single
 * Prometheus, so it may be empty and stays at All (`.*`); every other variable must list a value.
 */
async function resolveVariables(api: string, uid: DashboardUid, board: dashboard.Dashboard): Promise<Resolved> {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const variable of variablesOf(board).filter((v) => v.type !== 'datasource')) {
    const query = parseLabelValues(variableQuery(variable));
    if (variable.type !== 'query' || !query) {
      problems.push(`${uid}: $${variable.name} is not a label_values query: ${variableQuery(variable)}`);
      continue;
    }
    const selector = query.selector && substituteVariables(query.selector, values);
    const found = await labelValues(api, query.label, selector, VARIABLE_RANGE_SECONDS);
    if (found.length > 0) values[variable.name] = found[0];
    else if (variable.name !== 'cluster')
      problems.push(`${uid}: $${variable.name} lists no values: label_values(${selector}, ${query.label})`);
  }
  return { values, problems };
}

/** Every panel query with `values` substituted (missing ones as All), run at now; one line per failure. */
async function emptyOrFailingQueries(
  api: string,
  time: number,
  valuesOf: (uid: DashboardUid) => Record<string, string>,
): Promise<string[]> {
  const failures: string[] = [];
  for (const { uid, panel, name } of cases) {
    for (const expr of panelExpressions(panel)) {
      const query = substituteVariables(expr, valuesOf(uid));
      const outcome = await instantQuery(api, query, time);
      if (outcome.results === 0) failures.push(`${name}: ${outcome.error ?? 'empty result'}: ${query}`);
    }
  }
  return failures;
}

describe('dashboards against a real Prometheus with the generated rules and synthetic healthy data', () => {
  const started: StartedProcess[] = [];
  let work: string;
  let api: string;
  /** One instant for every panel query: just after the rules ran, inside the data's 5-minute lookback. */
  let queryTime: number;
  let groupCount: number;

  beforeAll(async () => {
    work = tempDir('e2e-dashboards');
    // Ends a few seconds ago, so every series is inside the 5-minute lookback of a query at now.
    const end = Math.floor(Date.now() / 1000) - 5;
    writeFileSync(
      join(work, 'data.om'),
      toOpenMetrics(syntheticSeries(queriedExpressions()), end - HOURS_OF_DATA * 3600, end, STEP_SECONDS),
    );
    const imported = runTool('promtool', [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      '--max-block-duration=24h',
      join(work, 'data.om'),
      join(work, 'tsdb'),
    ]);
    if (imported.status !== 0) throw new Error(`promtool could not import the synthetic data:\n${imported.output}`);

    groupCount = writeRuleFiles(join(work, 'rules'));
    writeFileSync(
      join(work, 'prometheus.yml'),
      stringify({ global: { evaluation_interval: '1s' }, rule_files: [join(work, 'rules', '*.yml')] }),
    );
    api = await startPrometheus({ configFile: join(work, 'prometheus.yml'), dataDir: join(work, 'tsdb'), port: await freePort() }, started);
    await waitForRuleEvaluations(api, groupCount, 3, 30000);
    queryTime = Date.now() / 1000;
    // rate(...[5m]) needs two samples in its window: a set-up slower than this would empty panels for no fault of theirs.
    if (queryTime - end > 120)
      throw new Error(`set-up took ${Math.round(queryTime - end)} s; the synthetic data ends outside the queries' lookback`);
  });

  afterAll(async () => {
    await Promise.all(started.map((process) => process.stop()));
    if (work) removeDir(work);
  });

  it('GIVEN the generated rule files WHEN evaluated on the synthetic data THEN no rule reports an error', async () => {
    const states = await ruleGroups(api);
    expect(states.length).toBe(groupCount);
    const errors = states.flatMap((group) =>
      group.rules
        .filter((rule) => rule.health === 'err' || rule.lastError)
        .map((rule) => `${group.name} / ${rule.name}: ${rule.lastError}`),
    );
    expect(errors).toEqual([]);
  });

  it('GIVEN the synthetic data and the rules THEN every catalog metric has series: exporter ones imported, recorded ones computed', async () => {
    const missing: string[] = [];
    // The fleet rules run on the global Prometheus only; the federation e2e test covers them.
    const globalOnly = new Set(federationRecorded.map((m) => m.name));
    for (const metric of METRIC_CATALOG.filter((m) => !WRITTEN_BY_PROMETHEUS.has(m.name) && !globalOnly.has(m.name))) {
      if ((await instantQuery(api, `count({__name__="${metric.name}"})`)).results === 0) missing.push(`${metric.name} (${metric.source})`);
    }
    expect(missing).toEqual([]);
  });

  it('GIVEN every dashboard WHEN its variables are resolved in order THEN each lists at least one value (cluster may be All)', async () => {
    const problems: string[] = [];
    for (const [uid, board] of built) problems.push(...(await resolveVariables(api, uid, board)).problems);
    expect(problems).toEqual([]);
  });

  it('GIVEN every variable at its first value WHEN each panel query runs at now THEN it succeeds with a non-empty result', async () => {
    const resolved = new Map<DashboardUid, Record<string, string>>();
    for (const [uid, board] of built) resolved.set(uid, (await resolveVariables(api, uid, board)).values);
    expect(await emptyOrFailingQueries(api, queryTime, (uid) => resolved.get(uid)!)).toEqual([]);
  });

  it('GIVEN every variable at All WHEN each panel query runs at now THEN it succeeds with a non-empty result', async () => {
    expect(await emptyOrFailingQueries(api, queryTime, () => ({}))).toEqual([]);
  });

  it('GIVEN every series selector of every panel query WHEN it runs alone THEN it finds series, so `or vector(0)` hides no empty one', async () => {
    const empty = new Set<string>();
    for (const [uid, board] of built) {
      const { values } = await resolveVariables(api, uid, board);
      const selectors = panelsOf(board)
        .flatMap(panelExpressions)
        .flatMap((expr) => selectorsIn(substituteVariables(expr, values)))
        // On a healthy cluster only the Watchdog fires; ALERTS' label values are checked against the catalog instead.
        .filter((selector) => selector.metric !== 'ALERTS');
      for (const selector of new Set(selectors.map((s) => s.text))) {
        if ((await instantQuery(api, `count(${selector})`, queryTime)).results === 0) empty.add(`${uid}: ${selector}`);
      }
    }
    expect([...empty]).toEqual([]);
  });

  it('GIVEN a query for an app that does not exist WHEN checked the same way THEN it is reported, so the checks can fail', async () => {
    expect((await instantQuery(api, 'max(moe_lab_training_loss{app="no-such-app"})')).results).toBe(0);
    expect((await instantQuery(api, 'max(moe_lab_training_loss{')).error).toEqual(expect.any(String));
  });
});
