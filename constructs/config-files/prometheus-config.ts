import { stringify } from 'yaml';
import type { ScrapeJob } from './scrape-config';
import { GENERATED_HEADER } from '../../contracts/generated-header';
import { REPLICA_LABEL } from '../../contracts/federation';

/** Environment variable holding the pod name, expanded into the replica label at start-up. */
export const POD_NAME_ENV = 'POD_NAME';

export interface PrometheusConfigProps {
  readonly scrapeInterval: string;
  readonly evaluationInterval: string;
  /** Identify this Prometheus in federation, remote storage and alerts: `cluster`, `environment`. */
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly scrapeJobs: readonly ScrapeJob[];
  /** Globs relative to prometheus.yml, so the same file works in the pod and in dist/<env>/config/. */
  readonly ruleFiles: readonly string[];
  /**
   * `host:port` of every Alertmanager peer. Prometheus must send to each of them: peers only gossip
   * silences and what they notified, not the alerts themselves.
   * @default - no alerting section
   */
  readonly alertmanagerTargets?: readonly string[];
}

/** Where alerts go: every Alertmanager peer, with the per-replica label dropped so the HA pair's copies are one alert. */
function alertingConfig(targets: readonly string[]) {
  return {
    alert_relabel_configs: [{ action: 'labeldrop', regex: REPLICA_LABEL }],
    alertmanagers: [{ api_version: 'v2', static_configs: [{ targets: [...targets] }] }],
  };
}

/** prometheus.yml as an object; `renderPrometheusConfig` turns it into the file text. */
export function prometheusConfig(props: PrometheusConfigProps) {
  const jobNames = props.scrapeJobs.map((job) => job.job_name);
  const duplicate = jobNames.find((name, index) => jobNames.indexOf(name) !== index);
  if (duplicate) throw new Error(`scrapeJobs: job_name "${duplicate}" is used twice; job names must be unique`);
  return {
    global: {
      scrape_interval: props.scrapeInterval,
      evaluation_interval: props.evaluationInterval,
      // Expanded from the environment by --enable-feature=expand-external-labels.
      external_labels: { ...props.externalLabels, [REPLICA_LABEL]: `\${${POD_NAME_ENV}}` },
    },
    ...(props.alertmanagerTargets?.length ? { alerting: alertingConfig(props.alertmanagerTargets) } : {}),
    rule_files: [...props.ruleFiles],
    scrape_configs: [...props.scrapeJobs],
  };
}

export function renderPrometheusConfig(props: PrometheusConfigProps): string {
  return GENERATED_HEADER + stringify(prometheusConfig(props), { lineWidth: 0 });
}
