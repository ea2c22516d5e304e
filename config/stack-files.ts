// The Pulumi stack files (Pulumi.<env>.yaml) hold each environment's AWS-side settings under
// `gpu-observability:infra`. The Pulumi program reads them as stack config; the synth reads the same
// files here, so the settings exist once and both sides validate them with one schema.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

/** The Pulumi project name (Pulumi.yaml `name`); stack config keys are prefixed with it. */
export const PULUMI_PROJECT = 'gpu-observability';
/** The stack config key holding an environment's infra settings. */
export const INFRA_CONFIG_KEY = `${PULUMI_PROJECT}:infra`;

/** The repository root: the nearest directory above this file holding Pulumi.yaml (source, build/ or Pulumi's run). */
export function projectRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'Pulumi.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${from}: the config must run inside the repository`);
  }
}

/** The `config:` map of Pulumi.<stack>.yaml, or an empty map when the file has none. */
export function readStackConfig(stack: string, root: string = projectRoot()): Record<string, unknown> {
  const file = join(root, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) throw new Error(`Pulumi.${stack}.yaml: missing; every environment keeps its stack settings there`);
  const parsed = (parse(readFileSync(file, 'utf8')) ?? {}) as { config?: Record<string, unknown> };
  return parsed.config ?? {};
}

/** The raw (unvalidated) infra settings of a stack file; the environment schema checks them. */
export function readStackInfra(stack: string): unknown {
  return readStackConfig(stack)[INFRA_CONFIG_KEY];
}
