import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DASHBOARD_TITLES, DASHBOARD_UIDS, type DashboardUid } from '../../contracts/dashboards';
import { templateVariables, type VariableSource } from './variables';

/** Tag on every dashboard of this stack; the provisioned folder holds exactly these. */
export const STACK_TAG = 'gpu-observability';

export interface DashboardSpec {
  readonly uid: DashboardUid;
  readonly description: string;
  readonly tags: readonly string[];
  /** Where the template variables list their values from. */
  readonly variables: VariableSource;
  /** @default now-6h */
  readonly from?: string;
  /** Titled rows of panels, top to bottom; panels flow left to right within a row. */
  readonly rows: ReadonlyArray<{
    readonly title: string;
    readonly panels: ReadonlyArray<cog.Builder<dashboard.Panel>>;
    /** Closed until opened: its panels query only then. @default false */
    readonly collapsed?: boolean;
  }>;
}

/** Links to the other dashboards of the stack, keeping the time range and the selected variables. */
function dashboardLinks(self: DashboardUid): dashboard.DashboardLinkBuilder[] {
  return DASHBOARD_UIDS.filter((uid) => uid !== self).map((uid) =>
    new dashboard.DashboardLinkBuilder(DASHBOARD_TITLES[uid])
      .type(dashboard.DashboardLinkType.Link)
      .url(`/d/${uid}`)
      .icon('dashboard')
      .tooltip(`Open ${DASHBOARD_TITLES[uid]}`)
      .keepTime(true)
      .includeVars(true)
      .targetBlank(false),
  );
}

/** The common frame of every dashboard: uid, title, variables, time settings, links, then the rows. */
export function stackDashboard(spec: DashboardSpec): dashboard.DashboardBuilder {
  const builder = new dashboard.DashboardBuilder(DASHBOARD_TITLES[spec.uid])
    .uid(spec.uid)
    .description(spec.description)
    .tags([STACK_TAG, ...spec.tags])
    // Dashboards are code: the provider refuses UI saves, so the UI does not offer editing either.
    .readonly()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .timezone('utc')
    .time({ from: spec.from ?? 'now-6h', to: 'now' })
    .refresh('30s')
    .links(dashboardLinks(spec.uid));
  for (const variable of templateVariables(spec.variables)) builder.withVariable(variable);
  for (const row of spec.rows) {
    const rowBuilder = new dashboard.RowBuilder(row.title);
    // Grafana keeps a collapsed row's panels inside the row; an open row's follow it.
    if (row.collapsed) for (const panel of row.panels) rowBuilder.withPanel(panel);
    builder.withRow(rowBuilder);
    if (!row.collapsed) for (const panel of row.panels) builder.withPanel(panel);
  }
  return builder;
}
