// End-to-end: dev's generated rules in a real Prometheus, dev's generated alertmanager.yml in a real
// Alertmanager, a fake trainer pod reporting GPU memory, and a webhook sink in place of the receivers.
import { notificationsOf } from '../helpers/alerting';
import { startAlertingStack, type AlertingStack } from '../helpers/alerting-stack';
import { waitFor } from '../helpers/processes';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('alerting pipeline with real Prometheus and Alertmanager (dev)', () => {
  let stack: AlertingStack;
  beforeAll(async () => {
    stack = await startAlertingStack('dev', { initialValue: 90 });
  });
  afterAll(async () => stack?.stop());

  it('GIVEN GPU memory at 90 % WHEN the rules have run for longer than the P0 group_wait THEN GPUMemoryUsageHigh is neither firing nor notified', async () => {
    await stack.waitForScrapedValue(90);
    // The Watchdog reaching its receiver proves rules are evaluated and notifications delivered.
    await waitFor('Watchdog at heartbeat', 60000, async () =>
      notificationsOf(stack.sink, 'Watchdog', 'heartbeat').length > 0 ? true : undefined,
    );
    await sleep(12000);
    const alerts = (await (await fetch(`${stack.prometheusUrl}/api/v1/alerts`)).json()) as {
      data: { alerts: Array<{ labels: Record<string, string> }> };
    };
    expect(alerts.data.alerts.map((a) => a.labels.alertname)).not.toContain('GPUMemoryUsageHigh');
    expect(notificationsOf(stack.sink, 'GPUMemoryUsageHigh')).toEqual([]);
  });

  it('GIVEN GPU memory at 97 % WHEN scraped THEN team-pager receives GPUMemoryUsageHigh with severity=critical and the annotated value', async () => {
    stack.setGpuMemoryUtilization(97);
    const [notification] = await waitFor('GPUMemoryUsageHigh at team-pager', 60000, async () => {
      const found = notificationsOf(stack.sink, 'GPUMemoryUsageHigh', 'team-pager');
      return found.length > 0 ? found : undefined;
    });
    const alert = notification.alerts.find((a) => a.labels.alertname === 'GPUMemoryUsageHigh')!;
    expect(alert.labels).toMatchObject({
      severity: 'critical',
      priority: 'P0',
      namespace: 'moe-lab',
      pod: 'moe-trainer-0',
      node: 'gpu-node-1',
      cluster: 'moe-lab-dev',
      environment: 'dev',
    });
    // Dropped before sending, so the HA Prometheus pair's copies of one alert are one alert.
    expect(alert.labels.prometheus_replica).toBeUndefined();
    expect(alert.annotations.description).toContain('is 97%');
    expect(alert.annotations.runbook_url).toMatch(/\/GPUMemoryUsageHigh\.md$/);
    expect(alert.annotations.dashboard_url).toMatch(/\/d\/training$/);
  });

  it('GIVEN a P0 alert THEN the on-call chat is notified as well, and the e-mail queue is not', async () => {
    await waitFor('GPUMemoryUsageHigh at oncall-chat', 30000, async () =>
      notificationsOf(stack.sink, 'GPUMemoryUsageHigh', 'oncall-chat').length > 0 ? true : undefined,
    );
    expect(notificationsOf(stack.sink, 'GPUMemoryUsageHigh', 'team-email')).toEqual([]);
  });

  describe('inhibition in the real Alertmanager', () => {
    interface AmAlert {
      labels: Record<string, string>;
      status: { state: string; inhibitedBy: string[] };
    }
    const cluster = 'moe-lab-dev';
    const post = (alerts: Array<Record<string, string>>) =>
      fetch(`${stack.alertmanagerUrls[0]}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(alerts.map((labels) => ({ labels: { cluster, ...labels }, annotations: { summary: 'e2e' } }))),
      });
    const stateOf = async (match: Record<string, string>) => {
      const all = (await (await fetch(`${stack.alertmanagerUrls[0]}/api/v2/alerts`)).json()) as AmAlert[];
      const found = all.find((a) => Object.entries(match).every(([k, v]) => a.labels[k] === v));
      if (!found) throw new Error(`no alert ${JSON.stringify(match)} in Alertmanager`);
      return found.status;
    };

    it('GIVEN a node outage WHEN pod alerts fire on that node and on another THEN only the pod alert on the down node is inhibited', async () => {
      const pod = { alertname: 'FrequentPodRestarts', severity: 'warning', priority: 'P2', scope: 'pod' };
      const down = { alertname: 'KubeNodeNotReady', severity: 'critical', priority: 'P1', scope: 'node', node: 'gpu-node-9' };
      expect((await post([down, { ...pod, node: 'gpu-node-9', pod: 'a' }, { ...pod, node: 'gpu-node-8', pod: 'b' }])).ok).toBe(true);
      await waitFor('pod alert on gpu-node-9 suppressed', 10000, async () =>
        (await stateOf({ pod: 'a' })).state === 'suppressed' ? true : undefined,
      );
      expect((await stateOf({ pod: 'a' })).inhibitedBy.length).toBe(1);
      expect(await stateOf({ pod: 'b' })).toMatchObject({ state: 'active', inhibitedBy: [] });
    });

    it('GIVEN the critical tier of an alert WHEN its warning tier fires too THEN the warning is inhibited', async () => {
      const disk = { alertname: 'NodeDiskUsageHigh', node: 'cpu-node-1', mountpoint: '/' };
      await post([
        { ...disk, severity: 'critical', priority: 'P1' },
        { ...disk, severity: 'warning', priority: 'P2' },
      ]);
      await waitFor('warning disk alert suppressed', 10000, async () =>
        (await stateOf({ ...disk, severity: 'warning' })).state === 'suppressed' ? true : undefined,
      );
      expect((await stateOf({ ...disk, severity: 'critical' })).state).toBe('active');
    });

    it('GIVEN a Watchdog that matches both inhibition targets THEN it is never inhibited', async () => {
      await post([{ alertname: 'Watchdog', severity: 'warning', priority: 'P3', scope: 'pod', node: 'gpu-node-9', e2e: 'decoy' }]);
      await sleep(1000);
      expect((await stateOf({ alertname: 'Watchdog', e2e: 'decoy' })).state).toBe('active');
      expect((await stateOf({ pod: 'a' })).state).toBe('suppressed');
    });
  });
});
