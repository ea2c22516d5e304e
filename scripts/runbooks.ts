// `npm run runbooks`: regenerates docs/runbooks/ from the alert rules and rules/runbooks/*.ts.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRunbookFiles } from '../rules/runbooks/files';

export function writeRunbooks(dir: string): number {
  const files = renderRunbookFiles();
  mkdirSync(dir, { recursive: true });
  // Pages of deleted alerts go too.
  for (const name of readdirSync(dir)) if (!files.has(name)) rmSync(join(dir, name));
  for (const [name, content] of files) writeFileSync(join(dir, name), content);
  return files.size;
}

if (require.main === module) {
  // npm runs scripts from the package root.
  const count = writeRunbooks(join('docs', 'runbooks'));
  console.log(`runbooks: wrote ${count} files to docs/runbooks`);
}
