// What the down runbooks of the logging components add to the steps every scrape job shares.
import { JOBS } from '../../../contracts/jobs';
import type { Runbook } from '../types';
import { ns } from './commands';

type ExtraSteps = Partial<Pick<Runbook, 'diagnosis' | 'mitigation'>>;

const logsOf = (name: string) => `${ns} logs -l app.kubernetes.io/name=${name} --tail=100 --prefix`;

export const LOGGING_JOB_STEPS: Readonly<Record<string, ExtraSteps>> = {
  [JOBS.fluentBit]: {
    diagnosis: [
      {
        text: 'A DaemonSet runs one pod per node: compare desired and ready pods; pods missing on some nodes point at taints the DaemonSet does not tolerate.',
        command: `${ns} get daemonset fluent-bit\nkubectl get nodes -o custom-columns='NAME:.metadata.name,TAINTS:.spec.taints[*].key'`,
      },
      {
        text: 'Fluent Bit refuses to start on a configuration error and names the section and key; it also logs failing reads of the node log files.',
        command: `${logsOf('fluent-bit')} | grep -iE 'error|invalid|permission denied'`,
      },
    ],
    mitigation: [
      {
        text: 'Once it runs again Fluent Bit resumes each file at the offset it had stored, so lines written meanwhile are shipped unless the file was rotated away.',
      },
    ],
  },
  [JOBS.loki]: {
    diagnosis: [
      {
        text: 'Read why Loki stopped or does not become ready: object storage errors (S3 access through the ServiceAccount role), a full volume, or an out-of-memory kill.',
        command: `${logsOf('loki')} | grep -iE 'level=error|AccessDenied|no space|ring'\n${ns} describe pods -l app.kubernetes.io/name=loki | grep -A3 'Last State'`,
      },
      {
        text: 'Where logs go to S3, check the ServiceAccount carries the IAM role annotation that grants the bucket.',
        command: `${ns} get serviceaccount loki -o jsonpath='{.metadata.annotations.eks\\.amazonaws\\.com/role-arn}'`,
      },
      {
        text: 'See how much Fluent Bit retries meanwhile; retries that run out drop records (FluentBitDroppingLogs).',
        query: 'sum by (name) (rate(fluentbit_output_retries_total{job="fluent-bit"}[5m]))',
      },
    ],
    mitigation: [
      {
        text: 'If the volume is full (WAL, index cache, and every chunk with filesystem storage), expand its PersistentVolumeClaim or shorten the retention in config/environments/<env>.ts, then re-apply.',
        command: `${ns} get pvc -l app.kubernetes.io/name=loki\n${ns} patch pvc <pvc> -p '{"spec":{"resources":{"requests":{"storage":"100Gi"}}}}'`,
      },
      { text: 'If it was OOMKilled, raise logging.loki.resources.memory in config/environments/<env>.ts, synthesize and apply.' },
    ],
  },
  [JOBS.jaeger]: {
    diagnosis: [
      {
        text: 'Read why Jaeger stopped: with Badger storage a full volume or a corrupt value log, with memory storage an out-of-memory kill.',
        command: `${logsOf('jaeger')} | grep -iE 'error|badger|no space'\n${ns} describe pods -l app.kubernetes.io/name=jaeger | grep -A3 'Last State'`,
      },
    ],
    mitigation: [
      {
        text: 'With memory storage a restart loses the traces kept so far, by design; with Badger, expand the volume if it is full.',
        command: `${ns} get pvc -l app.kubernetes.io/name=jaeger`,
      },
    ],
  },
};
