// Alertmanager's named time intervals (`time_intervals:` in alertmanager.yml), built from the weekly
// windows of the environment config, and the same containment test Alertmanager runs, so unit tests
// can say "Sunday 02:30 UTC is inside the maintenance window" without starting a server.
import type { WeeklyWindow } from '../../config';
import { wallClock, WEEKDAYS, type Weekday } from '../../config/wall-clock';

/** `[start_time, end_time)` in minutes of the day; `end_time` may be `24:00`. */
export interface TimeRange {
  readonly start_time: string;
  readonly end_time: string;
}

/** One entry of a named interval. Only the fields this stack uses; days_of_month, months and years are not modelled. */
export interface TimeIntervalSpec {
  /** Single days (`sunday`) or inclusive ranges (`monday:friday`). */
  readonly weekdays?: readonly string[];
  readonly times?: readonly TimeRange[];
  /** IANA time zone the weekdays and times are read in. @default UTC */
  readonly location?: string;
}

/** A named time interval: it contains an instant when any of its entries does. */
export interface TimeInterval {
  readonly name: string;
  readonly time_intervals: readonly TimeIntervalSpec[];
}

const CLOCK = /^(\d{2}):(\d{2})$/;
const INTERVAL_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Minutes since midnight of `HH:MM` (00:00–24:00), or undefined when it is not such a time. */
function minutesOf(clock: string): number | undefined {
  const match = CLOCK.exec(clock);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return Number(match[2]) < 60 && minutes <= 24 * 60 ? minutes : undefined;
}

function isKnownTimeZone(location: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: location });
    return true;
  } catch {
    return false;
  }
}

/** Consecutive days collapse into Alertmanager ranges: monday…friday becomes `monday:friday`. */
function weekdayRanges(days: readonly Weekday[]): string[] {
  const indices = [...new Set(days.map((day) => WEEKDAYS.indexOf(day)))].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < indices.length;) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    const [first, last] = [WEEKDAYS[indices[i]], WEEKDAYS[indices[j]]];
    ranges.push(i === j ? first : `${first}:${last}`);
    i = j + 1;
  }
  return ranges;
}

/**
 * The named Alertmanager time interval of a weekly window. `field` names the window in errors
 * (e.g. `alerting.maintenanceWindow`); every problem throws naming the field, the value and what is allowed.
 */
export function weeklyTimeInterval(name: string, window: WeeklyWindow, field: string = name): TimeInterval {
  if (!INTERVAL_NAME.test(name)) throw new Error(`time interval name: got "${name}"; must be lower-case letters, digits and "-"`);
  if (window.weekdays.length === 0) throw new Error(`${field}.weekdays: got []; must name at least one weekday`);
  for (const day of window.weekdays) {
    if (!WEEKDAYS.includes(day)) throw new Error(`${field}.weekdays: got "${day}"; allowed: ${WEEKDAYS.join(', ')}`);
  }
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === undefined || start >= 24 * 60) throw new Error(`${field}.start: got "${window.start}"; must be HH:MM from 00:00 to 23:59`);
  if (end === undefined) throw new Error(`${field}.end: got "${window.end}"; must be HH:MM from 00:01 to 24:00`);
  if (end <= start)
    throw new Error(`${field}.end: got "${window.end}"; must be after start ${window.start} (windows do not wrap midnight)`);
  if (!isKnownTimeZone(window.location)) {
    throw new Error(`${field}.location: got "${window.location}"; must be an IANA time zone such as UTC or Europe/Berlin`);
  }
  return {
    name,
    time_intervals: [
      { weekdays: weekdayRanges(window.weekdays), times: [{ start_time: window.start, end_time: window.end }], location: window.location },
    ],
  };
}

/** Weekday and minute of the day of `date` as seen in `location`, which must be a zone this runtime knows. */
function wallClockIn(date: Date, location: string): { weekday: number; minute: number } {
  if (location !== 'UTC' && !isKnownTimeZone(location)) throw new Error(`location: got "${location}"; not a time zone this runtime knows`);
  return wallClock(date, location);
}

function clock(value: string): number {
  const minutes = minutesOf(value);
  if (minutes === undefined) throw new Error(`times: got "${value}"; must be HH:MM from 00:00 to 24:00`);
  return minutes;
}

function weekdayRangeContains(range: string, weekday: number): boolean {
  const [first, last = first] = range.split(':').map((day) => WEEKDAYS.indexOf(day.trim().toLowerCase() as Weekday));
  if (first < 0 || last < 0 || last < first)
    throw new Error(`weekdays: got "${range}"; must be a weekday or an ascending range such as monday:friday`);
  return weekday >= first && weekday <= last;
}

function specContains(spec: TimeIntervalSpec, date: Date): boolean {
  const unsupported = Object.keys(spec).filter((key) => !['weekdays', 'times', 'location'].includes(key));
  if (unsupported.length > 0) throw new Error(`time interval: ${unsupported.join(', ')} not supported; only weekdays, times and location`);
  const { weekday, minute } = wallClockIn(date, spec.location ?? 'UTC');
  // Like Alertmanager: a missing field matches every instant; times compare at minute resolution.
  const inTimes =
    spec.times === undefined || spec.times.some((range) => minute >= clock(range.start_time) && minute < clock(range.end_time));
  const onWeekday = spec.weekdays === undefined || spec.weekdays.some((range) => weekdayRangeContains(range, weekday));
  return inTimes && onWeekday;
}

/** Alertmanager's semantics: `date` is inside the named interval when any of its entries contains it. */
export function isWithinTimeInterval(interval: TimeInterval, date: Date): boolean {
  return interval.time_intervals.some((spec) => specContains(spec, date));
}
