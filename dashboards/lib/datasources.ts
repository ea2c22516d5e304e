// Grafana datasources with fixed uids: provisioning creates them with these uids, dashboards and
// trace↔log links refer to them, so a datasource can be re-created without breaking a dashboard.

export interface DatasourceDefinition {
  readonly uid: string;
  readonly name: string;
  /** Grafana plugin id. */
  readonly type: string;
}

export const DATASOURCES = {
  prometheus: { uid: 'prometheus', name: 'Prometheus', type: 'prometheus' },
  alertmanager: { uid: 'alertmanager', name: 'Alertmanager', type: 'alertmanager' },
  loki: { uid: 'loki', name: 'Loki', type: 'loki' },
  jaeger: { uid: 'jaeger', name: 'Jaeger', type: 'jaeger' },
} as const satisfies Record<string, DatasourceDefinition>;

/**
 * The global Prometheus, provisioned only where `federation.role` is global: every series it holds
 * was federated from a member and carries that member's `cluster`. Not in DATASOURCES, which every
 * Grafana gets.
 */
export const GLOBAL_PROMETHEUS_DATASOURCE = {
  uid: 'prometheus-global',
  name: 'Prometheus (global)',
  type: 'prometheus',
} as const satisfies DatasourceDefinition;

/** Name of the dashboard variable that selects the Prometheus datasource; every panel queries it. */
export const DATASOURCE_VARIABLE = 'datasource';

/** What each panel and query variable names as its datasource. */
export const PROMETHEUS_REF = { type: DATASOURCES.prometheus.type, uid: `\${${DATASOURCE_VARIABLE}}` };

/** Logs have one Loki per cluster, provisioned with a fixed uid: Logs panels name it directly, no variable. */
export const LOKI_REF = { type: DATASOURCES.loki.type, uid: DATASOURCES.loki.uid };
