// Rules of the global Prometheus only: they read what the members federate (every series carries the
// member's `cluster` label) and the federation job's own `up`. Members never load them.
import { durationSeconds } from '../../config/quantities';
import { FLEET } from '../thresholds';
import type { RuleGroup } from '../types';
import { FEDERATION_JOB_REGEX } from '../../contracts/federation';

const federationUp = `up{job=~"${FEDERATION_JOB_REGEX}"}`;

/**
 * The freshness probe: every member records `job:up:count` (rules/groups/meta) on each evaluation,
 * whatever workloads it runs, so its newest federated sample shows whether the member's data still moves.
 */
export const FRESHNESS_SERIES = 'job:up:count';

/** Fleet-wide episodes per second, from the members' per-namespace recording rule. */
export const FLEET_EPISODE_RATE = 'fleet:mage_episodes_completed:rate5m';

const lookbackSeconds = durationSeconds(FLEET.federatedDataLookback);
// Federated samples keep the member's timestamps, so timestamp() is when the member wrote them. The
// subquery remembers the newest one after the series go stale, which happens 5 minutes after they stop.
const newestSample = `max by (cluster) (max_over_time(timestamp(${FRESHNESS_SERIES})[${FLEET.federatedDataLookback}:1m]))`;
const answering = `max by (cluster) (${federationUp}) == 1`;

/** Federation health (per member) and fleet-wide signals, evaluated by the global Prometheus. */
export const federationGroups: readonly RuleGroup[] = [
  {
    name: 'federation.recording',
    file: 'federation',
    rules: [{ record: FLEET_EPISODE_RATE, expr: 'sum(namespace_app:mage_episodes_completed:rate5m)' }],
  },
  {
    name: 'federation.alerts',
    file: 'federation',
    rules: [
      {
        // One target per member (target label `cluster`); with HA members it is replica 0 behind the
        // prometheus-federate Service, so this also fires while that replica is down.
        alert: 'FederationTargetDown',
        expr: `${federationUp} == 0`,
        for: FLEET.federationDownFor,
        severity: 'warning',
        priority: 'P2',
        dashboard: 'fleet',
        summary: 'The global Prometheus cannot federate cluster {{ $labels.cluster }}',
        description: `Every scrape of /federate on {{ $labels.instance }} (cluster {{ $labels.cluster }}, job {{ $labels.job }}) has failed for ${FLEET.federationDownFor} (up = {{ $value }}); the fleet view and fleet alerts are missing this cluster.`,
      },
      {
        // Only while the member answers: a failing scrape is FederationTargetDown's. A member with no
        // probe sample in the lookback (stopped long ago, or exporting nothing) reads the lookback itself.
        alert: 'FederatedDataStale',
        expr: `(time() - ${newestSample} > ${FLEET.maxFederatedDataAgeSeconds} or (${answering} unless on (cluster) ${newestSample}) * ${lookbackSeconds}) and on (cluster) ${answering}`,
        for: FLEET.federatedDataStaleFor,
        severity: 'warning',
        priority: 'P2',
        dashboard: 'fleet',
        summary: 'Data federated from cluster {{ $labels.cluster }} has stopped moving',
        description: `No new ${FRESHNESS_SERIES} sample has come from cluster {{ $labels.cluster }} for {{ $value | humanizeDuration }} (more than ${FLEET.maxFederatedDataAgeSeconds / 60}m) although its /federate answers: the member Prometheus no longer evaluates rules or its data no longer reaches the global Prometheus.`,
      },
      {
        // No Mage data from any member reads as 0: a fleet producing nothing is what this alert is for.
        alert: 'FleetEpisodeRateLow',
        expr: `(${FLEET_EPISODE_RATE} or vector(0)) < ${FLEET.minEpisodesPerSecond}`,
        for: FLEET.episodeRateLowFor,
        severity: 'warning',
        priority: 'P2',
        dashboard: 'fleet',
        summary: 'The Mage workers of the whole fleet generate few episodes',
        description: `All clusters together complete {{ $value | printf "%.2f" }} episodes/s (below ${FLEET.minEpisodesPerSecond}) for ${FLEET.episodeRateLowFor}.`,
      },
    ],
  },
];
