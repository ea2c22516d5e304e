import type { MetricDefinition } from './types';

/** kube-state-metrics series about Jobs and CronJobs, read by the backup alerts. */
export const backupMetrics: readonly MetricDefinition[] = [
  {
    name: 'kube_job_failed',
    type: 'gauge',
    unit: 'none',
    source: 'kube-state-metrics',
    help: 'Whether the Job has the Failed condition (backoff limit or active deadline reached): 1 for the condition value, 0 for the others.',
    labels: ['job_name', 'condition', 'reason'],
    labelValues: { condition: ['true', 'false', 'unknown'] },
  },
  {
    name: 'kube_cronjob_status_last_successful_time',
    type: 'gauge',
    unit: 'seconds',
    source: 'kube-state-metrics',
    help: 'Unix time the CronJob last completed a Job successfully; absent until the first success.',
    labels: ['cronjob'],
  },
];
