// Names the federation contract rests on: the job the global Prometheus scrapes members with, what it
// pulls, and the replica label it drops. The scrape config, the fleet rules and the fleet dashboard read them.

/** The federation job; members with their own TLS or token get `federate-<cluster>` jobs. */
export const FEDERATION_JOB = 'federate';

/** Matches every federation job's name, for rules and dashboards. */
export const FEDERATION_JOB_REGEX = `${FEDERATION_JOB}(-.+)?`;

/** Seed interval of the federation job. */
export const FEDERATION_INTERVAL = '15s';

/**
 * `match[]` selectors: the Mage jobs (seed), the MoE jobs and the recording rules (names with a `:`
 * level prefix) except the per-GPU and per-container ones. Raw DCGM series stay in their cluster; the
 * cluster- and node-level rules carry their aggregates.
 */
export const FEDERATE_MATCHERS = [
  '{job=~"mage-.*"}',
  '{job=~"moe-.*"}',
  '{__name__=~".+:.+", __name__!~"node_gpu:.+|namespace_pod_container:.+"}',
] as const;

/** External label that differs per HA replica; queries and Alertmanager de-duplicate on it. */
export const REPLICA_LABEL = 'prometheus_replica';
