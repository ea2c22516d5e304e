// Readers for the sizes and durations the preview compares. Each gives NaN for text it cannot read,
// and `unreadableRisk` turns that into a risk: a value the preview cannot read might be a reduction.
import { durationSeconds as configDurationSeconds } from '../../config/quantities';
import type { Risk } from './types';

/** Prometheus reads sizes with base-2 multipliers whether spelled `GB` or `GiB` (alecthomas/units ParseBase2Bytes). */
const SIZE_UNITS: Record<string, number> = Object.fromEntries([
  ['B', 1],
  ...['K', 'M', 'G', 'T', 'P', 'E'].flatMap((prefix, i) => [
    [`${prefix}B`, 1024 ** (i + 1)],
    [`${prefix}iB`, 1024 ** (i + 1)],
  ]),
]);
/** Kubernetes suffixes (k8s.io/apimachinery resource.Quantity): binary SI, then decimal SI. */
const QUANTITY_UNITS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?|[eE]([+-]?\d+))$/;

/** Prometheus durations (`30d`, `1d12h`: units largest first, as Prometheus's parser demands), in seconds; NaN when unreadable. */
export function durationSeconds(text: string): number {
  if (text === '0') return 0;
  return /^(?=\d)(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/.test(text) ? configDurationSeconds(text) : NaN;
}

/** Prometheus sizes (`81920MB`, `80GiB`, `1GB512MB`; powers of 1024), in bytes; NaN when unreadable. */
export function sizeBytes(text: string): number {
  if (text === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)([KMGTPE]?i?B)/g;
  if (!new RegExp(`^(?:${part.source})+$`).test(text)) return NaN;
  return [...text.matchAll(part)].reduce((bytes, [, amount, unit]) => bytes + Number(amount) * (SIZE_UNITS[unit] ?? NaN), 0);
}

/** Kubernetes quantities (`100Gi`, `5Ti`, `1.5G`, `1e9`), in bytes; NaN when unreadable (`20Gb`, `20 Gi`). */
export function quantityBytes(text: string): number {
  const match = QUANTITY.exec(text);
  if (!match) return NaN;
  return match[3] === undefined ? Number(match[1]) * QUANTITY_UNITS[match[2] ?? ''] : Number(match[1]) * 10 ** Number(match[3]);
}

/** Shown as the manifests spell it; `(none)` for a missing value. */
const quoted = (value: string) => (value === '(none)' ? value : `"${value}"`);

/**
 * The risk for a changed value that one side does not read as `what`, e.g.
 * `Cannot compare: PVC ns/data storage 20Gi → 20Gb: "20Gb" is not a Kubernetes quantity, so a shrink cannot be ruled out; compare by hand`.
 */
export function unreadableRisk(change: string, unreadable: readonly string[], what: string, concern: string): Risk {
  const values = unreadable.map(quoted).join(' and ');
  return {
    kind: 'quantity-unreadable',
    text: `Cannot compare: ${change}: ${values} ${unreadable.length > 1 ? 'are' : 'is'} not ${what}, so ${concern} cannot be ruled out; compare by hand`,
  };
}

/**
 * Compares `base` → `head` with `measure`; `smaller` when head measures less, `unreadable` (with the
 * values that failed) when either side cannot be measured.
 */
export function compareMeasures(
  base: string,
  head: string,
  measure: (value: string) => number,
): { readonly smaller: boolean; readonly unreadable: readonly string[] } {
  const [was, is] = [measure(base), measure(head)];
  const unreadable = [...new Set([base, head].filter((_, i) => Number.isNaN([was, is][i])))];
  return { smaller: unreadable.length === 0 && is < was, unreadable };
}
