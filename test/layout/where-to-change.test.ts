// The README's "Where do I change …" table: every file it names exists, so a reader who follows it
// lands in a real file. `<env>` stands for each environment; `<area>` and `<dashboard>` for any file there.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ENVIRONMENT_NAMES } from '../../config';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The table rows under the heading: [what, file cell]. */
function tableRows(): Array<[string, string]> {
  const section = README.split('### Where do I change …')[1]?.split('\n#')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1)
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .map((cells) => [cells[1], cells[2]]);
}

/** Every path a cell names in backticks (a path has a slash or a file ending). */
const pathsIn = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]).filter((text) => /\/|\.(ts|yaml)$/.test(text));

/** Whether the path exists; a `<placeholder>` in the file name matches any file of that folder. */
function exists(path: string): boolean {
  if (path.includes('<env>')) return ENVIRONMENT_NAMES.every((env) => exists(path.replaceAll('<env>', env)));
  if (!/<\w+>/.test(path)) return existsSync(join(ROOT, path));
  const dir = join(ROOT, dirname(path));
  return existsSync(dir) && readdirSync(dir).some((file) => file.endsWith('.ts'));
}

describe('README: where do I change …', () => {
  const rows = tableRows();

  test('GIVEN the table THEN it answers the everyday changes', () => {
    const asked = rows.map(([what]) => what).join('\n');
    for (const topic of ['alert threshold', 'panel', 'retention', 'replicas or GPUs', 'node group', 'receiver'])
      expect(asked).toContain(topic);
  });

  test.each(tableRows())('GIVEN the row "%s" THEN every file it names exists', (_what, cell) => {
    const paths = pathsIn(cell);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((path) => !exists(path))).toEqual([]);
  });
});
