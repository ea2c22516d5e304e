import type { EnvironmentInput } from '../schema';

/** What every environment shares unless it says otherwise. Images are pinned; bump them here. */
export const shared = {
  namespaces: { monitoring: 'monitoring', moeLab: 'moe-lab', mage: 'mage' },
  prometheusImage: { repository: 'quay.io/prometheus/prometheus', tag: 'v2.53.4' },
  scrapeInterval: '15s',
  storageClass: 'gp3',
  alertmanagerImage: { repository: 'quay.io/prometheus/alertmanager', tag: 'v0.27.0' },
  grafanaImage: { repository: 'docker.io/grafana/grafana', tag: '12.3.6' },
  // Created by the Pulumi program from secret stack config (infra/secrets.ts): keys `admin-user` and `admin-password`.
  grafanaAdminSecret: 'grafana-admin',
  // The stack's PostgreSQL (constructs/postgres.ts in moe-lab); point `host` at RDS or another
  // server instead if you have one, with sslMode require. The Secret holds `username` and `password`.
  grafanaPostgres: {
    type: 'postgres',
    host: 'postgres.moe-lab.svc.cluster.local:5432',
    // The in-cluster server serves no TLS yet; its NetworkPolicy admits only moe-lab and monitoring.
    sslMode: 'disable',
    name: 'grafana',
    credentialsSecret: 'grafana-database',
  },
  // Where this repository's docs/runbooks are served; point it at your own copy.
  runbookBaseUrl: 'https://github.com/moe-lab/gpu-observability-stack/blob/main/docs/runbooks',
  receivers: {
    credentialsSecret: 'alertmanager-receivers',
    pager: { type: 'pagerduty' },
    email: {
      to: 'moe-lab-oncall@example.com',
      from: 'alertmanager@example.com',
      smarthost: 'smtp.example.com:587',
      authUsername: 'alertmanager',
    },
    chat: { channel: '#moe-lab-alerts' },
    heartbeat: { url: 'https://heartbeat.example.com/ping/moe-lab' },
  },
  // P3 notifications wait for the team's working day.
  businessHours: { weekdays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], start: '09:00', end: '17:00', location: 'UTC' },
  // The weekly platform maintenance slot: Sunday 02:00–04:00 UTC.
  maintenanceWindow: { weekdays: ['sunday'], start: '02:00', end: '04:00', location: 'UTC' },
} as const satisfies {
  namespaces: EnvironmentInput['namespaces'];
  prometheusImage: EnvironmentInput['prometheus']['image'];
  scrapeInterval: string;
  storageClass: string;
  alertmanagerImage: EnvironmentInput['alerting']['alertmanager']['image'];
  grafanaImage: EnvironmentInput['grafana']['image'];
  grafanaAdminSecret: string;
  grafanaPostgres: Extract<EnvironmentInput['grafana']['database'], { type: 'postgres' }>;
  runbookBaseUrl: string;
  receivers: EnvironmentInput['alerting']['receivers'];
  businessHours: EnvironmentInput['alerting']['businessHours'];
  maintenanceWindow: EnvironmentInput['alerting']['maintenanceWindow'];
};

/** Alerting settings every environment shares; environments add Grafana's URL and Alertmanager sizing. */
export function sharedAlerting(
  grafanaUrl: string,
  alertmanager: Omit<EnvironmentInput['alerting']['alertmanager'], 'image'>,
): EnvironmentInput['alerting'] {
  return {
    runbookBaseUrl: shared.runbookBaseUrl,
    grafanaUrl,
    alertmanager: { image: shared.alertmanagerImage, ...alertmanager },
    receivers: structuredClone(shared.receivers) as EnvironmentInput['alerting']['receivers'],
    businessHours: structuredClone(shared.businessHours) as EnvironmentInput['alerting']['businessHours'],
    maintenanceWindow: structuredClone(shared.maintenanceWindow) as EnvironmentInput['alerting']['maintenanceWindow'],
  };
}
