import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { JOBS } from '../../contracts/jobs';
import { BACKUP } from '../../rules/thresholds';
import { timeseriesPanel, type Threshold } from './panels';
import { filters, selector } from './variables';

// Backups protect every namespace's data, so, like the monitoring pipeline, they follow the cluster
// only. The stack's only CronJobs are its backups (constructs/components/backups.ts).
const ksm = (metric: string, ...matchers: string[]) =>
  selector(metric, `job="${JOBS.kubeStateMetrics}"`, ...matchers, ...filters('cluster'));
const anyFailed: Threshold = { value: 1, bad: 'above' };

/** Panels for the backup alerts (rules/groups/backups.ts): age of the last good backup, and failed runs. */
export function backupPanels(): timeseries.PanelBuilder[] {
  return [
    timeseriesPanel({
      title: 'Time since last successful backup',
      description: `Per backup CronJob, how long ago a run last succeeded. Above ${BACKUP.maxAgeSeconds / 3600} h BackupTooOld fires: the newest copy in S3 is that old.`,
      unit: 'seconds',
      queries: [
        {
          expr: `time() - max by (cluster, namespace, cronjob) (${ksm('kube_cronjob_status_last_successful_time')})`,
          legend: '{{namespace}}/{{cronjob}}',
        },
      ],
      threshold: { value: BACKUP.maxAgeSeconds, bad: 'above' },
      min: 0,
    }),
    timeseriesPanel({
      title: 'Failed backup jobs',
      description:
        'Backup Jobs whose runs failed after their retries or deadline, as kube-state-metrics keeps them (the last three failed Jobs per CronJob). BackupJobFailed fires for each until the Job is deleted after a good rerun.',
      unit: 'count',
      queries: [
        {
          expr: `sum(max by (cluster, namespace, job_name) (${ksm('kube_job_failed', 'condition="true"')})) or vector(0)`,
          legend: 'failed',
        },
      ],
      threshold: anyFailed,
      min: 0,
    }),
  ];
}
