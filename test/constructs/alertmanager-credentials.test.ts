// No credential is ever written into the synthesized tree: every secret is a `*_file` path into the
// receivers Secret that Alertmanager mounts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_NAMES } from '../../config';
import { alertmanagerConfigPath } from '../helpers/alertmanager-config';
import { readTree, removeDir, synthToTemp } from '../helpers/synth-tmp';

let dist: string;
beforeAll(() => (dist = synthToTemp()));
afterAll(() => removeDir(dist));

const configPath = (env: string) => alertmanagerConfigPath(dist, env);

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
