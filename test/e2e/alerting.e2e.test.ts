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
});
