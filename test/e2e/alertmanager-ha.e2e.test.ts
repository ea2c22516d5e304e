// High availability end-to-end: prod's three Alertmanagers on loopback, clustered with the generated
// cluster flags, all three in Prometheus' alerting config; one is stopped before the alert fires.
import { notificationsOf } from '../helpers/alerting';
import { startAlertingStack, type AlertingStack } from '../helpers/alerting-stack';
import { waitFor } from '../helpers/processes';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ClusterStatus {
  cluster: { status: string; peers: Array<{ name: string }> };
}

describe('Alertmanager HA cluster (prod, real binaries)', () => {
  let stack: AlertingStack;
  beforeAll(async () => {
    stack = await startAlertingStack('prod', { initialValue: 90 });
  });
  afterAll(async () => stack?.stop());

  it('GIVEN the generated cluster flags WHEN three Alertmanagers start THEN each sees all three peers', async () => {
    expect(stack.alertmanagerUrls).toHaveLength(3);
    for (const url of stack.alertmanagerUrls) {
      await waitFor(`${url} sees 3 peers`, 30000, async () => {
        const status = (await (await fetch(`${url}/api/v2/status`)).json()) as ClusterStatus;
        return status.cluster.status === 'ready' && status.cluster.peers.length === 3 ? true : undefined;
      });
    }
  });

  it('GIVEN the generated alerting config THEN Prometheus sends to all three Alertmanagers', async () => {
    const active = await waitFor('3 active Alertmanagers', 30000, async () => {
      const body = (await (await fetch(`${stack.prometheusUrl}/api/v1/alertmanagers`)).json()) as {
        data: { activeAlertmanagers: Array<{ url: string }> };
      };
      return body.data.activeAlertmanagers.length === 3 ? body.data.activeAlertmanagers : undefined;
    });
    expect(active.map((a) => new URL(a.url).origin).sort()).toEqual([...stack.alertmanagerUrls].sort());
  });

  it('GIVEN one Alertmanager stopped before the alert fires WHEN GPU memory reaches 97 % THEN team-pager gets GPUMemoryUsageHigh exactly once', async () => {
    await stack.waitForScrapedValue(90);
    await stack.alertmanagers[1].stop();
    stack.setGpuMemoryUtilization(97);
    await waitFor('first GPUMemoryUsageHigh notification', 90000, async () =>
      notificationsOf(stack.sink, 'GPUMemoryUsageHigh', 'team-pager').length > 0 ? true : undefined,
    );
    // A surviving peer sends only after waiting 15 s per position in the cluster, then finds the
    // notification in the gossiped log; 35 s covers both positions of the remaining peers.
    await sleep(35000);
    expect(notificationsOf(stack.sink, 'GPUMemoryUsageHigh', 'team-pager')).toHaveLength(1);
    expect(notificationsOf(stack.sink, 'GPUMemoryUsageHigh', 'oncall-chat')).toHaveLength(1);
  });
});
