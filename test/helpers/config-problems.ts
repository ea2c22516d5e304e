import { ConfigError, ENVIRONMENT_INPUTS, loadEnvironments } from '../../config';

/** Loads every environment after `change` edits a copy of one environment's raw settings; returns the problem lines. */
export function problemsAfterChange<T = Record<string, Record<string, unknown>>>(
  env: 'dev' | 'staging' | 'prod',
  change: (input: T) => void,
): string[] {
  const inputs = structuredClone(ENVIRONMENT_INPUTS) as unknown as Record<string, T>;
  change(inputs[env]);
  try {
    loadEnvironments(undefined, inputs);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [...error.problems];
  }
}
