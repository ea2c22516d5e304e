// Field-level diff of two parsed objects, compact enough for a PR comment: arrays of named items
// (containers, env, volumes) and `--flag=value` argument lists are paired by name, not by position,
// so inserting one element does not report every later one as changed.
import { isDeepStrictEqual } from 'node:util';
import { isRecord } from './objects';

const MAX_VALUE_CHARS = 60;
/** Field lines shown per changed object; the rest are counted. */
export const MAX_FIELD_LINES = 12;
/** ConfigMap values longer than this (or spanning lines) are summarized, not printed. */
const MAX_INLINE_DATA_CHARS = 120;

/** A value as the report shows it: scalars verbatim (truncated), containers by size. */
export function show(value: unknown): string {
  if (value === undefined) return '(none)';
  if (Array.isArray(value)) return `[${value.length} item${value.length === 1 ? '' : 's'}]`;
  if (isRecord(value)) return `{${Object.keys(value).length} fields}`;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const line = text.replace(/\n/g, '⏎');
  return line.length > MAX_VALUE_CHARS ? `${line.slice(0, MAX_VALUE_CHARS - 1)}…` : line;
}

/** Two long strings from just before where they first differ, so a one-word edit stays visible. */
function showChange(base: unknown, head: unknown): string {
  if (typeof base !== 'string' || typeof head !== 'string' || Math.max(base.length, head.length) <= MAX_VALUE_CHARS)
    return `${show(base)} → ${show(head)}`;
  let same = 0;
  while (same < base.length && same < head.length && base[same] === head[same]) same++;
  const from = Math.max(0, same - 20);
  const cut = (text: string) => (from > 0 ? '…' : '') + text.slice(from);
  return `${show(cut(base))} → ${show(cut(head))}`;
}

const FLAG = /^(--?[\w.-]+)(?:=(.*))?$/s;

/** The name an array element is paired by: `name`, else `metadata.name`. */
function elementName(element: unknown): string | undefined {
  if (!isRecord(element)) return undefined;
  if (typeof element.name === 'string') return element.name;
  return isRecord(element.metadata) && typeof element.metadata.name === 'string' ? element.metadata.name : undefined;
}

/** Pairs elements by name (or flag), or gives undefined when names are missing or not unique. */
function keyedElements(array: readonly unknown[]): Map<string, unknown> | undefined {
  if (array.length === 0) return new Map();
  const flags = array.map((element) => (typeof element === 'string' ? FLAG.exec(element) : null));
  const entries: Array<[string, unknown]> = flags.every((match) => match !== null)
    ? flags.map((match) => [match![1], match![2] ?? true])
    : array.map((element) => [elementName(element) ?? '', element]);
  if (entries.some(([key]) => key === '')) return undefined;
  const keyed = new Map(entries);
  return keyed.size === array.length ? keyed : undefined;
}

function diffInto(base: unknown, head: unknown, path: string, out: string[]): void {
  if (isDeepStrictEqual(base, head)) return;
  if (base === undefined) return void out.push(`${path}: added ${show(head)}`);
  if (head === undefined) return void out.push(`${path}: removed (was ${show(base)})`);
  if (isRecord(base) && isRecord(head)) {
    const keys = [...new Set([...Object.keys(base), ...Object.keys(head)])];
    for (const key of keys) diffInto(base[key], head[key], path ? `${path}.${key}` : key, out);
    return;
  }
  if (Array.isArray(base) && Array.isArray(head)) {
    const [baseKeyed, headKeyed] = [keyedElements(base), keyedElements(head)];
    if (baseKeyed && headKeyed) {
      for (const key of new Set([...baseKeyed.keys(), ...headKeyed.keys()]))
        diffInto(baseKeyed.get(key), headKeyed.get(key), `${path}[${key}]`, out);
      return;
    }
    for (let i = 0; i < Math.max(base.length, head.length); i++) diffInto(base[i], head[i], `${path}[${i}]`, out);
    return;
  }
  out.push(`${path}: ${showChange(base, head)}`);
}

/** Lines in the changed region of two texts: what is left after their common first and last lines. */
export function changedLineCount(base: string, head: string): number {
  const [a, b] = [base.split('\n'), head.split('\n')];
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  return Math.max(a.length - start - end, b.length - start - end);
}

const isBlob = (value: unknown) => typeof value === 'string' && (value.includes('\n') || value.length > MAX_INLINE_DATA_CHARS);

/** ConfigMap and Secret data: Secret values never appear in the report; large ConfigMap values only as a line count. */
function diffData(kind: string, field: string, base: unknown, head: unknown, out: string[]): void {
  const [b, h] = [isRecord(base) ? base : {}, isRecord(head) ? head : {}];
  for (const key of [...new Set([...Object.keys(b), ...Object.keys(h)])]) {
    const [old, now] = [b[key], h[key]];
    if (isDeepStrictEqual(old, now)) continue;
    const path = `${field}.${key}`;
    if (old === undefined) out.push(`${path}: added`);
    else if (now === undefined) out.push(`${path}: removed`);
    else if (kind === 'Secret') out.push(`${path} changed`);
    else if (isBlob(old) || isBlob(now)) out.push(`${path} changed (${changedLineCount(String(old), String(now))} lines)`);
    else diffInto(old, now, path, out);
  }
}

const DATA_FIELDS = ['data', 'stringData', 'binaryData'];

/** Changed fields of one object, at most MAX_FIELD_LINES lines plus a count of the rest. */
export function diffObject(base: Record<string, unknown>, head: Record<string, unknown>): string[] {
  const out: string[] = [];
  const kind = String(head.kind ?? base.kind);
  const hasData = kind === 'ConfigMap' || kind === 'Secret';
  for (const key of [...new Set([...Object.keys(base), ...Object.keys(head)])]) {
    if (hasData && DATA_FIELDS.includes(key)) diffData(kind, key, base[key], head[key], out);
    else diffInto(base[key], head[key], key, out);
  }
  if (out.length <= MAX_FIELD_LINES) return out;
  return [...out.slice(0, MAX_FIELD_LINES), `… ${out.length - MAX_FIELD_LINES} more changed fields`];
}

/** Like diffObject for any two values, uncapped; used for panels and receivers. */
export function diffPaths(base: unknown, head: unknown): string[] {
  const out: string[] = [];
  diffInto(base, head, '', out);
  return out;
}
