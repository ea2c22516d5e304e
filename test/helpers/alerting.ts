// Test-only overrides for the end-to-end alerting tests. Each changes one named thing in the
// generated config and leaves everything else (expressions, routes, inhibitions, intervals) as built.
import { createServer, type Server } from 'node:http';
import { parse, stringify } from 'yaml';

/** Test-only: scrape and evaluate every second instead of every 15 s. */
export function withTestScrapeInterval(prometheusYml: string): string {
  const config = parse(prometheusYml) as { global: Record<string, string> };
  config.global.scrape_interval = '1s';
  config.global.evaluation_interval = '1s';
  return stringify(config, { lineWidth: 0 });
}

/** Test-only: every alert's `for` becomes `duration`, so the test does not wait minutes. */
export function withTestForDuration(rulesYml: string, duration: string): string {
  const file = parse(rulesYml) as { groups: Array<{ rules: Array<{ alert?: string; for?: string }> }> };
  for (const rule of file.groups.flatMap((group) => group.rules)) if (rule.alert && rule.for) rule.for = duration;
  return stringify(file, { lineWidth: 0 });
}

/**
 * Test-only: each receiver keeps its name but delivers to a webhook at `sinkUrl`, so the test sees
 * which receiver a notification reached. SMTP settings go too: they only serve the e-mail receiver.
 */
export function withTestWebhookReceivers(alertmanagerYml: string, sinkUrl: string): string {
  const config = parse(alertmanagerYml) as { global?: Record<string, unknown>; receivers: Array<{ name: string }> };
  for (const key of Object.keys(config.global ?? {})) if (key.startsWith('smtp_')) delete config.global![key];
  config.receivers = config.receivers.map(({ name }) => ({ name, webhook_configs: [{ url: `${sinkUrl}/${name}`, send_resolved: false }] }));
  return stringify(config, { lineWidth: 0 });
}

interface AlertingConfig {
  alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
}

/** The Alertmanager addresses Prometheus sends to, as generated. */
export function alertmanagerTargets(prometheusYml: string): string[] {
  const config = parse(prometheusYml) as AlertingConfig;
  return config.alerting.alertmanagers.flatMap((am) => am.static_configs.flatMap((sc) => sc.targets));
}

/** Test-only: the i-th generated Alertmanager target becomes 127.0.0.1:webPorts[i]; fails if the counts differ. */
export function withLoopbackAlertmanagers(prometheusYml: string, webPorts: readonly number[]): string {
  const targets = alertmanagerTargets(prometheusYml);
  if (targets.length !== webPorts.length)
    throw new Error(`config lists ${targets.length} Alertmanagers, the test started ${webPorts.length}`);
  const config = parse(prometheusYml) as AlertingConfig;
  let index = 0;
  for (const am of config.alerting.alertmanagers) {
    for (const sc of am.static_configs) sc.targets = sc.targets.map(() => `127.0.0.1:${webPorts[index++]}`);
  }
  return stringify(config, { lineWidth: 0 });
}

export interface LoopbackReplica {
  readonly replica: number;
  readonly webPorts: readonly number[];
  readonly clusterPorts: readonly number[];
  readonly configFile: string;
  readonly storagePath: string;
}

const replicaOf = (host: string) => {
  const match = /-(\d+)\./.exec(host);
  if (!match) throw new Error(`cannot tell the replica of peer "${host}"`);
  return Number(match[1]);
};

/**
 * Test-only: the container args of the generated Alertmanager StatefulSet with every address moved to
 * loopback: peer `alertmanager-<j>.…:9094` becomes 127.0.0.1:clusterPorts[j]. All other flags stay.
 */
export function loopbackAlertmanagerArgs(generated: readonly string[], r: LoopbackReplica): string[] {
  return generated.map((arg) => {
    const [flag, value = ''] = arg.split(/=(.*)/s);
    switch (flag) {
      case '--config.file':
        return `${flag}=${r.configFile}`;
      case '--storage.path':
        return `${flag}=${r.storagePath}`;
      case '--web.listen-address':
        return `${flag}=127.0.0.1:${r.webPorts[r.replica]}`;
      case '--cluster.listen-address':
      case '--cluster.advertise-address':
        return value === '' ? arg : `${flag}=127.0.0.1:${r.clusterPorts[r.replica]}`;
      case '--cluster.peer':
        return `${flag}=127.0.0.1:${r.clusterPorts[replicaOf(value)]}`;
      default:
        return arg;
    }
  });
}

export interface Notification {
  readonly receiver: string;
  readonly status: string;
  readonly alerts: ReadonlyArray<{ labels: Record<string, string>; annotations: Record<string, string> }>;
}

export interface WebhookSink {
  readonly url: string;
  readonly notifications: Notification[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that records every Alertmanager webhook notification it receives. */
export async function startWebhookSink(port: number): Promise<WebhookSink> {
  const notifications: Notification[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      notifications.push(JSON.parse(body) as Notification);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    notifications,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Notifications that reached `receiver` carrying a firing `alertname`. */
export const notificationsOf = (sink: WebhookSink, alertname: string, receiver?: string) =>
  sink.notifications.filter(
    (n) => (receiver === undefined || n.receiver === receiver) && n.alerts.some((a) => a.labels.alertname === alertname),
  );
