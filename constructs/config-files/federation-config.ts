// The global Prometheus's scrape configuration: one federation job over the member clusters. What it
// pulls is deliberately narrow: the Mage and MoE jobs and the recording rules, never raw GPU series.
import type { FederationMember } from '../../config/schema/federation';
import type { ScrapeJob } from './scrape-config';
import { REPLICA_LABEL, FEDERATION_INTERVAL, FEDERATE_MATCHERS, FEDERATION_JOB } from '../../contracts/federation';

export interface FederationJobsProps {
  readonly members: readonly FederationMember[];
  /** Where the Secrets that members' `tls` and `bearerTokenSecret` name are mounted, one directory per Secret. */
  readonly secretsDir: string;
}

const hostOf = (endpoint: string) => endpoint.replace(/^https?:\/\//, '');
const schemeOf = (endpoint: string) => (endpoint.startsWith('https://') ? 'https' : 'http');

function job(name: string, members: readonly FederationMember[], secretsDir: string): ScrapeJob {
  const [first] = members;
  const file = (secret: { name: string; key: string }) => `${secretsDir}/${secret.name}/${secret.key}`;
  return {
    job_name: name,
    scrape_interval: FEDERATION_INTERVAL,
    scheme: schemeOf(first.endpoint),
    metrics_path: '/federate',
    params: { 'match[]': [...FEDERATE_MATCHERS] },
    // Keep the members' own job, instance and cluster labels instead of this job's.
    honor_labels: true,
    ...(first.tls ? { tls_config: { ca_file: file(first.tls.caSecret) } } : {}),
    ...(first.bearerTokenSecret ? { authorization: { credentials_file: file(first.bearerTokenSecret) } } : {}),
    // `cluster` on the target names the member in this job's own `up` series (federated series keep theirs).
    static_configs: members.map((member) => ({ targets: [hostOf(member.endpoint)], labels: { cluster: member.name } })),
    relabel_configs: [],
    // Which member replica served the data does not matter; dropping it keeps series stable across a failover.
    metric_relabel_configs: [{ action: 'labeldrop', regex: REPLICA_LABEL }],
  };
}

/**
 * The federation jobs: members without TLS or token share the `federate` job (one target each, as
 * the seed has it); each member with its own CA or token gets a job of its own, since those are per job.
 */
export function federationScrapeJobs(props: FederationJobsProps): ScrapeJob[] {
  const plain = props.members.filter((m) => m.endpoint.startsWith('http://'));
  const secured = props.members.filter((m) => !m.endpoint.startsWith('http://'));
  return [
    ...(plain.length > 0 ? [job(FEDERATION_JOB, plain, props.secretsDir)] : []),
    ...secured.map((member) => job(`${FEDERATION_JOB}-${member.name}`, [member], props.secretsDir)),
  ];
}
