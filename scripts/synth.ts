// `npm run synth [-- <env>...] [--out <dir>]`: validates every requested environment, renders all of
// them in memory, and only then replaces dist/<env>/, so a bad config never leaves partial output.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ConfigError, ENVIRONMENT_NAMES, loadEnvironments } from '../config';
import { describeCapacity } from '../config/capacity';
import { renderEnvironment } from '../constructs/assembly/render';

export interface SynthOptions {
  readonly environments?: readonly string[];
  readonly outDir: string;
  /** Raw settings per environment name. @default - the checked-in config/environments */
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly log?: (line: string) => void;
}

/** Writes `files` as the new content of `dir`, swapping a fully written sibling directory into place. */
function replaceDirectory(dir: string, files: ReadonlyMap<string, string>): void {
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  for (const [path, content] of files) {
    mkdirSync(dirname(join(staging, path)), { recursive: true });
    writeFileSync(join(staging, path), content);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
}

/** Synthesizes the environments; returns the files written per environment. */
export function synth(options: SynthOptions): Map<string, Map<string, string>> {
  const log = options.log ?? (() => undefined);
  const envs = loadEnvironments(options.environments ?? ENVIRONMENT_NAMES, options.inputs);
  const rendered = new Map<string, Map<string, string>>();
  for (const env of envs) {
    const started = performance.now();
    const files = renderEnvironment(env);
    rendered.set(env.name, files);
    const manifests = [...files.keys()].filter((path) => !path.startsWith('config/')).length;
    log(`${env.name}: ${manifests} manifests, ${files.size - manifests} config files in ${Math.round(performance.now() - started)} ms`);
    log(`${env.name}: capacity ${describeCapacity(env)}`);
  }
  for (const [name, files] of rendered) {
    mkdirSync(options.outDir, { recursive: true });
    replaceDirectory(join(options.outDir, name), files);
  }
  return rendered;
}

function parseArgs(argv: readonly string[]): SynthOptions {
  const environments: string[] = [];
  let outDir = 'dist';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') outDir = argv[++i] ?? '';
    else environments.push(argv[i]);
  }
  if (!outDir) throw new ConfigError(['--out: needs a directory']);
  return { environments: environments.length > 0 ? environments : undefined, outDir: resolve(outDir) };
}

if (require.main === module) {
  const started = performance.now();
  try {
    const options = parseArgs(process.argv.slice(2));
    const rendered = synth({ ...options, log: (line) => console.log(`synth ${line}`) });
    const total = Math.round(performance.now() - started);
    console.log(
      `synth: wrote ${[...rendered.keys()].map((env) => relative(process.cwd(), join(options.outDir, env))).join(', ')} in ${total} ms`,
    );
  } catch (error) {
    console.error(error instanceof ConfigError ? `synth: ${error.message}\nnothing was written.` : error);
    process.exit(1);
  }
}
