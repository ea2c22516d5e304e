import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { ALERT_RULES } from '../rules';
import type { AlertLinks } from '../rules/types';
import { assignPanelIds, runbookLinker } from './lib/runbook-links';
import { alertsDashboard } from './alerts';
import { gpuDashboard } from './gpu';
import { inferenceDashboard } from './inference';
import { mageTrainingDashboard } from './mage-training';
import { routingDashboard } from './routing';
import { systemDashboard } from './system';
import { trainingDashboard } from './training';
import type { DashboardUid } from './uids';

export { DASHBOARD_TITLES, DASHBOARD_UIDS, type DashboardUid } from './uids';

/** Every dashboard of the stack, keyed by uid. */
export const DASHBOARDS: Readonly<Record<DashboardUid, () => DashboardBuilder>> = {
  training: trainingDashboard,
  inference: inferenceDashboard,
  routing: routingDashboard,
  system: systemDashboard,
  gpu: gpuDashboard,
  'mage-training': mageTrainingDashboard,
  alerts: alertsDashboard,
};

/** The dashboards as Grafana loads them, with runbook links for `links.runbookBaseUrl`, sorted by uid. */
export function buildDashboards(links: AlertLinks): Map<DashboardUid, dashboard.Dashboard> {
  const built = new Map<DashboardUid, dashboard.Dashboard>();
  const addRunbookLinks = runbookLinker(ALERT_RULES, links);
  for (const uid of Object.keys(DASHBOARDS).sort() as DashboardUid[]) {
    built.set(uid, assignPanelIds(addRunbookLinks(DASHBOARDS[uid]().build())));
  }
  return built;
}

// Environments that serve their runbooks from the same place get the same bytes: build them once.
const rendered = new Map<string, ReadonlyMap<string, string>>();

/** Dashboard JSON files, `<uid>.json`, as provisioning and dist/<env>/config/dashboards/ hold them. */
export function renderDashboards(links: AlertLinks): ReadonlyMap<string, string> {
  const cached = rendered.get(links.runbookBaseUrl);
  if (cached) return cached;
  const files = new Map([...buildDashboards(links)].map(([uid, built]) => [`${uid}.json`, `${JSON.stringify(built, null, 2)}\n`]));
  rendered.set(links.runbookBaseUrl, files);
  return files;
}
