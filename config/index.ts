import type { z } from 'zod';
import { capacityProblems } from './capacity';
import { gpuCapacityProblems } from './gpu-capacity';
import { infraProblems } from './infra';
import { dev } from './environments/dev';
import { prod } from './environments/prod';
import { staging } from './environments/staging';
import {
  ENVIRONMENT_NAMES,
  environmentSchema,
  type EnvironmentConfig,
  type EnvironmentInput,
  type EnvironmentName,
} from './schema/environment';
import { workloadsProblems } from './schema/workloads';

// The public entry point: the environments, their loading, and the types the rest of the repository reads.
export * from './schema/environment';
export { alertingSchema, alertmanagerSchema, receiversSchema, type AlertingSettings, type WeeklyWindow } from './schema/alerting';
export { grafanaSchema, type GrafanaDatabaseSettings, type GrafanaSettings } from './schema/grafana';
export { cpuQuantity, duration, image, memoryQuantity, resources, type ImageSettings, type ResourceSettings } from './schema/primitives';
export { prometheusSchema } from './schema/prometheus';
export type { Weekday } from './wall-clock';

/** The checked-in settings of each environment, before validation. */
export const ENVIRONMENT_INPUTS: Readonly<Record<EnvironmentName, EnvironmentInput>> = { dev, staging, prod };

/** Thrown when any environment's config is invalid; `problems` holds one line per bad field. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid environment configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function isEnvironmentName(name: string): name is EnvironmentName {
  return (ENVIRONMENT_NAMES as readonly string[]).includes(name);
}

function describeIssue(name: string, issue: z.core.$ZodIssue): string {
  const field = issue.path.join('.') || '(root)';
  let message = issue.message;
  // Schemas that list the allowed fields themselves keep their message.
  if (issue.code === 'unrecognized_keys' && !message.startsWith('unknown field(s)')) message = `unknown field(s) ${issue.keys.join(', ')}`;
  // An absent field fails its type check: say it is missing, then what it must be.
  if (issue.code === 'invalid_type' && issue.input === undefined)
    message = message.startsWith('Invalid input') ? 'missing' : `missing; ${message}`;
  return `environment "${name}": ${field}: ${message}`;
}

type Checked = { problems: string[]; config?: EnvironmentConfig };

/** One environment's raw settings, checked by the schema, then the capacity model, in one pass. */
function checkEnvironment(name: string, input: unknown): Checked {
  if (!isEnvironmentName(name)) {
    return { problems: [`environment "${name}": unknown environment; allowed: ${ENVIRONMENT_NAMES.join(', ')}`] };
  }
  const parsed = environmentSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => describeIssue(name, issue)) };
  const problems = [
    ...capacityProblems(parsed.data),
    // Production inference must keep serving through a node drain.
    ...workloadsProblems(parsed.data.workloads, name === 'prod'),
    ...gpuCapacityProblems(parsed.data),
    ...infraProblems(parsed.data),
  ].map((p) => `environment "${name}": ${p.path}: ${p.message}`);
  return { problems, config: { name, ...parsed.data } };
}

/**
 * Validates every requested environment and returns them all, or throws one ConfigError listing
 * every problem in every environment, so nothing is synthesized from a half-valid config.
 */
export function loadEnvironments(
  names: readonly string[] = ENVIRONMENT_NAMES,
  inputs: Readonly<Record<string, unknown>> = ENVIRONMENT_INPUTS,
): EnvironmentConfig[] {
  const checked = names.map((name) => checkEnvironment(name, inputs[name]));
  const problems = checked.flatMap((c) => c.problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return checked.map((c) => c.config!);
}
