// The import rules (.dependency-cruiser.cjs, run by `npm run check:imports`): the tree passes them, and
// a copy of the tree with an upward import, a circle, an environment value taken from outside
// config/environments/ or a schema fragment reading values fails them, naming both files.
import { appendFileSync, cpSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/synth-tmp';
import { runTool, type RunResult } from '../helpers/tools';

const ROOT = join(__dirname, '..', '..');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');

/** The arguments of the `check:imports` script, so the test runs exactly what a user runs. */
const CHECK_ARGS: string[] = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts['check:imports'] as string)
  .split(/\s+/)
  .slice(1);
const LAYER_FOLDERS = CHECK_ARGS.filter((arg, i) => !arg.startsWith('-') && !CHECK_ARGS[i - 1]?.startsWith('-'));

const checkImports = (cwd: string) => runTool(DEPCRUISE, CHECK_ARGS, { cwd });

/** A copy of the layer folders and the settings the check reads, with node_modules linked. */
function copyOfTree(): string {
  const dir = tempDir('import-rules');
  for (const entry of [...LAYER_FOLDERS, 'tsconfig.json', '.dependency-cruiser.cjs'])
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

describe('import rules', () => {
  const copies: string[] = [];
  afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const copy = () => {
    const dir = copyOfTree();
    copies.push(dir);
    return dir;
  };

  test('the check covers every layer, lowest first', () => {
    expect(LAYER_FOLDERS).toEqual(['contracts', 'config', 'rules', 'dashboards', 'constructs', 'infra', 'scripts']);
  });

  test('GIVEN the tree as checked in WHEN the import rules run THEN nothing imports upward and there is no circle', () => {
    const result = checkImports(ROOT);
    expect(result.output).toContain('no dependency violations found');
    expect(result.status).toBe(0);
  });

  describe('GIVEN a copy of the tree with upward imports from rules and contracts, a circle, an environment value from elsewhere and a schema reading values', () => {
    let result: RunResult;
    beforeAll(() => {
      const dir = copy();
      appendFileSync(join(dir, 'rules', 'thresholds.ts'), "\nexport { ComponentChart } from '../constructs/assembly/component-chart';\n");
      appendFileSync(join(dir, 'contracts', 'jobs.ts'), "\nexport { loadEnvironments } from '../config';\n");
      appendFileSync(join(dir, 'contracts', 'dashboards.ts'), "\nexport { REDIS_SERVICE } from './services';\n");
      appendFileSync(join(dir, 'contracts', 'services.ts'), "\nexport { DASHBOARD_UIDS } from './dashboards';\n");
      appendFileSync(join(dir, 'config', 'environments', 'dev.ts'), "\nexport { CAPACITY_ASSUMPTIONS } from '../capacity';\n");
      appendFileSync(join(dir, 'config', 'environments', 'defaults.ts'), "\nexport { cpuMillis } from '../quantities';\n");
      appendFileSync(join(dir, 'config', 'schema', 'agents.ts'), "\nexport { defaults } from '../environments/defaults';\n");
      result = checkImports(dir);
    });

    test('THEN the check fails', () => expect(result.status).not.toBe(0));

    test('THEN a rule importing a construct is named with both files', () => {
      expect(result.output).toMatch(/no-upward-import-from-rules: rules\/thresholds\.ts → constructs\/assembly\/component-chart\.ts/);
    });

    test('THEN contracts importing config is named with both files: the ground floor may not look up', () => {
      expect(result.output).toMatch(/no-upward-import-from-contracts: contracts\/jobs\.ts → config\/index\.ts/);
    });

    test('THEN the circle is named with both files', () => {
      expect(result.output).toMatch(/no-circular: contracts\/(dashboards|services)\.ts → \s*contracts\/(services|dashboards)\.ts/);
    });

    test('THEN an environment file taking a value from elsewhere than defaults.ts is named', () => {
      expect(result.output).toMatch(/no-environment-values-outside-defaults: config\/environments\/dev\.ts → config\/capacity\.ts/);
    });

    test('THEN the defaults file taking a value from elsewhere is named too', () => {
      expect(result.output).toMatch(/no-environment-values-outside-defaults: config\/environments\/defaults\.ts → config\/quantities\.ts/);
    });

    test('THEN a schema fragment reading values is named', () => {
      expect(result.output).toMatch(/no-values-in-schema: config\/schema\/agents\.ts → config\/environments\/defaults\.ts/);
    });

    test('THEN nothing else is reported: every violation starts in a file changed here ', () => {
      const changed = [
        'rules/thresholds.ts',
        'contracts/jobs.ts',
        'contracts/dashboards.ts',
        'config/environments/dev.ts',
        'config/environments/defaults.ts',
        'config/schema/agents.ts',
      ];
      const sources = [...result.output.matchAll(/error [\w-]+: (\S+)/g)].map((m) => m[1]);
      expect(sources.length).toBeGreaterThanOrEqual(changed.length);
      expect(sources.filter((file) => !changed.includes(file))).toEqual([]);
    });
  });
});
