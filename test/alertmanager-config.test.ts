import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENT_NAMES, loadEnvironments } from '../config';
import { alertmanagerConfig, renderAlertmanagerConfig, type AlertmanagerConfigProps } from '../constructs/alertmanager-config';
import { ALERT_RULES, isAlert, RULE_GROUPS } from '../rules';
import { durationSeconds, matchRoutes, type MatchedRoute, type ParsedRoute } from './helpers/alertmanager-routes';
import { readTree, removeDir, synthToTemp, tempDir } from './helpers/synth-tmp';
import { runTool } from './helpers/tools';

interface ParsedConfig {
  route: ParsedRoute;
  inhibit_rules: unknown[];
  receivers: Array<Record<string, unknown> & { name: string }>;
  time_intervals: Array<{ name: string }>;
}

let dist: string;
let work: string;
beforeAll(() => {
  dist = synthToTemp();
  work = tempDir('alertmanager-config');
});
afterAll(() => {
  removeDir(dist);
  removeDir(work);
});

const configPath = (env: string) => join(dist, env, 'config', 'alertmanager.yml');
const parsedConfig = (env: string) => parse(readFileSync(configPath(env), 'utf8')) as ParsedConfig;
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

describe.each(ENVIRONMENT_NAMES)('alertmanager.yml of %s', (env) => {
  it('GIVEN the generated file WHEN amtool check-config runs THEN it passes with 4 receivers and 2 inhibit rules', () => {
    const result = runTool('amtool', ['check-config', configPath(env)]);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    expect(result.output).toContain('4 receivers');
    expect(result.output).toContain('2 inhibit rules');
  });

  it('GIVEN the generated file THEN its receivers are exactly team-pager, team-email, oncall-chat and heartbeat', () => {
    expect(parsedConfig(env).receivers.map((r) => r.name)).toEqual(['team-pager', 'team-email', 'oncall-chat', 'heartbeat']);
  });
});

describe('amtool check-config can fail', () => {
  it('GIVEN a copy routing to an undefined receiver WHEN checked THEN amtool rejects it', () => {
    const broken = join(work, 'broken-receiver.yml');
    writeFileSync(broken, readFileSync(configPath('prod'), 'utf8').replace('receiver: heartbeat', 'receiver: no-such-receiver'));
    const result = runTool('amtool', ['check-config', broken]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('no-such-receiver');
  });

  it('GIVEN a copy muting with an undefined time interval WHEN checked THEN amtool rejects it', () => {
    const broken = join(work, 'broken-interval.yml');
    writeFileSync(broken, readFileSync(configPath('prod'), 'utf8').replace('- maintenance-window', '- no-such-window'));
    expect(runTool('amtool', ['check-config', broken]).status).not.toBe(0);
  });
});

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

const SECRETS_DIR = '/etc/alertmanager/secrets/';

describe('credentials', () => {
  it.each(ENVIRONMENT_NAMES)('GIVEN dist/%s THEN no file holds a credential key and every *_file points into the mounted Secret', (env) => {
    for (const [path, bytes] of readTree(join(dist, env))) {
      const text = bytes.toString('utf8');
      const literal = text.match(
        /(?<![A-Za-z])(routing_key|service_key|api_url|auth_password|auth_secret|credentials|password|bearer_token)\s*:/,
      );
      expect([path, literal?.[0]]).toEqual([path, undefined]);
    }
    const files = [...readFileSync(configPath(env), 'utf8').matchAll(/^\s*-?\s*(\w+_file):\s*(\S+)$/gm)].map(([, key, value]) => ({
      key,
      value,
    }));
    expect(files.map((f) => f.key).sort()).toEqual(['api_url_file', 'auth_password_file', 'credentials_file', 'routing_key_file']);
    for (const { value } of files) expect(value.startsWith(SECRETS_DIR)).toBe(true);
    expect(files.map((f) => f.value.slice(SECRETS_DIR.length)).sort()).toEqual([
      'heartbeat-token',
      'pagerduty-routing-key',
      'slack-api-url',
      'smtp-password',
    ]);
  });

  it('GIVEN a credential typed into a copy WHEN scanned THEN the scan finds it, so the check can fail', () => {
    const leaked = readFileSync(configPath('prod'), 'utf8').replace(
      'api_url_file: /etc/alertmanager/secrets/slack-api-url',
      'api_url: https://x',
    );
    expect(leaked).toMatch(/(?<![A-Za-z])api_url\s*:/);
  });
});

/** prod's alerting settings as the builder receives them. */
function prodConfigProps(): AlertmanagerConfigProps {
  const { alerting } = loadEnvironments(['prod'])[0];
  return {
    receivers: alerting.receivers,
    businessHours: alerting.businessHours,
    maintenanceWindow: alerting.maintenanceWindow,
    secretsDir: '/etc/alertmanager/secrets',
  };
}

describe('builder', () => {
  it('GIVEN pager type webhook WHEN built THEN team-pager posts to the URL with a bearer token file, and amtool accepts it', () => {
    const props = prodConfigProps();
    const text = renderAlertmanagerConfig({
      ...props,
      receivers: { ...props.receivers, pager: { type: 'webhook', url: 'https://pager.example.com/hook' } },
    });
    const file = join(work, 'webhook-pager.yml');
    writeFileSync(file, text);
    expect(runTool('amtool', ['check-config', file]).status).toBe(0);
    const pager = (parse(text) as ParsedConfig).receivers.find((r) => r.name === 'team-pager');
    expect(pager).toEqual({
      name: 'team-pager',
      webhook_configs: [
        {
          url: 'https://pager.example.com/hook',
          send_resolved: true,
          http_config: { authorization: { credentials_file: '/etc/alertmanager/secrets/pager-webhook-token' } },
        },
      ],
    });
  });

  it.each([
    [
      'receivers.chat.channel',
      (p: AlertmanagerConfigProps) => ({ ...p, receivers: { ...p.receivers, chat: { channel: 'moe-lab-alerts' } } }),
    ],
    [
      'receivers.heartbeat.url',
      (p: AlertmanagerConfigProps) => ({ ...p, receivers: { ...p.receivers, heartbeat: { url: 'http://x.example.com' } } }),
    ],
    ['secretsDir', (p: AlertmanagerConfigProps) => ({ ...p, secretsDir: 'secrets/' })],
    [
      'alerting.maintenanceWindow.end',
      (p: AlertmanagerConfigProps) => ({ ...p, maintenanceWindow: { ...p.maintenanceWindow, end: '24:30' } }),
    ],
    [
      'alerting.businessHours.location',
      (p: AlertmanagerConfigProps) => ({ ...p, businessHours: { ...p.businessHours, location: 'Mars/Olympus' } }),
    ],
  ])('GIVEN an invalid %s WHEN built THEN it throws naming the field', (field, breakIt) => {
    expect(() => alertmanagerConfig(breakIt(prodConfigProps()))).toThrow(field);
  });

  it('GIVEN the chat and pager templates WHEN amtool renders them THEN they are valid Go templates', () => {
    const empty = join(work, 'empty.tmpl');
    writeFileSync(empty, '');
    const { receivers } = parse(readFileSync(configPath('prod'), 'utf8')) as ParsedConfig;
    const slack = (receivers.find((r) => r.name === 'oncall-chat')!.slack_configs as Array<Record<string, string>>)[0];
    const pager = (receivers.find((r) => r.name === 'team-pager')!.pagerduty_configs as Array<Record<string, string>>)[0];
    for (const template of [slack.title, slack.text, pager.description]) {
      const result = runTool('amtool', ['template', 'render', `--template.glob=${empty}`, `--template.text=${template}`]);
      expect([template, result.status]).toEqual([template, 0]);
    }
    expect(runTool('amtool', ['template', 'render', `--template.glob=${empty}`, '--template.text={{ .Nope | nofunc }}']).status).not.toBe(
      0,
    );
  });

  it('GIVEN the rendered text THEN it says it is generated and repeats no YAML anchors', () => {
    const text = renderAlertmanagerConfig(prodConfigProps());
    expect(text.startsWith('# Generated by')).toBe(true);
    expect(text).not.toMatch(/[&*]a\d+/);
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(alertmanagerConfig(prodConfigProps()))));
  });
});
