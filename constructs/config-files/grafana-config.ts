// grafana.ini and the dashboard provider as typed data. Secrets never appear here: the admin and
// database credentials reach Grafana as `__FILE` environment variables pointing into Secret volumes.
import { stringify } from 'yaml';
import { GENERATED_HEADER } from '../../contracts/generated-header';

/** Where the Grafana image and our mounts put things; grafana.ini, the mounts and the provider agree on these. */
export const GRAFANA_PATHS = {
  /** The image's `GF_PATHS_CONFIG`; grafana.ini is mounted over it. */
  config: '/etc/grafana/grafana.ini',
  provisioning: '/etc/grafana/provisioning',
  /** Writable emptyDir: SQLite database (when used), plugins, sessions, rendered images. */
  data: '/var/lib/grafana',
  plugins: '/var/lib/grafana/plugins',
  /** Every dashboard ConfigMap, projected into one read-only directory the provider loads. */
  dashboards: '/etc/grafana/dashboards',
} as const;

/** Grafana folder that holds every provisioned dashboard. */
export const DASHBOARD_FOLDER = { title: 'GPU Observability', uid: 'gpu-observability' } as const;

type IniValue = string | number | boolean;
type IniSections = Readonly<Record<string, Readonly<Record<string, IniValue>>>>;

/** Sections and keys in the order given, which keeps the file stable and easy to review. */
export function renderIni(sections: IniSections): string {
  const blocks = Object.entries(sections).map(
    ([section, keys]) =>
      `[${section}]\n${Object.entries(keys)
        .map(([key, value]) => `${key} = ${value}`)
        .join('\n')}\n`,
  );
  return GENERATED_HEADER + blocks.join('\n');
}

export interface GrafanaIniProps {
  /** The URL users open Grafana at; links in alerts and redirects after login use it. */
  readonly rootUrl: string;
  readonly port: number;
}

/** grafana.ini: locked-down defaults; alerting stays with Prometheus and Alertmanager. */
export function renderGrafanaIni(props: GrafanaIniProps): string {
  return renderIni({
    server: { http_port: props.port, root_url: props.rootUrl },
    paths: { data: GRAFANA_PATHS.data, plugins: GRAFANA_PATHS.plugins, provisioning: GRAFANA_PATHS.provisioning },
    // Console only: the root filesystem is read-only and the pod's log collector reads stdout.
    log: { mode: 'console' },
    // The root URL is https, so the session cookie never travels in clear text.
    security: { cookie_secure: true, disable_gravatar: true },
    users: { allow_sign_up: false, allow_org_create: false },
    'auth.anonymous': { enabled: false },
    // No calls home: the egress policy allows only in-cluster backends, and nothing here needs the internet.
    analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false, feedback_links_enabled: false },
    news: { news_feed_enabled: false },
    // Grafana would otherwise install its default app plugins from the internet at every start.
    plugins: { preinstall_disabled: true },
    // Alerts are Prometheus rules routed by Alertmanager. The alerting UI stays, to browse and silence
    // through the Alertmanager datasource, but Grafana evaluates no rules: no second engine to page twice.
    unified_alerting: { enabled: true, execute_alerts: false },
  });
}

/** dashboards.yaml: one file provider loading every dashboard from the projected ConfigMaps. */
export function renderDashboardProvider(): string {
  const provider = {
    apiVersion: 1,
    providers: [
      {
        name: 'gpu-observability',
        orgId: 1,
        folder: DASHBOARD_FOLDER.title,
        folderUid: DASHBOARD_FOLDER.uid,
        type: 'file',
        // Dashboards are code: the UI can neither delete nor save over them.
        disableDeletion: true,
        allowUiUpdates: false,
        options: { path: GRAFANA_PATHS.dashboards, foldersFromFilesStructure: false },
      },
    ],
  };
  return GENERATED_HEADER + stringify(provider, { lineWidth: 0 });
}
