import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { catalogByName, type MetricUnit } from '../rules/catalog';
import { FRESHNESS_SERIES } from '../rules/groups/federation';
import { FLEET, INFERENCE } from '../rules/thresholds';
import { stackDashboard } from './lib/dashboard';
import { GLOBAL_PROMETHEUS_DATASOURCE } from './lib/datasources';
import { statPanel, timeseriesPanel, type Threshold } from './lib/panels';
import { tablePanel } from './lib/tables';
import { filters, selector } from './lib/variables';
import { FEDERATE_MATCHERS, FEDERATION_JOB_REGEX, FEDERATION_INTERVAL } from '../contracts/federation';

// Everything here runs on the global Prometheus, which holds only what the members federate: their
// recording rules (`:` names), their Mage and MoE jobs, and the federation job's own `up`.

/** The job patterns the federation pulls whole (`mage-.*|moe-.*`), read from its `match[]` selectors. */
const FEDERATED_JOBS = FEDERATE_MATCHERS.flatMap((matcher) => /job=~"([^"]+)"/.exec(matcher)?.[1] ?? []).join('|');

// `cluster!=""` leaves out what the global Prometheus records or scrapes about itself: members only.
const inCluster = [...filters('cluster'), 'cluster!=""'];
/** The federation job's `up`: one target per member, labelled with the member's `cluster`. */
const federationUp = selector('up', `job=~"${FEDERATION_JOB_REGEX}"`, ...inCluster);
/** A members' recording rule kept per namespace and app. */
const perNamespace = (metric: string) => selector(metric, ...inCluster, ...filters('namespace'));
/** A members' recording rule over the whole cluster (`cluster:*`): it has no namespace to filter. */
const clusterWide = (metric: string) => selector(metric, ...inCluster);
const byCluster = (aggregation: 'sum' | 'max' | 'min', expr: string) => `${aggregation} by (cluster) (${expr})`;

const EPISODES = 'namespace_app:mage_episodes_completed:rate5m';
const SAMPLES = 'namespace_app:mage_samples_processed:rate5m';
const TOKENS = 'namespace_app:moe_lab_training_tokens_per_second:sum';
const REQUESTS = 'namespace_app:moe_lab_inference_requests_per_second:sum';
const LATENCY = 'namespace_app:moe_lab_inference_latency_p99:max';
const ERRORS = 'namespace_app:moe_lab_inference_error_rate:ratio';
const GPU_UTIL = 'cluster:DCGM_FI_DEV_GPU_UTIL:avg_ratio';
const FRAMEBUFFER = 'cluster:DCGM_FI_DEV_FB_USED:ratio';
const POWER = 'cluster:DCGM_FI_DEV_POWER_USAGE:sum';
const catalog = catalogByName();
/** The unit the catalog gives a recorded series, so a panel formats it as the rule computes it. */
const unitOf = (metric: string): MetricUnit => catalog.get(metric)!.unit;

const upByCluster = byCluster('min', federationUp);
const episodesByCluster = byCluster('sum', perNamespace(EPISODES));
/**
 * Seconds since each cluster's newest sample of the series FederatedDataStale watches: federation keeps
 * the members' timestamps, and the subquery remembers the last one after the series go stale.
 */
const dataAge = `time() - ${byCluster('max', `max_over_time(timestamp(${clusterWide(FRESHNESS_SERIES)})[${FLEET.federatedDataLookback}:${FEDERATION_INTERVAL}])`)}`;

const anyDown: Threshold = { value: 1, bad: 'above' };
const targetUp: Threshold = { value: 1, bad: 'below' };
const slow = { value: INFERENCE.maxLatencyP99Seconds, bad: 'above' } as const;
const stale = { value: FLEET.maxFederatedDataAgeSeconds, bad: 'above' } as const;
const fleetEpisodes = { value: FLEET.minEpisodesPerSecond, bad: 'below' } as const;
const legend = '{{cluster}}';

/** A per-cluster time series, one line per member. */
const perClusterSeries = (title: string, description: string, unit: MetricUnit, expr: string, threshold?: Threshold) =>
  timeseriesPanel({ title, description, unit, queries: [{ expr, legend }], threshold, width: 8, min: 0 });

function federationRow() {
  return [
    statPanel({
      title: 'Members federated',
      description: 'Member clusters whose /federate the global Prometheus scraped successfully at its last attempt.',
      unit: 'count',
      queries: [{ expr: `sum(${federationUp})` }],
    }),
    statPanel({
      title: 'Members down',
      description:
        'Member clusters whose federation scrape failed (replica 0 down, network or policy); red from the first, FederationTargetDown fires. Their panels below stop at the last federated sample.',
      unit: 'count',
      queries: [{ expr: `count(${federationUp} == 0) or vector(0)` }],
      threshold: anyDown,
    }),
    statPanel({
      title: 'Stalest data',
      description: `Age of the newest sample from the member furthest behind: a cluster that is scraped but whose rules stopped shows here first. Red above ${FLEET.maxFederatedDataAgeSeconds} s, where FederatedDataStale fires after ${FLEET.federatedDataStaleFor}.`,
      unit: 'seconds',
      queries: [{ expr: `max(${dataAge})` }],
      threshold: stale,
    }),
    statPanel({
      title: 'Fleet episode rate',
      description: `Self-play episodes per second completed by the Mage workers of all selected clusters and namespaces (members' 5m recording rule). With every cluster selected, red below ${FLEET.minEpisodesPerSecond}/s, where FleetEpisodeRateLow fires after ${FLEET.episodeRateLowFor}.`,
      unit: unitOf(EPISODES),
      queries: [{ expr: `sum(${perNamespace(EPISODES)})` }],
      threshold: fleetEpisodes,
    }),
    timeseriesPanel({
      title: 'Federation target up per cluster',
      description: `1 while the global Prometheus scrapes the member's /federate (Service prometheus-federate, replica 0), 0 when it fails; FederationTargetDown fires after ${FLEET.federationDownFor} at 0.`,
      unit: 'none',
      queries: [{ expr: upByCluster, legend }],
      threshold: targetUp,
      min: 0,
      max: 1,
    }),
    timeseriesPanel({
      title: "Age of each cluster's newest data",
      description: `Seconds since each member's newest federated sample; healthy is under a minute or two (member evaluation plus the ${FEDERATION_INTERVAL} federation interval). Above the dashed ${FLEET.maxFederatedDataAgeSeconds} s line FederatedDataStale fires; a cluster silent for ${FLEET.federatedDataLookback} drops out of the panel.`,
      unit: 'seconds',
      queries: [{ expr: dataAge, legend }],
      threshold: stale,
      min: 0,
    }),
  ];
}

function workloadRow() {
  return [
    perClusterSeries(
      'Mage episodes per second',
      'Episodes completed per second by the Mage workers of each cluster; compare clusters running the same workload.',
      unitOf(EPISODES),
      episodesByCluster,
    ),
    perClusterSeries(
      'Mage samples per second',
      'Training samples consumed per second by the Mage learners of each cluster.',
      unitOf(SAMPLES),
      byCluster('sum', perNamespace(SAMPLES)),
    ),
    perClusterSeries(
      'MoE training tokens per second',
      'Tokens per second the MoE trainers of each cluster process.',
      unitOf(TOKENS),
      byCluster('sum', perNamespace(TOKENS)),
    ),
    perClusterSeries(
      'Inference requests per second',
      'Requests per second the MoE inference pods of each cluster serve.',
      unitOf(REQUESTS),
      byCluster('sum', perNamespace(REQUESTS)),
    ),
    perClusterSeries(
      'Slowest inference p99 per cluster',
      `p99 latency of the slowest inference pod of each cluster; above the dashed ${INFERENCE.maxLatencyP99Seconds} s line InferenceLatencyHigh fires in that cluster.`,
      unitOf(LATENCY),
      byCluster('max', perNamespace(LATENCY)),
      slow,
    ),
    perClusterSeries(
      'Inference error ratio, worst app per cluster',
      'Failed over all requests of the worst inference app of each cluster (traffic-weighted within the app).',
      unitOf(ERRORS),
      byCluster('max', perNamespace(ERRORS)),
    ),
  ];
}

function gpuRow() {
  const clusterOnly = 'Recorded per cluster by its members, so the namespace filter does not apply.';
  return [
    perClusterSeries(
      'GPU utilization per cluster',
      `Mean utilization over every GPU of each cluster. ${clusterOnly}`,
      unitOf(GPU_UTIL),
      byCluster('max', clusterWide(GPU_UTIL)),
    ),
    perClusterSeries(
      'Framebuffer in use per cluster',
      `Framebuffer in use over usable framebuffer of all GPUs of each cluster. ${clusterOnly}`,
      unitOf(FRAMEBUFFER),
      byCluster('max', clusterWide(FRAMEBUFFER)),
    ),
    perClusterSeries(
      'GPU power per cluster',
      `Power drawn by all GPUs of each cluster. ${clusterOnly}`,
      unitOf(POWER),
      byCluster('max', clusterWide(POWER)),
    ),
  ];
}

/** How do the clusters compare, and is each one's data reaching the global Prometheus? */
export function fleetDashboard(): DashboardBuilder {
  return stackDashboard({
    uid: 'fleet',
    description:
      "The fleet from the global Prometheus: federation health and data age per member cluster, and the members' recording rules (Mage, MoE, GPU aggregates) side by side. Raw GPU series stay in their clusters: open a cluster's own dashboards for them.",
    tags: ['fleet', 'federation'],
    variables: { metric: 'up', matchers: [`job=~"${FEDERATED_JOBS}"`], datasource: GLOBAL_PROMETHEUS_DATASOURCE },
    rows: [
      { title: 'Federation', panels: federationRow() },
      { title: 'Workloads per cluster', panels: workloadRow() },
      { title: 'GPUs per cluster', panels: gpuRow() },
      {
        title: 'Clusters',
        panels: [
          tablePanel({
            title: 'Clusters side by side',
            description:
              'Latest values per member cluster: federation up (0: its /federate is not being scraped), data age (red when stale), and its main workload and GPU aggregates.',
            rowLabels: ['cluster'],
            columns: [
              // Uncoloured: the "Members down" stat already flags a failing member.
              { title: 'Federation up', expr: upByCluster, unit: 'none' },
              { title: 'Data age', expr: dataAge, unit: 'seconds', threshold: stale },
              { title: 'Episodes/s', expr: episodesByCluster, unit: unitOf(EPISODES) },
              { title: 'Training tokens/s', expr: byCluster('sum', perNamespace(TOKENS)), unit: unitOf(TOKENS) },
              { title: 'Inference req/s', expr: byCluster('sum', perNamespace(REQUESTS)), unit: unitOf(REQUESTS) },
              { title: 'GPU utilization', expr: byCluster('max', clusterWide(GPU_UTIL)), unit: unitOf(GPU_UTIL) },
            ],
          }),
        ],
      },
    ],
  });
}
