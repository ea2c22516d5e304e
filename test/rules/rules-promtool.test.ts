// The generated rules, as synthesized for prod, run through promtool's unit-test runner with the
// TypeScript test cases in test/rules/cases/: every alert must fire and stay silent when it should.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironments } from '../../config';
import { RULE_TEST_CASES } from './cases';
import { promtoolTestFile } from '../helpers/promtool-tests';
import { removeDir, synthToTemp, tempDir } from '../helpers/synth-tmp';
import { runTool } from '../helpers/tools';

const [prod] = loadEnvironments(['prod']);
let dist: string;
let work: string;
let ruleFiles: string[];
beforeAll(() => {
  dist = synthToTemp({ environments: ['prod'] });
  work = tempDir('promtool-unit');
  const rulesDir = join(dist, 'prod', 'config', 'rules');
  ruleFiles = readdirSync(rulesDir).map((file) => join(rulesDir, file));
});
afterAll(() => {
  removeDir(dist);
  removeDir(work);
});

/** Writes the cases as a promtool test file and runs `promtool test rules` on it. */
function promtoolTest(name: string, cases: Parameters<typeof promtoolTestFile>[0]) {
  const path = join(work, `${name}.test.yml`);
  // Cases are written on minute boundaries, so evaluating every minute decides them exactly as the
  // production 15 s would, at a quarter of the cost (every case evaluates every rule file).
  writeFileSync(path, promtoolTestFile(cases, ruleFiles, prod.alerting, '1m'));
  return runTool('promtool', ['test', 'rules', path]);
}

describe.each(Object.entries(RULE_TEST_CASES))('promtool test rules: %s', (component, cases) => {
  it('GIVEN the TypeScript test cases WHEN promtool runs them against the generated rules THEN every case passes', () => {
    expect(cases.length).toBeGreaterThan(0);
    expect(promtoolTest(component, cases)).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});

describe('promtool test harness', () => {
  it('GIVEN a case whose expected value is wrong WHEN promtool runs it THEN it fails, so the harness can fail', () => {
    const [firing] = RULE_TEST_CASES['moe-training'].filter((c) => c.alerts?.some((a) => a.fires.length > 0));
    const wrong = {
      ...firing,
      alerts: firing.alerts!.map((a) => ({ ...a, fires: a.fires.map((f) => ({ ...f, description: `${f.description} (wrong)` })) })),
    };
    const result = promtoolTest('broken', [wrong]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('FAILED');
  });
});
