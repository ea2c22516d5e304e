import { assertOutsideWindow, cronMatches, firstFiringInWindow, parseCron } from '../../config/cron';
import type { WeeklyWindow } from '../../config';

const SUNDAY_NIGHT: WeeklyWindow = { weekdays: ['sunday'], start: '02:00', end: '04:00', location: 'UTC' };
// 2025-01-05 was a Sunday.
const at = (iso: string) => new Date(`${iso}Z`);

describe('parseCron', () => {
  it('GIVEN lists, ranges and steps WHEN parsed THEN the schedule fires exactly at those minutes, hours and weekdays', () => {
    const schedule = parseCron('0,30 1-3 * * 1-5');
    expect(cronMatches(schedule, at('2025-01-06T02:30:00'))).toBe(true); // Monday
    expect(cronMatches(schedule, at('2025-01-06T02:15:00'))).toBe(false);
    expect(cronMatches(schedule, at('2025-01-06T04:00:00'))).toBe(false);
    expect(cronMatches(schedule, at('2025-01-05T02:30:00'))).toBe(false); // Sunday
    expect([...parseCron('*/20 0 * * *').minutes]).toEqual([0, 20, 40]);
  });

  it('GIVEN day-of-week 7 WHEN parsed THEN it is refused, as the CronJob controller refuses it; Sunday is 0', () => {
    expect(() => parseCron('0 3 * * 7')).toThrow(/day-of-week/);
    expect(cronMatches(parseCron('0 3 * * 0'), at('2025-01-05T03:00:00'))).toBe(true);
  });

  it.each([
    ['@daily', /macros/],
    ['0 1 * *', /has 4 fields, not 5/],
    ['60 1 * * *', /minute 60 is outside 0-59/],
    ['0 24 * * *', /hour 24 is outside 0-23/],
    ['0 1 1 * *', /day-of-month "1" is not supported/],
    ['0 1 * 6 *', /month "6" is not supported/],
    ['0 1 * * MON', /day-of-week "MON" is not a number/],
    ['0 5-1 * * *', /range "5-1" runs backwards/],
  ])('GIVEN "%s" WHEN parsed THEN it is refused with a clear error', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(message);
    expect(() => parseCron(expression)).toThrow(/supported: 5 fields/);
  });
});

describe('maintenance window check', () => {
  it('GIVEN a daily 02:30 UTC schedule WHEN checked against Sunday 02:00-04:00 UTC THEN it is refused naming the firing time', () => {
    expect(() => assertOutsideWindow('backups.schedules.postgres', '30 2 * * *', SUNDAY_NIGHT)).toThrow(
      'backups.schedules.postgres: "30 2 * * *" fires on sunday at 02:30 UTC, inside the maintenance window',
    );
  });

  it.each(['0 4 * * *', '59 1 * * *', '30 2 * * 1-6', '0 3 * * 1,3,5'])(
    'GIVEN "%s" WHEN checked against Sunday 02:00-04:00 UTC THEN it never fires inside',
    (expression) => {
      expect(firstFiringInWindow(parseCron(expression), SUNDAY_NIGHT)).toBeUndefined();
      expect(() => assertOutsideWindow('schedule', expression, SUNDAY_NIGHT)).not.toThrow();
    },
  );

  it('GIVEN a window in Europe/Berlin WHEN a UTC schedule hits it only in summer time THEN the first firing inside is in summer', () => {
    const berlin: WeeklyWindow = { ...SUNDAY_NIGHT, start: '03:00', location: 'Europe/Berlin' };
    // 01:15 UTC is 02:15 CET (outside 03:00-04:00) in winter but 03:15 CEST (inside) in summer.
    const firing = firstFiringInWindow(parseCron('15 1 * * 0'), berlin);
    expect(firing?.getUTCMonth()).toBeGreaterThanOrEqual(2);
    expect(firing?.getUTCMonth()).toBeLessThanOrEqual(9);
  });
});
