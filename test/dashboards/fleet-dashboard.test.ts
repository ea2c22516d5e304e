// The fleet dashboard runs on the global Prometheus, which holds only what federation pulls: every
// query must read series the `match[]` selectors federate (or the federation job's own `up`), and
// every dashboard's `cluster` variable must list the members there, whatever its own source metric.
import { parse } from 'yaml';
import { loadEnvironments } from '../../config';
import { federationScrapeJobs } from '../../constructs/config-files/federation-config';
import { renderDatasources } from '../../constructs/config-files/grafana-datasources';
import { buildDashboards, DASHBOARD_UIDS, dashboardUids } from '../../dashboards';
import { panelExpressions, substituteVariables, variablesIn } from '../../dashboards/lib/expressions';
import { GRAFANA_UNITS } from '../../dashboards/lib/units';
import { GLOBAL_ALERT_RULES, RULE_GROUPS, isRecording } from '../../rules';
import { catalogByName } from '../../rules/catalog';
import { metricNamesIn } from '../../rules/promql';
import {
  PROD_LINKS,
  panelCases,
  parseLabelValues,
  selectorsIn,
  variableQuery,
  variablesOf,
  type Selector,
} from '../helpers/dashboard-queries';
import { FEDERATE_MATCHERS, FEDERATION_JOB_REGEX } from '../../contracts/federation';

const environments = loadEnvironments();
const prod = environments.find((env) => env.name === 'prod')!;
const built = buildDashboards(PROD_LINKS, 'global');
const fleet = built.get('fleet')!;
const panels = panelCases(new Map([['fleet', fleet]]));
const catalog = catalogByName();
/** PromQL of the panels and the variables after cluster (checked on its own below), All substituted. */
const expressions = [
  ...panels.flatMap(({ panel }) => panelExpressions(panel)),
  ...variablesOf(fleet)
    .filter((v) => v.name !== 'cluster')
    .flatMap((v) => parseLabelValues(variableQuery(v))?.selector ?? []),
].map((expr) => substituteVariables(expr));
const fullMatch = (regex: string, value: string) => new RegExp(`^(?:${regex})$`).test(value);

/** The federate selectors, parsed: a `__name__` pattern or a `job` pattern each. */
const federated = FEDERATE_MATCHERS.flatMap((m) => selectorsIn(m)).flatMap((s) => s.matchers.filter((m) => m.op === '=~'));
const namePatterns = federated.filter((m) => m.label === '__name__').map((m) => m.value);
const jobPatterns = federated.filter((m) => m.label === 'job').map((m) => m.value);

/** Jobs a selector is limited to: one `job="x"`, or each alternative of `job=~"a|b"`; undefined when unlimited. */
function jobsOf(selector: Selector): string[] | undefined {
  const job = selector.matchers.find((m) => m.label === 'job' && (m.op === '=' || m.op === '=~'));
  if (!job) return undefined;
  return job.op === '=' ? [job.value] : job.value.split('|');
}

/** Why a selector would find nothing on the global Prometheus, or undefined if federation brings it there. */
function notFederated(selector: Selector): string | undefined {
  const name = selector.metric ?? '';
  if (name.startsWith('DCGM_')) return 'a raw DCGM series';
  // A recording rule (`level:metric:operations`) that the members evaluate, pulled by the `__name__` selector.
  const recordedByMembers = RULE_GROUPS.some((group) => group.rules.some((rule) => isRecording(rule) && rule.record === name));
  if (recordedByMembers && namePatterns.some((pattern) => fullMatch(pattern, name))) return undefined;
  const jobs = jobsOf(selector);
  if (!jobs) return 'neither a federated recording rule nor limited to federated jobs';
  // `up` of the federation job itself: the global Prometheus writes it for each member target.
  if (name === 'up' && jobs.join('|') === FEDERATION_JOB_REGEX) return undefined;
  // Whole jobs federated by a `job=~` selector: each alternative must be one of those patterns or a job they match.
  const outside = jobs.filter((job) => !jobPatterns.some((pattern) => job === pattern || fullMatch(pattern, job)));
  return outside.length === 0 ? undefined : `jobs ${outside.join(', ')} are not federated`;
}

describe('fleet dashboard registration', () => {
  it('GIVEN the environments WHEN each builds its dashboards for its federation role THEN only the global one has uid fleet, and no other links to it elsewhere', () => {
    const roles = environments.map((env) => [env.name, env.federation.role]);
    expect(roles).toEqual(expect.arrayContaining([['prod', 'global']]));
    for (const env of environments) {
      const boards = buildDashboards(env.alerting, env.federation.role);
      const isGlobal = env.federation.role === 'global';
      expect([env.name, boards.has('fleet')]).toEqual([env.name, isGlobal]);
      expect([env.name, boards.get('fleet')?.uid]).toEqual([env.name, isGlobal ? 'fleet' : undefined]);
      const deadLinks = [...boards.values()].flatMap((b) =>
        (b.links ?? []).filter((l) => l.url?.startsWith('/d/') && !boards.has(l.url.slice(3) as never)),
      );
      expect([env.name, deadLinks.map((l) => l.url)]).toEqual([env.name, []]);
    }
    // Without a role (tests, docs) the whole registry is built.
    expect(dashboardUids().sort()).toEqual([...DASHBOARD_UIDS].sort());
    expect(DASHBOARD_UIDS).toContain('fleet');
  });

  it('GIVEN the fleet dashboard THEN $datasource starts at the global Prometheus (uid prometheus-global) and every panel queries $datasource', () => {
    const datasource = variablesOf(fleet).find((v) => v.name === 'datasource')!;
    expect([datasource.type, datasource.query, datasource.current?.value]).toEqual(['datasource', 'prometheus', 'prometheus-global']);
    const refs = panels.flatMap(({ panel }) => [
      panel.datasource,
      ...(panel.targets ?? []).map((t) => (t as { datasource?: unknown }).datasource),
    ]);
    expect(refs.filter((ref) => variablesIn(String((ref as { uid?: string })?.uid)).join() !== 'datasource')).toEqual([]);
    // The member dashboards still start at the cluster's own Prometheus.
    const gpuDatasource = variablesOf(built.get('gpu')!).find((v) => v.name === 'datasource')!;
    expect(gpuDatasource.current?.value).toBe('prometheus');
  });
});

describe('fleet dashboard queries', () => {
  it('GIVEN every query THEN it parses and reads only catalog metrics', () => {
    expect(expressions.length).toBeGreaterThan(10);
    const problems = expressions.flatMap((expr) => {
      try {
        return metricNamesIn(expr)
          .filter((name) => !catalog.has(name))
          .map((name) => `${expr}: unknown ${name}`);
      } catch (error) {
        return [(error as Error).message];
      }
    });
    expect(problems).toEqual([]);
  });

  it('GIVEN every series selector THEN the federation match[] selectors bring it to the global Prometheus (never a raw DCGM series)', () => {
    // The selectors this check reads must be what the federation job really requests.
    const requested = federationScrapeJobs({ members: prod.federation.members, secretsDir: '/etc/prometheus/secrets' }).map(
      (job) => job.params?.['match[]'],
    );
    expect(requested.length).toBeGreaterThan(0);
    for (const matchers of requested) expect(matchers).toEqual([...FEDERATE_MATCHERS]);
    expect([namePatterns.length, jobPatterns.length]).toEqual([1, 2]);
    const selectors = expressions.flatMap(selectorsIn);
    expect(selectors.map((s) => [s.text, notFederated(s)]).filter(([, why]) => why !== undefined)).toEqual([]);
  });

  it('GIVEN the federation check THEN it rejects raw DCGM series, unfederated jobs and unfederated names, so it can fail', () => {
    const check = (expr: string) => notFederated(selectorsIn(expr)[0]);
    expect(check('DCGM_FI_DEV_GPU_UTIL{job="dcgm-exporter"}')).toBe('a raw DCGM series');
    expect(check('up{job="node-exporter"}')).toBe('jobs node-exporter are not federated');
    expect(check('node_cpu_utilization')).toBe('neither a federated recording rule nor limited to federated jobs');
    expect(check('up{job="mage-worker"}')).toBeUndefined();
  });

  it('GIVEN every series selector THEN it filters on cluster=~"$cluster" and leaves out series without a cluster', () => {
    const selectors = panels.flatMap(({ panel }) => panelExpressions(panel)).flatMap(selectorsIn);
    const has = (s: Selector, op: string, value: string) =>
      s.matchers.some((m) => m.label === 'cluster' && m.op === op && m.value === value);
    expect(selectors.filter((s) => !has(s, '=~', '$cluster') || !has(s, '!=', '')).map((s) => s.text)).toEqual([]);
  });

  it('GIVEN every panel THEN it has a description and a catalog unit', () => {
    const units = new Set(Object.values(GRAFANA_UNITS));
    const bad = panels.filter(
      ({ panel }) => (panel.description?.trim().length ?? 0) < 20 || !units.has(panel.fieldConfig?.defaults?.unit ?? ''),
    );
    expect(panels.length).toBeGreaterThan(10);
    expect(bad.map(({ name }) => name)).toEqual([]);
  });

  it('GIVEN the global alerts that point at the fleet dashboard THEN some panel links each one’s runbook', () => {
    const pointing = GLOBAL_ALERT_RULES.filter((rule) => rule.dashboard === 'fleet').map((rule) => rule.alert);
    expect(pointing.length).toBeGreaterThan(0);
    const linked = new Set(panels.flatMap(({ panel }) => (panel.links ?? []).map((link) => link.title)));
    expect(pointing.filter((alert) => !linked.has(`Runbook: ${alert}`))).toEqual([]);
  });
});

describe('cluster variable on the global Prometheus', () => {
  const clusterQueries = [...built].map(([uid, board]) => {
    const variable = variablesOf(board).find((v) => v.name === 'cluster')!;
    return { uid, board, query: parseLabelValues(variableQuery(variable)), allValue: variable.allValue };
  });

  it('GIVEN every dashboard THEN cluster lists the label from a selector without matchers, independent of the dashboard’s source metric', () => {
    for (const { uid, board, query, allValue } of clusterQueries) {
      expect([uid, query?.label]).toEqual([uid, 'cluster']);
      const selectors = query?.selector ? selectorsIn(query.selector) : [];
      // No matcher narrows it to the dashboard's workload, and no raw source metric (e.g. a DCGM field) is named.
      expect([uid, selectors.flatMap((s) => s.matchers), selectors.filter((s) => s.metric?.startsWith('DCGM_'))]).toEqual([uid, [], []]);
      const namespace = parseLabelValues(variableQuery(variablesOf(board).find((v) => v.name === 'namespace')!))!;
      expect([uid, query?.selector === namespace.selector]).toEqual([uid, false]);
      // All still matches a missing label, as on a member where cluster is only an external label.
      expect([uid, fullMatch(allValue ?? '', '')]).toEqual([uid, true]);
    }
  });

  it('GIVEN the global Prometheus THEN the series the cluster variable lists exist there for every member, named by its cluster', () => {
    const metrics = new Set(clusterQueries.map(({ query }) => query?.selector ?? ''));
    // Every dashboard the same selector, `up` of the federation job: one target per member, each carrying the member's name as `cluster`.
    expect([...metrics]).toEqual(['up']);
    const jobs = federationScrapeJobs({ members: prod.federation.members, secretsDir: '/etc/prometheus/secrets' });
    const labelled = jobs.flatMap((job) => (job.static_configs ?? []).map((c) => c.labels?.cluster));
    expect(labelled.sort()).toEqual(prod.federation.members.map((m) => m.name).sort());
    expect(jobs.every((job) => fullMatch(FEDERATION_JOB_REGEX, job.job_name))).toBe(true);
  });

  it('GIVEN the chained variables THEN namespace and later ones filter on the cluster picked before them', () => {
    for (const [uid, board] of built) {
      const later = variablesOf(board).filter((v) => v.type === 'query' && v.name !== 'cluster');
      const unchained = later.filter((v) => !parseLabelValues(variableQuery(v))?.selector?.includes('cluster=~"$cluster"'));
      expect([uid, unchained.map((v) => v.name)]).toEqual([uid, []]);
    }
  });
});

describe('global Prometheus datasource', () => {
  const render = (globalPrometheus?: { name: string; port: number }) =>
    (
      parse(
        renderDatasources({
          namespace: 'monitoring',
          prometheus: { name: 'prometheus', port: 9090 },
          alertmanager: { name: 'alertmanager', port: 9093 },
          scrapeInterval: '30s',
          ...(globalPrometheus ? { globalPrometheus } : {}),
        }),
      ) as { datasources: Array<{ uid: string; type: string; url: string; isDefault?: boolean; jsonData: { timeInterval?: string } }> }
    ).datasources;

  it('GIVEN the global Prometheus Service WHEN rendered THEN a second Prometheus datasource prometheus-global points at it, not the default', () => {
    const global = render({ name: 'prometheus-global', port: 9090 }).find((d) => d.uid === 'prometheus-global');
    expect(global).toMatchObject({ type: 'prometheus', url: 'http://prometheus-global.monitoring.svc:9090' });
    expect(global?.isDefault).not.toBe(true);
    // Federated samples arrive every 15 s (the seed's federation scrape interval).
    expect(global?.jsonData.timeInterval).toBe('15s');
  });

  it('GIVEN no global Prometheus WHEN rendered THEN there is no global datasource and Prometheus stays the only default', () => {
    const datasources = render();
    expect(datasources.map((d) => d.uid)).not.toContain('prometheus-global');
    expect(datasources.filter((d) => d.isDefault).map((d) => d.uid)).toEqual(['prometheus']);
  });
});
