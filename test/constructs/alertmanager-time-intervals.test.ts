import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENT_NAMES } from '../../config';
import { isWithinTimeInterval, weeklyTimeInterval, type TimeInterval } from '../../constructs/config-files/time-intervals';
import { removeDir, synthToTemp } from '../helpers/synth-tmp';

let dist: string;
beforeAll(() => (dist = synthToTemp()));
afterAll(() => removeDir(dist));

/** The named interval as written to dist/<env>/config/alertmanager.yml, parsed back. */
const generatedInterval = (env: string, name: string) => {
  const config = parse(readFileSync(join(dist, env, 'config', 'alertmanager.yml'), 'utf8')) as { time_intervals: TimeInterval[] };
  const interval = config.time_intervals.find((t) => t.name === name);
  if (!interval) throw new Error(`${env}: no time interval ${name}`);
  return interval;
};

// 2024-01-07 is a Sunday, 2024-01-08 a Monday, 2024-01-10 a Wednesday, 2024-01-12 a Friday, 2024-01-13 a Saturday.
describe.each(ENVIRONMENT_NAMES)('generated time intervals of %s', (env) => {
  it.each([
    ['Sunday 02:30 UTC', '2024-01-07T02:30:00Z', true],
    ['Sunday 02:00 UTC (start is inclusive)', '2024-01-07T02:00:00Z', true],
    ['Sunday 03:59:59 UTC', '2024-01-07T03:59:59Z', true],
    ['Sunday 04:00 UTC (end is exclusive)', '2024-01-07T04:00:00Z', false],
    ['Sunday 04:30 UTC', '2024-01-07T04:30:00Z', false],
    ['Sunday 01:59 UTC', '2024-01-07T01:59:00Z', false],
    ['Monday 02:30 UTC', '2024-01-08T02:30:00Z', false],
    ['Saturday 02:30 UTC', '2024-01-13T02:30:00Z', false],
  ])('GIVEN maintenance-window WHEN the time is %s THEN inside is %s', (_name, iso, inside) => {
    expect(isWithinTimeInterval(generatedInterval(env, 'maintenance-window'), new Date(iso))).toBe(inside);
  });

  it.each([
    ['Wednesday 10:00 UTC', '2024-01-10T10:00:00Z', true],
    ['Monday 09:00 UTC', '2024-01-08T09:00:00Z', true],
    ['Friday 16:59 UTC', '2024-01-12T16:59:00Z', true],
    ['Monday 08:59 UTC', '2024-01-08T08:59:00Z', false],
    ['Wednesday 17:00 UTC', '2024-01-10T17:00:00Z', false],
    ['Saturday 10:00 UTC', '2024-01-13T10:00:00Z', false],
    ['Sunday 10:00 UTC', '2024-01-07T10:00:00Z', false],
  ])('GIVEN business-hours WHEN the time is %s THEN inside is %s', (_name, iso, inside) => {
    expect(isWithinTimeInterval(generatedInterval(env, 'business-hours'), new Date(iso))).toBe(inside);
  });
});

describe('weeklyTimeInterval', () => {
  it('GIVEN Monday to Friday listed out of order WHEN built THEN they collapse into one Alertmanager range', () => {
    const interval = weeklyTimeInterval('business-hours', {
      weekdays: ['friday', 'monday', 'wednesday', 'tuesday', 'thursday'],
      start: '09:00',
      end: '17:00',
      location: 'UTC',
    });
    expect(interval).toEqual({
      name: 'business-hours',
      time_intervals: [{ weekdays: ['monday:friday'], times: [{ start_time: '09:00', end_time: '17:00' }], location: 'UTC' }],
    });
  });

  it('GIVEN a weekend WHEN built THEN Sunday and Saturday stay separate, since Alertmanager ranges cannot wrap the week', () => {
    const interval = weeklyTimeInterval('weekend', { weekdays: ['saturday', 'sunday'], start: '00:00', end: '24:00', location: 'UTC' });
    expect(interval.time_intervals[0].weekdays).toEqual(['sunday', 'saturday']);
    expect(isWithinTimeInterval(interval, new Date('2024-01-13T23:59:00Z'))).toBe(true);
    expect(isWithinTimeInterval(interval, new Date('2024-01-08T00:00:00Z'))).toBe(false);
  });

  it('GIVEN a window in Europe/Berlin WHEN tested THEN wall-clock time is used, in winter and in summer', () => {
    const interval = weeklyTimeInterval('berlin', { weekdays: ['sunday'], start: '02:00', end: '04:00', location: 'Europe/Berlin' });
    expect(isWithinTimeInterval(interval, new Date('2024-01-07T01:30:00Z'))).toBe(true); // 02:30 CET
    expect(isWithinTimeInterval(interval, new Date('2024-07-07T00:30:00Z'))).toBe(true); // 02:30 CEST
    expect(isWithinTimeInterval(interval, new Date('2024-01-07T02:30:00Z'))).toBe(true); // 03:30 CET
    expect(isWithinTimeInterval(interval, new Date('2024-01-07T03:30:00Z'))).toBe(false); // 04:30 CET
    expect(isWithinTimeInterval(interval, new Date('2024-01-06T23:30:00Z'))).toBe(false); // Sunday 00:30 CET
  });

  it.each([
    ['end before start', { weekdays: ['sunday'], start: '04:00', end: '02:00', location: 'UTC' }, 'maintenanceWindow.end'],
    ['end past 24:00', { weekdays: ['sunday'], start: '02:00', end: '24:30', location: 'UTC' }, 'maintenanceWindow.end'],
    ['start 25:00', { weekdays: ['sunday'], start: '25:00', end: '26:00', location: 'UTC' }, 'maintenanceWindow.start'],
    ['no weekday', { weekdays: [], start: '02:00', end: '04:00', location: 'UTC' }, 'maintenanceWindow.weekdays'],
    ['an unknown weekday', { weekdays: ['sundae'], start: '02:00', end: '04:00', location: 'UTC' }, 'maintenanceWindow.weekdays'],
    ['an unknown zone', { weekdays: ['sunday'], start: '02:00', end: '04:00', location: 'Mars/Olympus' }, 'maintenanceWindow.location'],
  ])('GIVEN %s WHEN built THEN it throws naming the field', (_name, window, field) => {
    expect(() => weeklyTimeInterval('maintenance-window', window as never, 'maintenanceWindow')).toThrow(field);
  });

  it('GIVEN an interval with days_of_month WHEN tested THEN it throws rather than guess', () => {
    const interval = { name: 'x', time_intervals: [{ days_of_month: ['1'] }] } as unknown as TimeInterval;
    expect(() => isWithinTimeInterval(interval, new Date())).toThrow('days_of_month');
  });
});
