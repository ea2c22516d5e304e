// The alertmanager.yml of a synthesized tree, read back the way the tests look at it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ParsedRoute } from './alertmanager-routes';

export interface ParsedConfig {
  route: ParsedRoute;
  inhibit_rules: unknown[];
  receivers: Array<Record<string, unknown> & { name: string }>;
  time_intervals: Array<{ name: string }>;
}

/** `<dist>/<env>/config/alertmanager.yml`, as synth writes it. */
export const alertmanagerConfigPath = (dist: string, env: string): string => join(dist, env, 'config', 'alertmanager.yml');

export const readAlertmanagerConfig = (dist: string, env: string): ParsedConfig =>
  parse(readFileSync(alertmanagerConfigPath(dist, env), 'utf8')) as ParsedConfig;
