// End-to-end federation: the generated dev and staging member configs run in two real Prometheus
// servers scraping one synthetic exporter, and prod's generated global config federates them.
import { parse } from 'yaml';
import { RULE_GROUPS, isRecording } from '../../rules';
import { buildDashboards } from '../../dashboards';
import { parseLabelValues, PROD_LINKS, selectorsIn, variableQuery, variablesOf } from '../helpers/dashboard-queries';
import { waitFor } from '../helpers/processes';
import { MAGE_COUNTER, OTHER_SERIES, seriesOf, startFederationStack, type FederationStack } from '../helpers/federation-stack';
import { FEDERATION_JOB_REGEX } from '../../contracts/federation';

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

/** Whether a `match[]` selector selects a series with exactly these labels (anchored regexes, as PromQL). */
function selects(selector: string, labels: Record<string, string>): boolean {
  const [parsed, ...more] = selectorsIn(selector);
  if (!parsed || more.length > 0) throw new Error(`not one selector: ${selector}`);
  const named = parsed.metric === undefined ? [] : [{ label: '__name__', op: '=', value: parsed.metric }];
  return [...named, ...parsed.matchers].every(({ label, op, value }) => {
    const actual = labels[label] ?? '';
    const matches = op.includes('~') ? new RegExp(`^(?:${value})$`).test(actual) : actual === value;
    return op.startsWith('!') ? !matches : matches;
  });
}

// Per-GPU and per-container recordings: as many series as the raw data, so they stay in their cluster.
const UNFEDERATED_LEVELS = /^(node_gpu|namespace_pod_container):/;
const UNFEDERATED_SELECTOR = '{__name__=~"(node_gpu|namespace_pod_container):.+"}';

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

  it('GIVEN the member recording rules and the generated match[] THEN no selector takes a per-GPU or per-container recording, every other leveled one is taken', () => {
    const matchers = federationJobsOf(stack.globalGenerated).flatMap((job) => job.params?.['match[]'] ?? []);
    expect(matchers.length).toBeGreaterThan(0);
    const recorded = RULE_GROUPS.flatMap((group) => group.rules.filter(isRecording).map((rule) => rule.record));
    const federated = (name: string) => matchers.some((matcher) => selects(matcher, { __name__: name }));
    const narrow = recorded.filter((name) => UNFEDERATED_LEVELS.test(name));
    // Both levels exist among the member rules, so the exclusion below is not vacuous.
    expect(narrow.some((name) => name.startsWith('node_gpu:')) && narrow.some((name) => name.startsWith('namespace_pod_container:'))).toBe(
      true,
    );
    expect(narrow.filter(federated)).toEqual([]);
    const leveled = recorded.filter((name) => name.includes(':') && !UNFEDERATED_LEVELS.test(name));
    expect(leveled).toContain('job:up:count');
    expect(leveled.filter((name) => !federated(name))).toEqual([]);
  });

  it('GIVEN the members evaluate their generated rules WHEN federated THEN job:up:count arrives for both clusters, the freshness probe of FederatedDataStale', async () => {
    const probes = await waitFor('job:up:count of both clusters', 20000, async () => {
      const found = await seriesOf(stack.globalUrl, 'count by (cluster) (job:up:count{job="mage-worker"})');
      return found.length === 2 ? found : undefined;
    });
    expect(clustersOf(probes)).toEqual(clusters);
  });

  it('GIVEN each member holds the job="other" series WHEN federated THEN only its recording rules reach the global server, no raw series', async () => {
    for (const member of stack.members) {
      await waitFor(`${OTHER_SERIES} on ${member.cluster}`, 20000, async () =>
        (await seriesOf(member.url, `${OTHER_SERIES}{job="other"}`)).length === 1 ? true : undefined,
      );
    }
    // Recordings over every job are federated by design; their arrival shows federation of job="other" ran.
    const recorded = await waitFor('job:up:count{job="other"} of both clusters', 20000, async () => {
      const found = await seriesOf(stack.globalUrl, 'job:up:count{job="other"}');
      return found.length === 2 ? found : undefined;
    });
    expect(clustersOf(recorded)).toEqual(clusters);
    expect(await seriesOf(stack.globalUrl, '{job="other", __name__!~".+:.+"}')).toEqual([]);
    expect(await seriesOf(stack.globalUrl, OTHER_SERIES)).toEqual([]);
  });

  it('GIVEN each member records per-GPU and per-node memory from raw DCGM fields WHEN federated THEN only the per-node recording arrives', async () => {
    for (const member of stack.members) {
      await waitFor(`per-GPU recordings on ${member.cluster}`, 20000, async () =>
        (await seriesOf(member.url, UNFEDERATED_SELECTOR)).length > 0 ? true : undefined,
      );
    }
    // The node-level recording of the same fields arrives, so the scrapes that would carry the others ran.
    const perNode = await waitFor('node:DCGM_FI_DEV_FB_USED:ratio of both clusters', 20000, async () => {
      const found = await seriesOf(stack.globalUrl, 'node:DCGM_FI_DEV_FB_USED:ratio');
      return found.length === 2 ? found : undefined;
    });
    expect(clustersOf(perNode)).toEqual(clusters);
    // 1000 MiB used of 1000 + 3000.
    expect(perNode.map((s) => s.value)).toEqual([0.25, 0.25]);
    expect(await seriesOf(stack.globalUrl, UNFEDERATED_SELECTOR)).toEqual([]);
    expect(await seriesOf(stack.globalUrl, '{__name__=~"DCGM_.+"}')).toEqual([]);
  });

  it("GIVEN every dashboard of the global environment WHEN its cluster variable's query runs on the global server THEN it lists both member clusters", async () => {
    // label_values(<selector>, cluster) as Grafana's Prometheus datasource runs it: the label values API with match[].
    const listed = async (api: string, selector: string) => {
      const response = await fetch(`${api}/api/v1/label/cluster/values?match[]=${encodeURIComponent(selector)}`);
      return ((await response.json()) as { data: string[] }).data.sort();
    };
    const boards = [...buildDashboards(PROD_LINKS, 'global')];
    expect(boards.length).toBeGreaterThan(1);
    for (const [uid, board] of boards) {
      const variable = variablesOf(board).find((v) => v.name === 'cluster');
      const query = parseLabelValues(variable ? variableQuery(variable) : '');
      expect([uid, query?.label]).toEqual([uid, 'cluster']);
      const values = await waitFor(`cluster values of ${uid}`, 20000, async () => {
        const found = await listed(stack.globalUrl, query!.selector ?? '{cluster!=""}');
        return clusters.every((c) => found.includes(c)) ? found : undefined;
      });
      expect([uid, values.filter((v) => clusters.includes(v))]).toEqual([uid, clusters]);
    }
    // On a member the label is only external: nothing is listed and All matches the missing label.
    expect(await listed(stack.members[0].url, 'up')).toEqual([]);
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
