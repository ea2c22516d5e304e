import { META } from '../../thresholds';
import type { AlertRule, RuleGroup } from '../../types';
import { SCRAPE_JOB_ALERTS, type JobDownMode, type ScrapeJobAlert } from './scrape-jobs';

const up = (job: string) => `up{job="${job}"}`;

// The value is the number of targets discovered, 0 when none is: it tells a scrape failure from a
// discovery failure. absent() returns 1, hence `* 0`. Fires exactly when `absent(up{job="…"} == 1)` does.
const noneUp = (job: string) => `count by (job) (${up(job)}) unless on (job) (${up(job)} == 1)`;
const JOB_DOWN_EXPR: Readonly<Record<JobDownMode, (job: string) => string>> = {
  'all-down': (job) => `${noneUp(job)} or absent(${up(job)}) * 0`,
  'discovered-all-down': noneUp,
  'each-down': (job) => `${up(job)} == 0`,
};

function jobDownAlert(row: ScrapeJobAlert): AlertRule {
  const common = { alert: row.alert, expr: JOB_DOWN_EXPR[row.mode](row.job), for: META.jobDownFor, severity: row.severity };
  const perJob = {
    summary: `Prometheus cannot scrape any ${row.component} target`,
    description: `No ${row.component} target has been up for ${META.jobDownFor} ({{ $value }} discovered); ${row.impact}.`,
  };
  const perTarget = {
    summary: `${row.component} {{ $labels.pod }} is down`,
    description: `${row.component} {{ $labels.namespace }}/{{ $labels.pod }} at {{ $labels.instance }} has failed every scrape for ${META.jobDownFor} (up = {{ $value }}); ${row.impact}.`,
  };
  return { ...common, priority: row.priority, dashboard: 'system', ...(row.mode === 'each-down' ? perTarget : perJob) };
}

// Jobs whose every down target already has its own alert stay out of TargetDown, so one outage alerts once.
const ownAlertPerTarget = SCRAPE_JOB_ALERTS.filter((row) => row.mode === 'each-down').map((row) => row.job);
/** The jobs TargetDown counts, as a matcher; dashboards showing "targets down" use it to agree with the alert. */
export const TARGET_DOWN_JOBS = `job!~"${ownAlertPerTarget.join('|')}"`;
const targets = `up{${TARGET_DOWN_JOBS}}`;

/** Scrape targets: a share of any job down, and every job with its own down alert. */
export const targetsGroup: RuleGroup = {
  name: 'meta.targets',
  file: 'meta',
  rules: [
    {
      alert: 'TargetDown',
      // Counts, not 1 - avg(up): avg's running mean makes exactly 10 % come out a hair above 10.
      expr: `100 * count by (job, namespace) (${targets} == 0) / count by (job, namespace) (${targets}) > ${META.maxTargetsDownPercent}`,
      for: '10m',
      severity: 'warning',
      priority: 'P2',
      dashboard: 'system',
      summary: 'Some {{ $labels.job }} targets are down',
      description: `{{ $value | printf "%.1f" }}% of the {{ $labels.job }} targets{{ with $labels.namespace }} in namespace {{ . }}{{ end }} are down (above ${META.maxTargetsDownPercent}%); their metrics and alerts are missing.`,
    },
    ...SCRAPE_JOB_ALERTS.map(jobDownAlert),
  ],
};
