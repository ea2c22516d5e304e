// Weekdays and wall-clock time in a time zone: what the maintenance window, Alertmanager's time
// intervals and the backup schedule check all read an instant as.

/** Sunday first, as Go's time.Weekday, Alertmanager and cron number them. */
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Weekday (0 = Sunday) and minute of the day of `date` in the IANA time zone `location`. */
export function wallClock(date: Date, location: string): { weekday: number; minute: number } {
  if (location === 'UTC') return { weekday: date.getUTCDay(), minute: date.getUTCHours() * 60 + date.getUTCMinutes() };
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: location,
    weekday: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    weekday: WEEKDAYS.indexOf(part('weekday').toLowerCase() as Weekday),
    minute: Number(part('hour')) * 60 + Number(part('minute')),
  };
}
