// End-to-end federation: the generated dev and staging member configs run in two real Prometheus
// servers scraping one synthetic exporter, and prod's generated global config federates them.
import { parse } from 'yaml';
import { FEDERATION_JOB_REGEX } from '../../constructs/federation-config';
import { waitFor } from '../helpers/processes';
import { MAGE_COUNTER, OTHER_SERIES, seriesOf, startFederationStack, type FederationStack } from '../helpers/federation-stack';

interface FederationJob {
  job_name: string;
  scrape_interval?: string;
  honor_labels?: boolean;
  metrics_path?: string;
  params?: Record<string, string[]>;
  static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>;
}
const federationJobsOf = (yml: string) =>
  (parse(yml) as { scrape_configs: FederationJob[] }).scrape_configs.filter((job) => job.metrics_path === '/federate');
const clustersOf = (samples: ReadonlyArray<{ metric: Record<string, string> }>) => samples.map((s) => s.metric.cluster).sort();

describe('federation of two member clusters into the global Prometheus (real binaries)', () => {
  let stack: FederationStack;
  // The clusters as the generated member configs name them (their `cluster` external label).
  let clusters: string[];
  beforeAll(async () => {
    stack = await startFederationStack(['dev', 'staging'], 'prod');
    clusters = stack.members.map((m) => m.cluster).sort();
  });
  afterAll(async () => stack?.stop());

  it('GIVEN the generated global config THEN it federates /federate of both member clusters every 15 s with honor_labels and the Mage matcher', () => {
    const jobs = federationJobsOf(stack.globalGenerated);
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      // The seed interval; the running copy scrapes every second only to keep this test short.
      expect(job.scrape_interval).toBe('15s');
      expect(job.honor_labels).toBe(true);
      expect(job.params?.['match[]']).toContain('{job=~"mage-.*"}');
    }
    const targetClusters = jobs.flatMap((job) => job.static_configs.map((group) => group.labels?.cluster));
    expect(targetClusters).toEqual(expect.arrayContaining(['moe-lab-dev', 'moe-lab-staging']));
    expect(clusters).toEqual(['moe-lab-dev', 'moe-lab-staging']);
  });

  it('GIVEN the copy the global server runs THEN only its targets and intervals differ from the generated config', () => {
    const strip = (job: FederationJob) => ({ ...job, static_configs: undefined, scrape_interval: undefined });
    const running = federationJobsOf(stack.globalStarted);
    const generated = federationJobsOf(stack.globalGenerated).filter((job) => running.some((r) => r.job_name === job.job_name));
    expect(running.map(strip)).toEqual(generated.map(strip));
    const targets = running.flatMap((job) => job.static_configs.flatMap((group) => group.targets)).sort();
    expect(targets).toEqual(stack.members.map((m) => m.url.replace('http://', '')).sort());
  });

  it('GIVEN each member serves its replica label on /federate WHEN the global server federates THEN it holds the Mage counter of both clusters with their original job and instance, and no replica label', async () => {
    for (const member of stack.members) {
      const federated = await waitFor(`${member.cluster} /federate`, 20000, async () => {
        const text = await (await fetch(`${member.url}/federate?match[]=${encodeURIComponent(`{__name__="${MAGE_COUNTER}"}`)}`)).text();
        return text.includes(MAGE_COUNTER) ? text : undefined;
      });
      expect(federated).toContain(`cluster="${member.cluster}"`);
      expect(federated).toContain('prometheus_replica="prometheus-0"');
    }
    const samples = await waitFor('the counter of both clusters', 20000, async () => {
      const found = await seriesOf(stack.globalUrl, MAGE_COUNTER);
      return found.length === 2 ? found : undefined;
    });
    expect(clustersOf(samples)).toEqual(clusters);
    for (const { metric } of samples) {
      expect(metric).toMatchObject({ job: 'mage-worker', instance: stack.exporterAddress, worker: '0' });
      expect(metric.prometheus_replica).toBeUndefined();
    }
    // Federation keeps pulling: each cluster's counter rises above what was first seen.
    const first = new Map(samples.map((s) => [s.metric.cluster, s.value]));
    await waitFor('the counters to grow', 10000, async () => {
      const now = await seriesOf(stack.globalUrl, MAGE_COUNTER);
      return now.length === 2 && now.every((s) => s.value > first.get(s.metric.cluster)!) ? true : undefined;
    });
  });

  it('GIVEN each member holds the job="other" series WHEN federated THEN the global server holds no series of job="other"', async () => {
    for (const member of stack.members) {
      await waitFor(`${OTHER_SERIES} on ${member.cluster}`, 20000, async () =>
        (await seriesOf(member.url, `${OTHER_SERIES}{job="other"}`)).length === 1 ? true : undefined,
      );
    }
    // Both clusters' Mage series have arrived by now, so the federation scrapes that would carry it ran.
    expect(await seriesOf(stack.globalUrl, '{job="other"}')).toEqual([]);
    expect(await seriesOf(stack.globalUrl, OTHER_SERIES)).toEqual([]);
  });

  it('GIVEN both members up WHEN one member is stopped THEN the federation-down expression names that member’s cluster only', async () => {
    await waitFor('both federation targets up', 20000, async () =>
      (await seriesOf(stack.globalUrl, `up{job=~"${FEDERATION_JOB_REGEX}"} == 1`)).length === 2 ? true : undefined,
    );
    expect(await seriesOf(stack.globalUrl, stack.downExpr)).toEqual([]);
    const stopped = stack.members.find((m) => m.cluster === 'moe-lab-staging')!;
    await stopped.process.stop();
    const down = await waitFor('the federation-down expression', 20000, async () => {
      const found = await seriesOf(stack.globalUrl, stack.downExpr);
      return found.length > 0 ? found : undefined;
    });
    expect(clustersOf(down)).toEqual(['moe-lab-staging']);
  });
});
