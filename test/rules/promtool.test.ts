import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENT_NAMES } from '../../config';
import { checkableCopy } from '../../scripts/simulate-discovery';
import { removeDir, synthToTemp, tempDir } from '../helpers/synth-tmp';
import { runTool } from '../helpers/tools';

let dist: string;
let work: string;
beforeAll(() => {
  dist = synthToTemp();
  work = tempDir('promtool');
});
afterAll(() => {
  removeDir(dist);
  removeDir(work);
});

/** The env's prometheus.yml with discovery simulated, beside a copy of its rules/, ready for promtool. */
const checkableConfig = (env: string) => checkableCopy(join(dist, env, 'config'), join(work, env));

describe.each(ENVIRONMENT_NAMES)('promtool on %s', (env) => {
  it('GIVEN prometheus.yml with discovery simulated WHEN promtool check config runs THEN it passes and loads every rule file', () => {
    const { path } = checkableConfig(env);
    const result = runTool('promtool', ['check', 'config', '--lint-fatal', path]);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    const ruleFiles = readdirSync(join(dist, env, 'config', 'rules'));
    expect(ruleFiles.length).toBeGreaterThan(0);
    expect(result.output).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
  });

  it('GIVEN every generated rules file WHEN promtool check rules --lint-fatal runs THEN it passes', () => {
    const rulesDir = join(dist, env, 'config', 'rules');
    const files = readdirSync(rulesDir).map((file) => join(rulesDir, file));
    expect(runTool('promtool', ['check', 'rules', '--lint-fatal', ...files]).status).toBe(0);
  });
});

describe('discovery simulation helper', () => {
  it('GIVEN the generated config WHEN simulated THEN only discovery and credential paths change; every relabel rule is kept', () => {
    const { original, simulated } = checkableConfig('prod');
    type Job = {
      job_name: string;
      kubernetes_sd_configs?: unknown;
      file_sd_configs?: unknown;
      relabel_configs: unknown;
      metric_relabel_configs?: unknown;
    };
    const before = (parse(original) as { scrape_configs: Job[] }).scrape_configs;
    const after = (parse(simulated) as { scrape_configs: Job[] }).scrape_configs;
    expect(after.map((j) => j.job_name)).toEqual(before.map((j) => j.job_name));
    for (const [i, job] of before.entries()) {
      expect(job.kubernetes_sd_configs).toBeDefined();
      expect(after[i].kubernetes_sd_configs).toBeUndefined();
      expect(after[i].file_sd_configs).toBeDefined();
      expect(after[i].relabel_configs).toEqual(job.relabel_configs);
      expect(after[i].metric_relabel_configs).toEqual(job.metric_relabel_configs);
    }
  });

  it('GIVEN the unmodified config WHEN Debian promtool checks it THEN it fails on kubernetes_sd_configs, which is why the helper exists', () => {
    const result = runTool('promtool', ['check', 'config', join(dist, 'prod', 'config', 'prometheus.yml')]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('kubernetes_sd_configs');
  });

  it('GIVEN a broken relabel regex WHEN promtool checks the simulated config THEN it fails, so the check can fail', () => {
    const { path, simulated } = checkableConfig('dev');
    writeFileSync(path, simulated.replace('regex: Pending|Succeeded|Failed|Completed', 'regex: "Pending|("'));
    expect(runTool('promtool', ['check', 'config', path]).status).not.toBe(0);
  });
});
