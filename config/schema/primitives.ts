import { z } from 'zod';
import { cpuMillis, memoryBytes } from '../quantities';

// Building blocks every part of the environment schema uses; their own file so the per-area schema
// fragments (agents, workloads, storage, …) can use them without importing environment.ts back.

const DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;
const MEMORY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti)$/;
const CPU = /^(\d+m|\d+(\.\d+)?)$/;
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const AWS_REGION = /^(us|eu|ap|ca|sa|me|af|il|mx)-(north|south|east|west|central|northeast|southeast|northwest|southwest)-\d$/;

/** A Prometheus duration such as `15s`, `30d` or `1h30m`; zero is refused. */
export const duration = z
  .string()
  .regex(DURATION, { error: 'must be a Prometheus duration such as 15s, 12h or 30d (units y, w, d, h, m, s, ms)' })
  .refine((value) => value !== '' && /[1-9]/.test(value), { error: 'must be longer than zero' });

export const memoryQuantity = z
  .string()
  .regex(MEMORY, { error: 'must be a binary memory quantity such as 512Mi, 8Gi or 1Ti (units Ki, Mi, Gi, Ti)' });

export const cpuQuantity = z.string().regex(CPU, { error: 'must be a CPU quantity such as 500m, 1 or 2.5' });

/** `host:port`, such as smtp.example.com:587. */
export const HOST_PORT = /^[a-z0-9.-]+:\d{1,5}$/;

/** An IPv4 network in CIDR notation, e.g. `10.30.0.0/16`. */
export const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(\d|[12]\d|3[0-2])$/;

export const dnsLabel = z.string().regex(DNS_LABEL, {
  error: 'must be a DNS-1123 label: lower-case letters, digits and "-", at most 63 characters',
});

/** A container image pinned to an explicit tag; `latest` is refused because rollouts must be reproducible. */
export const image = z.strictObject({
  repository: z.string().min(1, { error: 'must name an image repository' }),
  tag: z
    .string()
    .min(1, { error: 'must be a pinned tag such as v2.53.4' })
    .refine((tag) => tag !== 'latest', { error: 'must be a pinned tag, not "latest"' }),
});

const resourcePair = <T extends z.ZodString>(quantity: T) => z.strictObject({ request: quantity, limit: quantity });

export const resources = z
  .strictObject({ cpu: resourcePair(cpuQuantity), memory: resourcePair(memoryQuantity) })
  .superRefine((value, ctx) => {
    if (cpuMillis(value.cpu.limit) < cpuMillis(value.cpu.request)) {
      ctx.addIssue({
        code: 'custom',
        path: ['cpu', 'limit'],
        message: `${value.cpu.limit} is below the request ${value.cpu.request}; a limit must be at least its request`,
      });
    }
    if (memoryBytes(value.memory.limit) < memoryBytes(value.memory.request)) {
      ctx.addIssue({
        code: 'custom',
        path: ['memory', 'limit'],
        message: `${value.memory.limit} is below the request ${value.memory.request}; a limit must be at least its request`,
      });
    }
  });

export type ResourceSettings = z.output<typeof resources>;
export type ImageSettings = z.output<typeof image>;
