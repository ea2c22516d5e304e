import { execFileSync } from 'node:child_process';

const PACKAGE_OF: Record<string, string> = {
  promtool: 'prometheus',
  prometheus: 'prometheus',
  amtool: 'prometheus-alertmanager',
  'prometheus-alertmanager': 'prometheus-alertmanager',
  'prometheus-node-exporter': 'prometheus-node-exporter',
};

/** Absolute path of a required binary; fails (never skips) with the command that installs it. */
export function requireTool(binary: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${binary} is not installed: run "npm run tools" or "apt-get install -y ${PACKAGE_OF[binary] ?? binary}"`);
  }
}

export interface RunResult {
  readonly status: number;
  readonly output: string;
}

/** Runs a tool to completion (killed after 60 s: it blocks the event loop, so jest's timeout could not), returning its exit status and combined output. */
export function runTool(binary: string, args: readonly string[], options: { readonly cwd?: string } = {}): RunResult {
  try {
    const output = execFileSync(requireTool(binary), args, {
      cwd: options.cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60000,
    });
    return { status: 0, output };
  } catch (error) {
    const e = error as { status?: number | null; signal?: string | null; stdout?: string; stderr?: string };
    const killed = e.signal ? `${binary} was stopped by ${e.signal} (timeout)\n` : '';
    return { status: e.status ?? 1, output: `${killed}${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
