import { JOBS } from '../../contracts/jobs';
import { BACKUP } from '../thresholds';
import type { RuleGroup } from '../types';

/** What the backup alerts watch: the CronJobs of constructs/components/backups.ts, in the moe-lab namespace. */
export const BACKUPS = {
  namespace: 'moe-lab',
  cronJobs: ['checkpoint-backup', 'postgres-backup', 'redis-backup'],
} as const;
const maxAgeHours = BACKUP.maxAgeSeconds / 3600;

const cronJobs = BACKUPS.cronJobs.join('|');
// Jobs a CronJob creates are named `<cronjob>-<scheduled minute since epoch>`.
const backupJobName = `(${cronJobs})-[0-9]+`;

/** Backup CronJobs: a failed run, and no successful run for too long. */
export const backupGroups: readonly RuleGroup[] = [
  {
    name: 'backups.alerts',
    file: 'backups',
    rules: [
      {
        alert: 'BackupJobFailed',
        // max: with kube-state-metrics replicated every series arrives once per replica.
        expr: `max by (namespace, job_name) (kube_job_failed{job="${JOBS.kubeStateMetrics}", namespace="${BACKUPS.namespace}", job_name=~"${backupJobName}", condition="true"}) > 0`,
        severity: 'warning',
        priority: 'P2',
        dashboard: 'system',
        summary: 'Backup job {{ $labels.job_name }} failed',
        description:
          'Backup Job {{ $labels.namespace }}/{{ $labels.job_name }} failed ({{ $value }} = Failed condition true) after its retries or its deadline; that night’s copy in S3 is missing.',
      },
      {
        alert: 'BackupTooOld',
        expr: `time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{job="${JOBS.kubeStateMetrics}", namespace="${BACKUPS.namespace}", cronjob=~"${cronJobs}"}) > ${BACKUP.maxAgeSeconds}`,
        severity: 'warning',
        priority: 'P2',
        dashboard: 'system',
        summary: 'No successful {{ $labels.cronjob }} run for more than ' + `${maxAgeHours}h`,
        description: `CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} last succeeded {{ $value | humanizeDuration }} ago (more than ${maxAgeHours}h); the newest backup in S3 is that old.`,
      },
    ],
  },
];
