// Cases for the global Prometheus's rules (rules/groups/federation.ts), run against its own rule files
// by test/constructs/global-prometheus.test.ts: members do not load these rules, so they are not in RULE_TEST_CASES.
import { series, type Labels } from './targets';
import type { RuleTestCase } from './types';

const warning = { severity: 'warning', priority: 'P2' };

/** The federation job's target for a member, as the prod config lists it. */
const target = (cluster: string, job = 'federate'): Labels => ({
  job,
  cluster,
  instance: `prometheus-federate.${cluster}.internal.example.com:9090`,
});
const DEV = target('moe-lab-dev');
const STAGING = target('moe-lab-staging');
const PROD = { job: 'federate', cluster: 'moe-lab-prod', instance: 'prometheus-federate.monitoring.svc:9090' };

/** A member's series as federated: its own labels plus its `cluster` and `environment` external labels. */
const probe = (cluster: string, environment: string) => series('job:up:count', { cluster, environment, job: 'prometheus' });
const episodes = (cluster: string, environment: string) =>
  series('namespace_app:mage_episodes_completed:rate5m', { cluster, environment, namespace: 'mage', app: 'mage-worker' });

const down = (t: Labels) => ({
  labels: { ...t, ...warning },
  summary: `The global Prometheus cannot federate cluster ${t.cluster}`,
  description: `Every scrape of /federate on ${t.instance} (cluster ${t.cluster}, job ${t.job}) has failed for 5m (up = 0); the fleet view and fleet alerts are missing this cluster.`,
  dashboard: 'fleet' as const,
});
const stale = (cluster: string, age: string) => ({
  labels: { cluster, ...warning },
  summary: `Data federated from cluster ${cluster} has stopped moving`,
  description: `No new job:up:count sample has come from cluster ${cluster} for ${age} (more than 5m) although its /federate answers: the member Prometheus no longer evaluates rules or its data no longer reaches the global Prometheus.`,
  dashboard: 'fleet' as const,
});
const fleetLow = (value: string) => ({
  labels: warning,
  summary: 'The Mage workers of the whole fleet generate few episodes',
  description: `All clusters together complete ${value} episodes/s (below 1) for 15m.`,
  dashboard: 'fleet' as const,
});

export const federationCases: readonly RuleTestCase[] = [
  {
    name: 'FederationTargetDown: a member failing /federate for 5 minutes fires per cluster, a per-member job too; other jobs do not',
    series: [
      { series: series('up', DEV), values: '1x4 0x20' },
      { series: series('up', target('moe-lab-staging', 'federate-moe-lab-staging')), values: '1x4 0x20' },
      { series: series('up', PROD), values: '1x24' },
      // A member's own target, federated: not the federation job, so never this alert.
      { series: series('up', { job: 'mage-worker', cluster: 'moe-lab-prod', instance: '10.0.1.5:9090' }), values: '0x24' },
    ],
    alerts: [
      // Down from 5m: pending until 10m.
      { alert: 'FederationTargetDown', at: '9m', fires: [] },
      {
        alert: 'FederationTargetDown',
        at: '11m',
        fires: [down(DEV), down(target('moe-lab-staging', 'federate-moe-lab-staging'))],
      },
    ],
  },
  {
    name: 'FederatedDataStale: data that stops while /federate answers fires once 5 minutes old for 5 minutes, and keeps firing after the series go stale; a member whose data stops as it goes down does not',
    series: [
      { series: series('up', DEV), values: '1x90' },
      // The member's last recording at 10m.
      { series: probe('moe-lab-dev', 'dev'), values: '2x10 _x80' },
      { series: series('up', STAGING), values: '1x90' },
      { series: probe('moe-lab-staging', 'staging'), values: '3x90' },
      // The common failure: the member goes down at 11m and its data stops with it, as old as dev's.
      // FederationTargetDown covers it; without the `answering` guard this alert would fire for it too.
      { series: series('up', PROD), values: '1x10 0x80' },
      { series: probe('moe-lab-prod', 'prod'), values: '4x10 _x80' },
    ],
    alerts: [
      // 300 s old at 15m is not more than 300 s; above it from 16m, so pending until 21m.
      { alert: 'FederatedDataStale', at: '20m', fires: [] },
      { alert: 'FederatedDataStale', at: '22m', fires: [stale('moe-lab-dev', '12m 0s')] },
      // No sample within the last hour: reads the hour itself, still firing.
      { alert: 'FederatedDataStale', at: '80m', fires: [stale('moe-lab-dev', '1h 0m 0s')] },
    ],
  },
  {
    name: 'FederatedDataStale: a member down without data stays silent; once it answers again with its data still stopped it fires, and clears when the data moves',
    series: [
      // Down from 11m to 30m, answering from 31m; its recordings stop at 10m and resume at 50m.
      { series: series('up', PROD), values: '1x10 0x19 1x60' },
      { series: probe('moe-lab-prod', 'prod'), values: '4x10 _x39 4x40' },
    ],
    alerts: [
      // Data 19m old, but the member does not answer.
      { alert: 'FederatedDataStale', at: '29m', fires: [] },
      // Answering from 31m with data 21m old: pending until 36m.
      { alert: 'FederatedDataStale', at: '35m', fires: [] },
      { alert: 'FederatedDataStale', at: '37m', fires: [stale('moe-lab-prod', '27m 0s')] },
      { alert: 'FederatedDataStale', at: '51m', fires: [] },
    ],
  },
  {
    name: 'FederatedDataStale: a member that answers but never exported the probe series fires after 5 minutes',
    series: [
      { series: series('up', STAGING), values: '1x10' },
      { series: series('up', DEV), values: '1x10' },
      { series: probe('moe-lab-dev', 'dev'), values: '1x10' },
    ],
    alerts: [
      { alert: 'FederatedDataStale', at: '4m', fires: [] },
      { alert: 'FederatedDataStale', at: '6m', fires: [stale('moe-lab-staging', '1h 0m 0s')] },
    ],
  },
  {
    name: 'FleetEpisodeRateLow: the summed rate of every cluster below 1/s for 15 minutes fires; 1.5/s does not',
    series: [
      { series: episodes('moe-lab-dev', 'dev'), values: '0.5x40' },
      { series: episodes('moe-lab-staging', 'staging'), values: '1x9 0.2x30' },
    ],
    alerts: [
      { alert: 'FleetEpisodeRateLow', at: '9m', fires: [] },
      // 0.7/s from 10m: pending until 25m.
      { alert: 'FleetEpisodeRateLow', at: '24m', fires: [] },
      { alert: 'FleetEpisodeRateLow', at: '26m', fires: [fleetLow('0.70')] },
    ],
    expressions: [
      { expr: 'fleet:mage_episodes_completed:rate5m', at: '5m', samples: [{ labels: 'fleet:mage_episodes_completed:rate5m', value: 1.5 }] },
      {
        expr: 'fleet:mage_episodes_completed:rate5m',
        at: '12m',
        samples: [{ labels: 'fleet:mage_episodes_completed:rate5m', value: 0.7 }],
      },
    ],
  },
  {
    name: 'FleetEpisodeRateLow: exactly 1/s does not fire; no Mage data from any cluster reads as 0 and fires',
    series: [
      { series: episodes('moe-lab-dev', 'dev'), values: '0.5x20 _x30' },
      { series: episodes('moe-lab-staging', 'staging'), values: '0.5x20 _x30' },
    ],
    alerts: [
      { alert: 'FleetEpisodeRateLow', at: '20m', fires: [] },
      // The last samples at 20m stay visible for the 5-minute lookback; without data from 25m or 26m
      // (depending on whether the lookback includes its start), it is pending until 40m or 41m.
      { alert: 'FleetEpisodeRateLow', at: '39m', fires: [] },
      { alert: 'FleetEpisodeRateLow', at: '42m', fires: [fleetLow('0.00')] },
    ],
  },
];
