/** Grafana dashboard uids and titles; alerts link to `/d/<uid>` and the dashboards are created with these uids. */
export const DASHBOARD_TITLES = {
  training: 'Training Overview',
  inference: 'Inference Metrics',
  routing: 'Expert Routing',
  system: 'System Health',
  gpu: 'GPU Monitoring (DCGM)',
  'mage-training': 'Mage AI Training',
  alerts: 'Alerts Overview',
  fleet: 'Fleet Overview',
} as const;

export type DashboardUid = keyof typeof DASHBOARD_TITLES;
export const DASHBOARD_UIDS = Object.keys(DASHBOARD_TITLES) as DashboardUid[];

/** Dashboards that query the global Prometheus: provisioned only where `federation.role` is global. */
export const GLOBAL_ONLY_UIDS: ReadonlySet<DashboardUid> = new Set<DashboardUid>(['fleet']);
