import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { requireTool } from './tools';

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface StartedProcess {
  readonly pid: number;
  /** What the process printed so far, for failure messages. */
  output(): string;
  /** Stops the process by its PID and waits for it to exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

export function startProcess(binary: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): StartedProcess {
  const child: ChildProcess = spawn(requireTool(binary), args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${binary} did not start`);
  const pid = child.pid;
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `check` every 250 ms until it returns a value, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** Resolves once GET `url` answers 200. */
export function waitForHttpOk(url: string, timeoutMs = 30000): Promise<true> {
  return waitFor(url, timeoutMs, async () => ((await fetch(url)).ok ? true : undefined));
}
