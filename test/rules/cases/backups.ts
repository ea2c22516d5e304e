import { KSM, KSM_2, series, type Labels } from './targets';
import type { RuleTestCase } from './types';

/** A kube-state-metrics series about an object in moe-lab, as scraped from `replica`. */
const about = (replica: Labels, extra: Labels): Labels => ({ ...replica, namespace: 'moe-lab', ...extra });
const failed = (replica: Labels, jobName: string, condition: string) =>
  series('kube_job_failed', about(replica, { job_name: jobName, condition, reason: condition === 'true' ? 'BackoffLimitExceeded' : '' }));
const lastSuccess = (replica: Labels, cronjob: string) => series('kube_cronjob_status_last_successful_time', about(replica, { cronjob }));

export const backupCases: readonly RuleTestCase[] = [
  {
    // The postgres backup fails at minute 5; a Job of another namespace that fails must not count.
    name: 'BackupJobFailed: a failed backup Job fires once per Job, a succeeding one and a foreign Job do not',
    series: [
      { series: failed(KSM, 'postgres-backup-28950090', 'true'), values: '0x4 1x20' },
      { series: failed(KSM_2, 'postgres-backup-28950090', 'true'), values: '0x4 1x20' },
      { series: failed(KSM, 'redis-backup-28950105', 'true'), values: '0x25' },
      { series: failed(KSM, 'redis-backup-28950105', 'false'), values: '1x25' },
      {
        series: series('kube_job_failed', { ...KSM, namespace: 'mage', job_name: 'postgres-backup-1', condition: 'true' }),
        values: '1x25',
      },
    ],
    alerts: [
      { alert: 'BackupJobFailed', at: '3m', fires: [] },
      {
        alert: 'BackupJobFailed',
        at: '10m',
        fires: [
          {
            labels: { namespace: 'moe-lab', job_name: 'postgres-backup-28950090', severity: 'warning', priority: 'P2' },
            summary: 'Backup job postgres-backup-28950090 failed',
            description:
              'Backup Job moe-lab/postgres-backup-28950090 failed (1 = Failed condition true) after its retries or its deadline; that night’s copy in S3 is missing.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
  {
    // Series start at t=0 (Unix time 0): the checkpoint backup last succeeded at -35h, redis at -1h.
    name: 'BackupTooOld: a last success 36h ago fires, one an hour ago does not',
    interval: '10m',
    series: [
      { series: lastSuccess(KSM, 'checkpoint-backup'), values: `${-35 * 3600}x20` },
      { series: lastSuccess(KSM_2, 'checkpoint-backup'), values: `${-35 * 3600}x20` },
      { series: lastSuccess(KSM, 'redis-backup'), values: `${-3600}x20` },
    ],
    alerts: [
      { alert: 'BackupTooOld', at: '50m', fires: [] },
      {
        alert: 'BackupTooOld',
        at: '70m',
        fires: [
          {
            labels: { namespace: 'moe-lab', cronjob: 'checkpoint-backup', severity: 'warning', priority: 'P2' },
            summary: 'No successful checkpoint-backup run for more than 36h',
            description:
              'CronJob moe-lab/checkpoint-backup last succeeded 1d 12h 10m 0s ago (more than 36h); the newest backup in S3 is that old.',
            dashboard: 'system',
          },
        ],
      },
    ],
  },
];
