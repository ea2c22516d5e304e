// `npm run check:config`: runs Debian's promtool on every dist/<env>/config/prometheus.yml (and the
// rule files it loads). Debian's build has no Kubernetes discovery, so each config is checked after
// simulateKubernetesDiscovery swaps its kubernetes_sd_configs for file_sd_configs in a temp copy.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkableCopy } from './simulate-discovery';

const dist = process.argv[2] ?? 'dist';
if (!existsSync(dist)) {
  console.error(`check:config: ${dist}/ does not exist; run "npm run synth" first`);
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'check-config-'));
let failed = false;
try {
  for (const env of readdirSync(dist).sort()) {
    const { path } = checkableCopy(join(dist, env, 'config'), join(work, env));
    const result = spawnSync('promtool', ['check', 'config', '--lint-fatal', path], { encoding: 'utf8' });
    if (result.error) throw new Error(`promtool could not run (${result.error.message}); install it with "npm run tools"`);
    console.log(`check:config ${env}: ${result.status === 0 ? 'ok' : 'FAILED'}`);
    if (result.status !== 0) {
      failed = true;
      console.error(result.stdout + result.stderr);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
