// A small evaluator for the 5-field cron schedules of the backup CronJobs, so the config can prove
// that no backup starts inside the weekly maintenance window (when nodes may be drained and
// storage may be unavailable). Only what the backups need is supported; the rest is refused loudly.
import { z } from 'zod';
import type { WeeklyWindow } from './schema/alerting';
import { wallClock, WEEKDAYS } from './wall-clock';

/** A parsed schedule: the minutes, hours and weekdays (0 = Sunday) on which it fires. */
export interface CronSchedule {
  readonly expression: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
}

const SUPPORTED =
  'supported: 5 fields "minute hour day-of-month month day-of-week" with numbers, lists (1,5), ranges (1-5) and steps (*/15, 0-30/10); day-of-month and month must be "*"';

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
// 0–6 with Sunday as 0: the CronJob controller's parser refuses the 7 some crons accept.
const WEEKDAY: FieldSpec = { name: 'day-of-week', min: 0, max: 6 };

function fail(expression: string, detail: string): never {
  throw new Error(`cron schedule "${expression}": ${detail}; ${SUPPORTED}`);
}

function parseNumber(expression: string, field: FieldSpec, text: string): number {
  if (!/^\d+$/.test(text)) fail(expression, `${field.name} "${text}" is not a number`);
  const value = Number(text);
  if (value < field.min || value > field.max) fail(expression, `${field.name} ${value} is outside ${field.min}-${field.max}`);
  return value;
}

function parseField(expression: string, field: FieldSpec, text: string): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined) fail(expression, `${field.name} "${item}" has more than one "/"`);
    const step = stepText === undefined ? 1 : parseNumber(expression, { ...field, min: 1 }, stepText);
    let first: number;
    let last: number;
    if (range === '*') [first, last] = [field.min, field.max];
    else if (range.includes('-')) {
      const [from, to] = range.split('-');
      [first, last] = [parseNumber(expression, field, from), parseNumber(expression, field, to)];
      if (last < first) fail(expression, `${field.name} range "${range}" runs backwards`);
    } else {
      first = parseNumber(expression, field, range);
      // `5/10` means "from 5 every 10", as in Vixie cron.
      last = stepText === undefined ? first : field.max;
    }
    for (let value = first; value <= last; value += step) values.add(value);
  }
  return values;
}

/** Parses a standard 5-field cron expression; throws naming the expression, the problem and what is supported. */
export function parseCron(expression: string): CronSchedule {
  if (expression.trim().startsWith('@')) fail(expression, 'macros such as @daily are not supported');
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) fail(expression, `has ${fields.length} fields, not 5`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  // A weekly window can only be checked exactly against a weekly-periodic schedule.
  if (dayOfMonth !== '*') fail(expression, `day-of-month "${dayOfMonth}" is not supported`);
  if (month !== '*') fail(expression, `month "${month}" is not supported`);
  const weekdays = new Set(parseField(expression, WEEKDAY, dayOfWeek));
  return {
    expression,
    minutes: parseField(expression, MINUTE, minute),
    hours: parseField(expression, HOUR, hour),
    weekdays,
  };
}

/** Whether the schedule fires at `date`, read in UTC (the backup CronJobs set `timeZone: Etc/UTC`). */
export function cronMatches(schedule: CronSchedule, date: Date): boolean {
  return schedule.minutes.has(date.getUTCMinutes()) && schedule.hours.has(date.getUTCHours()) && schedule.weekdays.has(date.getUTCDay());
}

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** Whether `date` lies in the window `[start, end)` on one of its weekdays, as Alertmanager reads it. */
export function isInWeeklyWindow(window: WeeklyWindow, date: Date): boolean {
  const { weekday, minute } = wallClock(date, window.location);
  const onDay = window.weekdays.some((day) => WEEKDAYS.indexOf(day) === weekday);
  return onDay && minute >= minutesOf(window.start) && minute < minutesOf(window.end);
}

// A whole year covers both DST switches of any zone the window may be written in; a fixed year keeps
// the answer deterministic.
const SCAN_FROM = Date.UTC(2025, 0, 1);
const SCAN_DAYS = 366;
const DAY_MS = 86_400_000;

/** The first time (in a reference year) the schedule fires inside the window, or undefined if it never does. */
export function firstFiringInWindow(schedule: CronSchedule, window: WeeklyWindow): Date | undefined {
  const hours = [...schedule.hours].sort((a, b) => a - b);
  const minutes = [...schedule.minutes].sort((a, b) => a - b);
  for (let day = 0; day < SCAN_DAYS; day++) {
    const midnight = SCAN_FROM + day * DAY_MS;
    if (!schedule.weekdays.has(new Date(midnight).getUTCDay())) continue;
    for (const hour of hours) {
      for (const minute of minutes) {
        const firing = new Date(midnight + (hour * 60 + minute) * 60_000);
        if (isInWeeklyWindow(window, firing)) return firing;
      }
    }
  }
  return undefined;
}

/**
 * Throws unless `expression` parses and never fires inside `window`; `field` names the setting
 * (e.g. `storage.backups.schedules.postgres`) in the error.
 */
export function assertOutsideWindow(field: string, expression: string, window: WeeklyWindow): void {
  const problem = windowProblem(expression, window);
  if (problem) throw new Error(`${field}: ${problem}`);
}

/** Why `expression` is unusable (unparseable, or firing inside `window`), or undefined when it is fine. */
export function windowProblem(expression: string, window: WeeklyWindow): string | undefined {
  let schedule: CronSchedule;
  try {
    schedule = parseCron(expression);
  } catch (error) {
    return (error as Error).message;
  }
  const firing = firstFiringInWindow(schedule, window);
  if (firing) {
    const day = WEEKDAYS[firing.getUTCDay()];
    return (
      `"${expression}" fires on ${day} at ${firing.toISOString().slice(11, 16)} UTC, inside the maintenance window ` +
      `${window.weekdays.join(',')} ${window.start}-${window.end} ${window.location}; choose a time outside it`
    );
  }
  return undefined;
}

/** A cron schedule this module can evaluate; the maintenance-window check needs the window and is done by the caller. */
export const cronSchedule = z.string().superRefine((value, ctx) => {
  try {
    parseCron(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});
