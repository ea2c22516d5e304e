// Validation and overrides of the three ML ConfigMaps' settings (training-config, router-config,
// inference-config). Their shape is config/schema/ml-config.ts; their values live with the rest of
// each environment's in config/environments/ (defaults.ts, and dev.ts's changes).
import { defaults } from './environments/defaults';
import { mergeDeep, type Overrides } from './merge';
import { mlConfigSchema, type MlConfigSettings } from './schema/ml-config';

export type { MlConfigInput, MlConfigSettings } from './schema/ml-config';

/** What an environment changes: any subset of fields, merged over the defaults' `mlConfig`. */
export type MlConfigOverrides = Overrides<MlConfigSettings>;

/** Thrown when ML settings are invalid; `problems` holds one `path: message` line per bad field. */
export class MlConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid ML config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'MlConfigError';
  }
}

/** Every problem of `input` as `path: message`, e.g. `training.amp_dtype: must be one of float16, bfloat16`. */
export function mlConfigProblems(input: unknown): string[] {
  const parsed = mlConfigSchema.safeParse(input);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

/** Validated settings, or an MlConfigError listing every problem. */
export function parseMlConfig(input: unknown): MlConfigSettings {
  const parsed = mlConfigSchema.safeParse(input);
  if (!parsed.success) throw new MlConfigError(mlConfigProblems(input));
  return parsed.data;
}

/** The defaults (config/environments/defaults.ts) with `overrides` merged over them, validated. */
export function resolveMlConfig(overrides: MlConfigOverrides | Readonly<Record<string, unknown>> = {}): MlConfigSettings {
  return parseMlConfig(mergeDeep(defaults.mlConfig, overrides));
}
