import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { synth, type SynthOptions } from '../../scripts/synth';

/** A fresh temp directory; remove it with `rmSync(dir, { recursive: true })` in afterAll. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

/** Runs the real synth into a new temp directory and returns that directory. */
export function synthToTemp(options: Omit<SynthOptions, 'outDir'> = {}): string {
  const outDir = tempDir('synth');
  synth({ ...options, outDir });
  return outDir;
}

/** Every file below `dir`, keyed by relative path, with its bytes. */
export function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
