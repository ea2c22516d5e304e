import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardLinkBuilder, DashboardLinkType } from '@grafana/grafana-foundation-sdk/dashboard';
import { catalogByName, type MetricDefinition } from '../../rules/catalog';
import { metricNamesIn } from '../../rules/promql';
import { runbookUrl } from '../../rules/render';
import type { AlertLinks, AlertRule } from '../../rules/types';
import { logqlExpressions, panelExpressions, panelsOf, substituteVariables } from './expressions';
import { patternAlertsIn } from './logs';

/** The exporter metrics behind a metric: recorded series are followed back to what they are computed from. */
function sourceMetrics(names: readonly string[], catalog: ReadonlyMap<string, MetricDefinition>): Set<string> {
  const sources = new Set<string>();
  const visit = (name: string) => {
    const recordedFrom = catalog.get(name)?.recordedFrom;
    if (!recordedFrom) sources.add(name);
    else recordedFrom.forEach(visit);
  };
  names.forEach(visit);
  return sources;
}

/** Series that panels and alerts read only to narrow other metrics to a workload (joins). */
const JOIN_ONLY = new Set(['up', 'kube_pod_info']);

/**
 * Join-only series beside other metrics must not link every panel that joins on them to every
 * alert that does; a panel or alert about `up` alone keeps them.
 */
function withoutJoinHelpers(sources: Set<string>): Set<string> {
  const rest = [...sources].filter((name) => !JOIN_ONLY.has(name));
  return rest.length > 0 ? new Set(rest) : sources;
}

const link = (title: string, url: string) =>
  new DashboardLinkBuilder(title).type(DashboardLinkType.Link).url(url).targetBlank(true).build();

/**
 * A function that links each panel of a dashboard to the runbooks of the alerts that watch the same
 * exporter metrics (a Logs panel: the alert on the failure pattern it filters by), and the dashboard
 * to the runbook index; computed, so a new alert shows up on its panels by itself. The alerts are
 * parsed once, however many dashboards it is applied to.
 */
export function runbookLinker(alerts: readonly AlertRule[], links: AlertLinks): (built: dashboard.Dashboard) => dashboard.Dashboard {
  const catalog = catalogByName();
  const alertSources = alerts.map((alert) => ({
    alert: alert.alert,
    sources: withoutJoinHelpers(sourceMetrics(metricNamesIn(alert.expr), catalog)),
  }));
  return (built) => addRunbookLinks(built, alertSources, catalog, links);
}

function addRunbookLinks(
  built: dashboard.Dashboard,
  alertSources: ReadonlyArray<{ readonly alert: string; readonly sources: ReadonlySet<string> }>,
  catalog: ReadonlyMap<string, MetricDefinition>,
  links: AlertLinks,
): dashboard.Dashboard {
  for (const panel of panelsOf(built)) {
    const sources = withoutJoinHelpers(
      sourceMetrics(
        panelExpressions(panel).flatMap((expr) => metricNamesIn(substituteVariables(expr))),
        catalog,
      ),
    );
    const byMetric = alertSources.filter((a) => [...a.sources].some((s) => sources.has(s))).map((a) => a.alert);
    // A Logs panel showing a failure pattern's lines links the alert on that pattern's counter.
    const byLogPattern = logqlExpressions(panel).flatMap(patternAlertsIn);
    const related = [...new Set([...byMetric, ...byLogPattern])].sort();
    if (related.length > 0) panel.links = related.map((alert) => link(`Runbook: ${alert}`, runbookUrl(links, alert)));
  }
  built.links = [...(built.links ?? []), link('Runbooks', `${links.runbookBaseUrl}/README.md`)];
  return built;
}

/** Stable panel ids in layout order, so links to `viewPanel=<id>` survive re-synthesis. */
export function assignPanelIds(built: dashboard.Dashboard): dashboard.Dashboard {
  let id = 0;
  for (const panel of built.panels ?? []) {
    panel.id = ++id;
    for (const nested of (panel as dashboard.RowPanel).panels ?? []) nested.id = ++id;
  }
  return built;
}
