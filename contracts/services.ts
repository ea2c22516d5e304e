// Service names and ports the stack's components expose. The constructs create the Services under
// these names; scrape jobs, datasources, backups and clients address them by the same names.
import { JOBS } from './jobs';

/** The Service and port the `prometheus` scrape job selects; named once so the two cannot drift. */
export const PROMETHEUS_SERVICE = { name: 'prometheus', webPort: 'web' } as const;

/** The Service and port the `alertmanager` scrape job selects; named once so the two cannot drift. */
export const ALERTMANAGER_SERVICE = { name: 'alertmanager', webPort: 'web' } as const;

/** The Service and port users and the ingress reach Grafana at; named once so callers cannot drift. */
export const GRAFANA_SERVICE = { name: 'grafana', httpPort: 'http' } as const;

/** The Service and port name Prometheus's `node-exporter` job selects. */
export const NODE_EXPORTER_SERVICE = { name: 'node-exporter', metricsPort: 'metrics' } as const;

/** The Service and port name Prometheus's `dcgm-exporter` job selects. */
export const DCGM_EXPORTER_SERVICE = { name: 'dcgm-exporter', metricsPort: 'metrics' } as const;

/** The Service and port name Prometheus's `kube-state-metrics` job selects (with honor_labels). */
export const KUBE_STATE_METRICS_SERVICE = { name: 'kube-state-metrics', metricsPort: 'http-metrics', telemetryPort: 'telemetry' } as const;

/** Service name and port clients use; Grafana's database host is built from these. */
export const POSTGRES_SERVICE = { name: 'postgres', port: 5432 } as const;

/** Service name and port clients use. */
export const REDIS_SERVICE = { name: 'redis', port: 6379 } as const;

/** An in-cluster Service a datasource talks to. */
export interface BackendService {
  readonly name: string;
  readonly port: number;
}

/** Loki's Service in the monitoring namespace, which Grafana's datasource and Fluent Bit reach. */
export const LOKI_SERVICE: BackendService = { name: 'loki', port: 3100 };

/** Jaeger's query Service, UI and API (constructs/components/jaeger.ts names its Service after this). */
export const JAEGER_QUERY_SERVICE: BackendService = { name: 'jaeger-query', port: 16686 };

/** The Service the SDKs send spans to and fetch sampling strategies from. */
export const JAEGER_COLLECTOR_SERVICE = 'jaeger-collector';

/** The Service and port the `loki` scrape job selects; named once so the two cannot drift. */
export const LOKI_SCRAPE = { serviceName: LOKI_SERVICE.name, portName: 'http-metrics' } as const;

/** The Service and port the `jaeger` scrape job selects; named once so the two cannot drift. */
export const JAEGER_SCRAPE = { serviceName: JAEGER_COLLECTOR_SERVICE, portName: 'metrics' } as const;

/** The Service and port name Prometheus's `fluent-bit` job selects (with honor_labels). */
export const FLUENT_BIT_SCRAPE = { serviceName: 'fluent-bit', portName: 'metrics' } as const;

/** The member-side Service the global Prometheus scrapes: one replica, so an HA pair is not counted twice. */
export const MEMBER_FEDERATE_SERVICE = { name: 'prometheus-federate', port: 9090 } as const;

/** The global Prometheus's StatefulSet and Service. */
export const GLOBAL_PROMETHEUS = { name: JOBS.prometheusGlobal, webPort: 9090 } as const;
