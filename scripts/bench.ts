// `npm run bench`: synth of every environment against the bare cost of loading cdk8s and
// cdk8s-plus-27, each the median of 5 runs as separate processes. Synth should cost little
// beyond loading the libraries (ratio ≤ 2). A benchmark, not a test: it reports, never fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = 5;

function medianMs(args: readonly string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

const outDir = mkdtempSync(join(tmpdir(), 'bench-'));
try {
  const load = medianMs(['-e', "require('cdk8s'); require('cdk8s-plus-27')"]);
  const synth = medianMs([join(__dirname, 'synth.js'), '--out', outDir]);
  console.log(`bench: median of ${RUNS} runs, each a separate node process`);
  console.log(`  load cdk8s + cdk8s-plus-27     ${load.toFixed(0).padStart(6)} ms`);
  console.log(`  synth dev, staging, prod       ${synth.toFixed(0).padStart(6)} ms`);
  console.log(`  ratio synth / load             ${(synth / load).toFixed(2).padStart(6)}   (aim ≤ 2)`);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
