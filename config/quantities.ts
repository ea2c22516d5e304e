// Converters for the string quantities the config uses; the schema has already checked their shape.

const DURATION_UNITS: Record<string, number> = {
  y: 365 * 86400,
  w: 7 * 86400,
  d: 86400,
  h: 3600,
  m: 60,
  s: 1,
  ms: 0.001,
};

/** `1h30m` → 5400. */
export function durationSeconds(duration: string): number {
  let seconds = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) {
    seconds += Number(amount) * DURATION_UNITS[unit];
  }
  return seconds;
}

const MEMORY_UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** `8Gi` → 8589934592. */
export function memoryBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)$/.exec(quantity);
  if (!match) throw new Error(`not a memory quantity: "${quantity}"`);
  return Number(match[1]) * MEMORY_UNITS[match[2]];
}

/** `500m` → 500, `2` → 2000. */
export function cpuMillis(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
}

/** Bytes as a whole number of MiB, rounded up: `134217728` → `128Mi`. */
export function formatMebibytes(bytes: number): string {
  return `${Math.ceil(bytes / MEMORY_UNITS.Mi)}Mi`;
}
