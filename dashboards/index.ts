import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { FederationSettings } from '../config/schema/federation';
import { ALERT_RULES, GLOBAL_ALERT_RULES } from '../rules';
import type { AlertLinks } from '../rules/types';
import { assignPanelIds, runbookLinker } from './lib/runbook-links';
import { alertsDashboard } from './alerts';
import { fleetDashboard } from './fleet';
import { gpuDashboard } from './gpu';
import { inferenceDashboard } from './inference';
import { mageTrainingDashboard } from './mage-training';
import { routingDashboard } from './routing';
import { systemDashboard } from './system';
import { trainingDashboard } from './training';
import { DASHBOARD_UIDS, GLOBAL_ONLY_UIDS, type DashboardUid } from '../contracts/dashboards';

export { DASHBOARD_TITLES, DASHBOARD_UIDS, GLOBAL_ONLY_UIDS, type DashboardUid } from '../contracts/dashboards';

/** An environment's `federation.role`: a member provisions no dashboard that queries the global Prometheus. */
export type FederationRole = FederationSettings['role'];

/** Every dashboard of the stack, keyed by uid. */
export const DASHBOARDS: Readonly<Record<DashboardUid, () => DashboardBuilder>> = {
  training: trainingDashboard,
  inference: inferenceDashboard,
  routing: routingDashboard,
  system: systemDashboard,
  gpu: gpuDashboard,
  'mage-training': mageTrainingDashboard,
  alerts: alertsDashboard,
  fleet: fleetDashboard,
};

/** The uids an environment of `role` provisions, sorted; without a role, every dashboard of the stack. */
export function dashboardUids(role?: FederationRole): DashboardUid[] {
  return DASHBOARD_UIDS.filter((uid) => role !== 'member' || !GLOBAL_ONLY_UIDS.has(uid)).sort();
}

/**
 * The dashboards as Grafana loads them, with runbook links for `links.runbookBaseUrl`, sorted by uid:
 * those `role` provisions (every one without a role), linking only to each other.
 */
export function buildDashboards(links: AlertLinks, role?: FederationRole): Map<DashboardUid, dashboard.Dashboard> {
  const built = new Map<DashboardUid, dashboard.Dashboard>();
  const uids = dashboardUids(role);
  const provisioned = new Set(uids.map((uid) => `/d/${uid}`));
  const addRunbookLinks = runbookLinker(ALERT_RULES, links);
  // Dashboards on the global Prometheus also link the alerts it evaluates; the others never see them.
  const addGlobalRunbookLinks = runbookLinker([...ALERT_RULES, ...GLOBAL_ALERT_RULES], links);
  for (const uid of uids) {
    const linker = GLOBAL_ONLY_UIDS.has(uid) ? addGlobalRunbookLinks : addRunbookLinks;
    const board = assignPanelIds(linker(DASHBOARDS[uid]().build()));
    // A link to a dashboard this Grafana does not have would open "Dashboard not found".
    board.links = board.links?.filter((link) => !link.url?.startsWith('/d/') || provisioned.has(link.url));
    built.set(uid, board);
  }
  return built;
}

// Environments that serve their runbooks from the same place get the same bytes: build them once.
const rendered = new Map<string, ReadonlyMap<string, string>>();

/** Dashboard JSON files, `<uid>.json`, as provisioning and dist/<env>/config/dashboards/ hold them. */
export function renderDashboards(links: AlertLinks, role?: FederationRole): ReadonlyMap<string, string> {
  const key = `${role ?? 'all'} ${links.runbookBaseUrl}`;
  const cached = rendered.get(key);
  if (cached) return cached;
  const files = new Map([...buildDashboards(links, role)].map(([uid, built]) => [`${uid}.json`, `${JSON.stringify(built, null, 2)}\n`]));
  rendered.set(key, files);
  return files;
}
