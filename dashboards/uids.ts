/** Grafana dashboard uids; alerts link to `/d/<uid>` and the dashboards are created with these uids. */
export const DASHBOARD_UIDS = ['training', 'inference', 'routing', 'system', 'gpu', 'mage-training'] as const;
export type DashboardUid = (typeof DASHBOARD_UIDS)[number];
