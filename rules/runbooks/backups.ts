import { BACKUP } from '../thresholds';
import { JOBS } from '../../contracts/jobs';
import { BACKUPS } from '../groups/backups';
import type { Runbook } from './types';

const ns = BACKUPS.namespace;
const listJobs = `kubectl -n ${ns} get cronjobs,jobs -l app.kubernetes.io/name=backup`;
const jobLogs = `kubectl -n ${ns} logs job/<job_name> --all-containers --tail=200`;
const rerun = `kubectl -n ${ns} create job --from=cronjob/<cronjob> <cronjob>-manual-$(date +%s)`;

const causes =
  'Typical causes: the IAM role (ServiceAccount moe-lab-backup, annotation eks.amazonaws.com/role-arn) lacks s3:PutObject on the bucket; PostgreSQL or Redis unreachable or the credentials Secret changed (init container pg-dump or redis-rdb); the checkpoints volume not mountable on the node; the active deadline reached on a large checkpoint sync.';

export const backupRunbooks: readonly Runbook[] = [
  {
    alert: 'BackupJobFailed',
    meaning:
      'A Job created by one of the backup CronJobs (checkpoint-backup, postgres-backup, redis-backup) has the Failed condition: its pods failed beyond the backoff limit, or it ran past its active deadline.',
    impact:
      'That run’s copy is not in S3. Until a later run succeeds, a lost volume or database can only be restored to an older backup. The failed Job stays listed (and the alert firing) until it is removed.',
    diagnosis: [
      { text: 'List the backup CronJobs and their Jobs; see which run failed and when.', command: listJobs },
      { text: `Read the logs of the failed Job, init container included. ${causes}`, command: jobLogs },
      { text: 'Read the Job’s events for scheduling, volume or image problems.', command: `kubectl -n ${ns} describe job <job_name>` },
    ],
    mitigation: [
      { text: 'Fix the cause, then run the backup now instead of waiting for the next schedule.', command: rerun },
      {
        text: 'Once a run has succeeded, delete the failed Job so the alert resolves.',
        command: `kubectl -n ${ns} delete job <job_name>`,
      },
    ],
  },
  {
    alert: 'BackupTooOld',
    meaning: `A backup CronJob has not completed successfully for more than ${BACKUP.maxAgeSeconds / 3600} hours, although it is scheduled daily.`,
    impact: 'The newest backup in S3 is older than a day and a half; a restore would lose everything since.',
    diagnosis: [
      {
        text: 'Check whether the CronJob is suspended, its last schedule time and its recent Jobs.',
        command: `${listJobs}\nkubectl -n ${ns} get cronjob <cronjob> -o jsonpath='{.spec.suspend} {.status.lastScheduleTime}'`,
      },
      {
        text: 'See when each backup last succeeded.',
        query: `time() - kube_cronjob_status_last_successful_time{job="${JOBS.kubeStateMetrics}", namespace="${ns}"}`,
      },
      {
        text: 'If runs start but fail, follow the BackupJobFailed runbook; if none start, look for missed schedules (startingDeadlineSeconds) in the CronJob’s events.',
        command: `kubectl -n ${ns} describe cronjob <cronjob>`,
      },
    ],
    mitigation: [
      { text: 'Resume a suspended CronJob.', command: `kubectl -n ${ns} patch cronjob <cronjob> -p '{"spec":{"suspend":false}}'` },
      { text: 'Run the backup now.', command: rerun },
    ],
  },
];
