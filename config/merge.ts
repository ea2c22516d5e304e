// How an environment file (config/environments/<env>.ts) lays its own values over the defaults
// (config/environments/defaults.ts). The rule: objects merge key by key; arrays and other leaves
// replace. An object whose discriminant (`type`, `mode` or `delivery`) differs from the default's
// replaces it whole, since another branch of a union shares no fields with it.
import type { EnvironmentInput } from './schema/environment';

/** The keys that tell the branches of the config's discriminated unions apart. */
const DISCRIMINANTS = ['type', 'mode', 'delivery'] as const;

/** Any subset of `T`, at any depth; arrays are given whole. */
export type Overrides<T> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]?: Overrides<T[K]> } : T;

/** Keys of `T` whose value defaults `D` give: an object to merge into, or a leaf that fits (a union branch's own discriminant does not). */
type Given<T, D> = { [K in keyof T]: K extends keyof D ? (D[K] extends object ? K : D[K] extends T[K] ? K : never) : never }[keyof T];

/** What must be laid over defaults `D` to make a whole `T`: the fields `D` does not give are required, the others optional. */
export type Remaining<T, D> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T as K extends Given<T, D> ? never : K]: T[K] } & {
        [K in keyof T as K extends Given<T, D> ? K : never]?: Remaining<T[K], D[K & keyof D]>;
      }
    : T;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `overrides` laid over `base` by the rule above, as a fresh copy; neither argument is changed. */
export function mergeDeep(base: unknown, overrides: unknown): unknown {
  // An absent (undefined) override keeps the default: an environment cannot remove an optional key, only set it.
  if (overrides === undefined) return structuredClone(base);
  if (!isPlainObject(base) || !isPlainObject(overrides)) return structuredClone(overrides);
  if (DISCRIMINANTS.some((key) => key in base && key in overrides && base[key] !== overrides[key])) return structuredClone(overrides);
  const merged: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(base), ...Object.keys(overrides)])) merged[key] = mergeDeep(base[key], overrides[key]);
  return merged;
}

/** One environment's input: `defaults` with its own values laid over them. */
export function environment<D extends object>(defaults: D, overrides: Remaining<EnvironmentInput, D>): EnvironmentInput {
  return mergeDeep(defaults, overrides) as EnvironmentInput;
}
