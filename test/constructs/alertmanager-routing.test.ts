// The routing tree and inhibition of the generated alertmanager.yml: receivers checked with amtool,
// every label combination walked, and each alert's time to its first notification kept in budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENT_NAMES } from '../../config';
import { ALERT_RULES, isAlert, RULE_GROUPS } from '../../rules';
import { alertmanagerConfigPath, readAlertmanagerConfig } from '../helpers/alertmanager-config';
import { durationSeconds, matchRoutes, type MatchedRoute } from '../helpers/alertmanager-routes';
import { removeDir, synthToTemp } from '../helpers/synth-tmp';
import { runTool } from '../helpers/tools';

let dist: string;
beforeAll(() => (dist = synthToTemp()));
afterAll(() => removeDir(dist));

const configPath = (env: string) => alertmanagerConfigPath(dist, env);
const parsedConfig = (env: string) => readAlertmanagerConfig(dist, env);
/** `amtool config routes test`; amtool lists receivers in match order and --verify.receivers compares in that order. */
const routesTest = (env: string, labels: Record<string, string>, expected?: string) =>
  runTool('amtool', [
    'config',
    'routes',
    'test',
    `--config.file=${configPath(env)}`,
    ...(expected ? [`--verify.receivers=${expected}`] : []),
    ...Object.entries(labels).map(([name, value]) => `${name}=${value}`),
  ]);

// Expected receivers are written out here, not derived from the builder.
const ROUTING_CASES: Array<[string, Record<string, string>, string]> = [
  ['critical P0 pages and tells the chat', { severity: 'critical', priority: 'P0' }, 'oncall-chat,team-pager'],
  ['critical P1 pages and tells the chat', { severity: 'critical', priority: 'P1' }, 'oncall-chat,team-pager'],
  ['warning P1 goes to e-mail and the chat', { severity: 'warning', priority: 'P1' }, 'oncall-chat,team-email'],
  ['warning P2 goes to e-mail only', { severity: 'warning', priority: 'P2' }, 'team-email'],
  ['warning P3 goes to e-mail only', { severity: 'warning', priority: 'P3' }, 'team-email'],
  ['info P3 goes to e-mail only', { severity: 'info', priority: 'P3' }, 'team-email'],
  ['critical without a priority still pages', { severity: 'critical' }, 'team-pager'],
  ['Watchdog goes to heartbeat only, whatever its labels', { alertname: 'Watchdog', severity: 'critical', priority: 'P0' }, 'heartbeat'],
  ['Watchdog as info P3 goes to heartbeat only', { alertname: 'Watchdog', severity: 'info', priority: 'P3' }, 'heartbeat'],
];

describe('routing with amtool config routes test (prod)', () => {
  it.each(ROUTING_CASES)('GIVEN %s WHEN routed THEN the receivers are exactly the expected ones', (_name, labels, expected) => {
    const result = routesTest('prod', { alertname: 'SomeAlert', cluster: 'moe-lab-prod', ...labels }, expected);
    expect(result).toEqual({ status: 0, output: `${expected}\n` });
  });

  it('GIVEN a wrong expectation WHEN verified THEN amtool fails, so the cases above can fail', () => {
    const result = routesTest('prod', { alertname: 'SomeAlert', severity: 'critical', priority: 'P0' }, 'team-email');
    expect(result.status).not.toBe(0);
  });
});

/** What a priority's path looks like, written out from docs/alerting.md. */
const EXPECTED_PATHS: Array<[string, Record<string, string>, Array<Partial<MatchedRoute>>]> = [
  [
    'critical P0',
    { severity: 'critical', priority: 'P0' },
    [
      { receiver: 'oncall-chat', groupWait: 10, groupInterval: 60, repeatInterval: 1800, muteTimeIntervals: [], activeTimeIntervals: [] },
      { receiver: 'team-pager', groupWait: 10, groupInterval: 60, repeatInterval: 1800, muteTimeIntervals: [], activeTimeIntervals: [] },
    ],
  ],
  [
    'critical P1',
    { severity: 'critical', priority: 'P1' },
    [
      { receiver: 'oncall-chat', groupWait: 60, groupInterval: 300, repeatInterval: 3600, muteTimeIntervals: [], activeTimeIntervals: [] },
      { receiver: 'team-pager', groupWait: 60, groupInterval: 300, repeatInterval: 3600, muteTimeIntervals: [], activeTimeIntervals: [] },
    ],
  ],
  [
    'warning P1',
    { severity: 'warning', priority: 'P1' },
    [
      { receiver: 'oncall-chat', groupWait: 60, groupInterval: 300, repeatInterval: 3600, muteTimeIntervals: ['maintenance-window'] },
      { receiver: 'team-email', groupWait: 60, groupInterval: 300, repeatInterval: 3600, muteTimeIntervals: ['maintenance-window'] },
    ],
  ],
  [
    'warning P2',
    { severity: 'warning', priority: 'P2' },
    [{ receiver: 'team-email', groupWait: 300, groupInterval: 900, repeatInterval: 14400, muteTimeIntervals: ['maintenance-window'] }],
  ],
  [
    'warning P3',
    { severity: 'warning', priority: 'P3' },
    [
      {
        receiver: 'team-email',
        groupWait: 1800,
        groupInterval: 3600,
        repeatInterval: 86400,
        muteTimeIntervals: ['maintenance-window'],
        activeTimeIntervals: ['business-hours'],
      },
    ],
  ],
  [
    'info P3',
    { severity: 'info', priority: 'P3' },
    [{ receiver: 'team-email', groupWait: 1800, muteTimeIntervals: ['maintenance-window'], activeTimeIntervals: ['business-hours'] }],
  ],
  [
    'Watchdog',
    { alertname: 'Watchdog', severity: 'info', priority: 'P3' },
    [{ receiver: 'heartbeat', groupWait: 0, groupInterval: 60, repeatInterval: 60, muteTimeIntervals: [], activeTimeIntervals: [] }],
  ],
];

const SEVERITY_VALUES = ['critical', 'warning', 'info', undefined];
const PRIORITY_VALUES = ['P0', 'P1', 'P2', 'P3', undefined];
/** Every combination of the routing labels, valid or not, so a gap in the tree cannot hide. */
const LABEL_SPACE = ['SomeAlert', 'Watchdog'].flatMap((alertname) =>
  SEVERITY_VALUES.flatMap((severity) =>
    PRIORITY_VALUES.map((priority) => ({
      alertname,
      cluster: 'moe-lab-prod',
      ...(severity ? { severity } : {}),
      ...(priority ? { priority } : {}),
    })),
  ),
);

describe('route tree of the parsed generated config', () => {
  it('GIVEN every routing label combination WHEN read like Alertmanager THEN the receivers agree with amtool, so the reader is faithful', () => {
    const { route } = parsedConfig('prod');
    for (const labels of LABEL_SPACE) {
      const ours = matchRoutes(route, labels)
        .map((m) => m.receiver)
        .join(',');
      expect([labels, routesTest('prod', labels).output.trim()]).toEqual([labels, ours]);
    }
  });

  it.each(EXPECTED_PATHS)('GIVEN a %s alert THEN its path has the documented timers and time intervals', (_name, labels, expected) => {
    for (const env of ENVIRONMENT_NAMES) {
      const matched = matchRoutes(parsedConfig(env).route, { alertname: 'SomeAlert', cluster: 'c', ...labels });
      expect(matched).toEqual(expected.map((e) => expect.objectContaining(e)));
    }
  });

  it('GIVEN any alert with priority P0 or severity critical THEN no route it reaches is ever muted or held back', () => {
    const { route } = parsedConfig('prod');
    const urgent = LABEL_SPACE.filter((l) => l.priority === 'P0' || l.severity === 'critical');
    expect(urgent.length).toBeGreaterThan(10);
    for (const labels of urgent) {
      for (const matched of matchRoutes(route, labels)) {
        expect([labels, matched.path, matched.muteTimeIntervals, matched.activeTimeIntervals]).toEqual([labels, matched.path, [], []]);
      }
    }
  });

  it('GIVEN any warning or info alert other than the Watchdog THEN every route it reaches is muted in the maintenance window', () => {
    const { route } = parsedConfig('prod');
    const deferrable = LABEL_SPACE.filter(
      (l) => l.alertname !== 'Watchdog' && (l.severity === 'warning' || l.severity === 'info') && l.priority !== 'P0',
    );
    for (const labels of deferrable) {
      for (const matched of matchRoutes(route, labels))
        expect([labels, matched.muteTimeIntervals]).toEqual([labels, ['maintenance-window']]);
    }
  });

  it('GIVEN the Watchdog with any labels THEN it reaches heartbeat only, never muted, never held back', () => {
    const { route } = parsedConfig('prod');
    for (const labels of LABEL_SPACE.filter((l) => l.alertname === 'Watchdog')) {
      expect(matchRoutes(route, labels)).toEqual([
        expect.objectContaining({ receiver: 'heartbeat', muteTimeIntervals: [], activeTimeIntervals: [] }),
      ]);
    }
  });
});

/** Worst case from "condition true" to "first notification sent", per priority; P3 waits for business hours. */
const BUDGET_SECONDS: Record<string, number> = { P0: 6 * 60, P1: 15 * 60, P2: 60 * 60 };

describe('notification time budget: rule `for` + evaluation + Alertmanager group_wait', () => {
  it.each(ENVIRONMENT_NAMES)(
    'GIVEN every alert rule and %s generated configs THEN each P0/P1/P2 alert notifies within its budget',
    (env) => {
      const prometheus = parse(readFileSync(join(dist, env, 'config', 'prometheus.yml'), 'utf8')) as {
        global: { scrape_interval: string; evaluation_interval: string };
      };
      const scrape = durationSeconds(prometheus.global.scrape_interval);
      const globalEvaluation = durationSeconds(prometheus.global.evaluation_interval);
      const { route } = parsedConfig(env);
      const alerts = RULE_GROUPS.flatMap((group) => group.rules.filter(isAlert).map((rule) => ({ rule, interval: group.interval })));
      expect(alerts.length).toBe(ALERT_RULES.length);
      expect(alerts.length).toBeGreaterThan(0);
      const overBudget: string[] = [];
      for (const { rule, interval } of alerts) {
        const evaluation = interval ? durationSeconds(interval) : globalEvaluation;
        // The sample is up to one scrape old, the rule sees it up to one evaluation later, and `for`
        // is checked only at evaluations; then Alertmanager waits group_wait before the first send.
        const forSeconds = Math.ceil(durationSeconds(rule.for ?? '0s') / evaluation) * evaluation;
        const matched = matchRoutes(route, { alertname: rule.alert, cluster: 'c', severity: rule.severity, priority: rule.priority });
        const groupWait = Math.max(...matched.map((m) => m.groupWait));
        const total = scrape + evaluation + forSeconds + groupWait;
        const budget = BUDGET_SECONDS[rule.priority];
        if (rule.priority === 'P0' && groupWait > 30) overBudget.push(`${rule.alert}: P0 group_wait ${groupWait}s > 30s`);
        if (budget !== undefined && total > budget)
          overBudget.push(`${rule.alert} (${rule.priority}, for ${rule.for}): ${total}s > ${budget}s`);
      }
      expect(overBudget).toEqual([]);
    },
  );

  it('GIVEN a P0 rule with for 10m THEN the same arithmetic reports it over budget, so the check can fail', () => {
    const { route } = parsedConfig('prod');
    const [matched] = matchRoutes(route, { alertname: 'X', severity: 'critical', priority: 'P0' });
    expect(15 + 15 + 600 + matched.groupWait).toBeGreaterThan(BUDGET_SECONDS.P0);
  });
});

describe('inhibition', () => {
  it('GIVEN every node-scoped alert rule THEN it is critical, because it inhibits every pod alert on its node, P0 pages included', () => {
    const inhibitingButNotPaging = ALERT_RULES.filter((rule) => rule.scope === 'node' && rule.severity !== 'critical').map((r) => r.alert);
    expect(inhibitingButNotPaging).toEqual([]);
  });

  it('GIVEN the generated config THEN critical inhibits warning per alertname/cluster and node inhibits pod per cluster/node, sparing the Watchdog', () => {
    for (const env of ENVIRONMENT_NAMES) {
      expect(parsedConfig(env).inhibit_rules).toEqual([
        {
          source_matchers: ['severity="critical"'],
          target_matchers: ['severity="warning"', 'alertname!="Watchdog"'],
          equal: ['alertname', 'cluster'],
        },
        { source_matchers: ['scope="node"'], target_matchers: ['scope="pod"', 'alertname!="Watchdog"'], equal: ['cluster', 'node'] },
      ]);
    }
  });
});
