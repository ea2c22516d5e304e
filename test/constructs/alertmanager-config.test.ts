// alertmanager.yml as amtool sees it: the generated files pass check-config, broken copies do not,
// and the builder validates its input. Routing is in alertmanager-routing.test.ts, credentials in
// alertmanager-credentials.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENT_NAMES, loadEnvironments } from '../../config';
import {
  alertmanagerConfig,
  renderAlertmanagerConfig,
  type AlertmanagerConfigProps,
} from '../../constructs/config-files/alertmanager-config';
import { alertmanagerConfigPath, readAlertmanagerConfig, type ParsedConfig } from '../helpers/alertmanager-config';
import { removeDir, synthToTemp, tempDir } from '../helpers/synth-tmp';
import { runTool } from '../helpers/tools';

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

const configPath = (env: string) => alertmanagerConfigPath(dist, env);
const parsedConfig = (env: string) => readAlertmanagerConfig(dist, env);

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
