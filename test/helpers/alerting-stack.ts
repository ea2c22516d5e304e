// A real Prometheus and real Alertmanager(s) on 127.0.0.1, run from one environment's synthesized
// output, with a tiny exporter standing in for a MoE trainer pod and a webhook sink for receivers.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { simulateKubernetesDiscovery } from '../../scripts/simulate-discovery';
import {
  loopbackAlertmanagerArgs,
  startWebhookSink,
  withLoopbackAlertmanagers,
  withTestForDuration,
  withTestScrapeInterval,
  withTestWebhookReceivers,
  type WebhookSink,
} from './alerting';
import { loadManifests, type Container } from './manifests';
import { freePort, startProcess, waitFor, waitForHttpOk, type StartedProcess } from './processes';
import { discoveredPod, startPrometheus } from './prometheus-server';
import { removeDir, synthToTemp, tempDir } from './synth-tmp';

export interface AlertingStack {
  readonly sink: WebhookSink;
  readonly prometheusUrl: string;
  readonly alertmanagers: readonly StartedProcess[];
  readonly alertmanagerUrls: readonly string[];
  /** Sets the value the fake trainer pod reports as moe_lab_gpu_memory_utilization. */
  setGpuMemoryUtilization(value: number): void;
  /** Resolves once Prometheus has scraped `value` from the fake trainer. */
  waitForScrapedValue(value: number): Promise<void>;
  /** Stops every process this stack started, by PID, and removes its files. */
  stop(): Promise<void>;
}

/** The fake trainer as Kubernetes pod discovery would report it, so the real relabelling applies. */
const trainerPod = (port: number) => ({
  targets: [`127.0.0.1:${port}`],
  labels: discoveredPod({
    __meta_kubernetes_namespace: 'moe-lab',
    __meta_kubernetes_pod_name: 'moe-trainer-0',
    __meta_kubernetes_pod_node_name: 'gpu-node-1',
    __meta_kubernetes_pod_container_name: 'trainer',
    __meta_kubernetes_pod_container_port_number: String(port),
    __meta_kubernetes_pod_label_app: 'moe-trainer',
    __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
    __meta_kubernetes_pod_annotation_prometheus_io_port: String(port),
  }),
});

function generatedAlertmanagerArgs(envDir: string): string[] {
  const found = loadManifests(envDir).find(({ object }) => object.kind === 'StatefulSet' && object.metadata.name === 'alertmanager');
  const container = found?.object.spec?.template?.spec?.containers[0] as (Container & { args?: string[] }) | undefined;
  if (!container?.args) throw new Error('no alertmanager StatefulSet with container args in the synthesized output');
  return container.args;
}

export async function startAlertingStack(env: string, options: { readonly initialValue: number }): Promise<AlertingStack> {
  const started: StartedProcess[] = [];
  const servers: Server[] = [];
  const dist = synthToTemp({ environments: [env] });
  const work = tempDir(`e2e-alerting-${env}`);
  const sink = await startWebhookSink(await freePort());
  let value = options.initialValue;

  const stop = async () => {
    await Promise.all(started.map((p) => p.stop()));
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await sink.close();
    removeDir(work);
    removeDir(dist);
  };

  try {
    const config = join(dist, env, 'config');
    const exporterPort = await freePort();
    const exporter = createServer((_req, res) =>
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(`moe_lab_gpu_memory_utilization ${value}\n`),
    );
    servers.push(exporter);
    await new Promise<void>((resolve) => exporter.listen(exporterPort, '127.0.0.1', resolve));

    // Alertmanagers: the generated config and StatefulSet args, receivers and addresses swapped.
    const args = generatedAlertmanagerArgs(join(dist, env));
    const replicas = args.filter((arg) => arg.startsWith('--cluster.peer=')).length || 1;
    const webPorts = await Promise.all(Array.from({ length: replicas }, () => freePort()));
    const clusterPorts = await Promise.all(Array.from({ length: replicas }, () => freePort()));
    const configFile = join(work, 'alertmanager.yml');
    writeFileSync(configFile, withTestWebhookReceivers(readFileSync(join(config, 'alertmanager.yml'), 'utf8'), sink.url));
    for (let replica = 0; replica < replicas; replica++) {
      const storagePath = join(work, `alertmanager-${replica}`);
      mkdirSync(storagePath);
      const loopback = loopbackAlertmanagerArgs(args, { replica, webPorts, clusterPorts, configFile, storagePath });
      started.push(startProcess('prometheus-alertmanager', loopback));
    }
    const alertmanagerUrls = webPorts.map((port) => `http://127.0.0.1:${port}`);
    await Promise.all(alertmanagerUrls.map((url) => waitForHttpOk(`${url}/-/ready`, 30000)));

    // Prometheus: the generated config and rules, with discovery simulated and the named test overrides.
    mkdirSync(join(work, 'rules'));
    for (const file of readdirSync(join(config, 'rules'))) {
      writeFileSync(join(work, 'rules', file), withTestForDuration(readFileSync(join(config, 'rules', file), 'utf8'), '0s'));
    }
    const discovered = simulateKubernetesDiscovery(readFileSync(join(config, 'prometheus.yml'), 'utf8'), {
      dir: join(work, 'sd'),
      targets: { 'kubernetes-pods': [trainerPod(exporterPort)] },
    });
    writeFileSync(join(work, 'prometheus.yml'), withLoopbackAlertmanagers(withTestScrapeInterval(discovered), webPorts));
    const prometheusUrl = await startPrometheus(
      {
        configFile: join(work, 'prometheus.yml'),
        dataDir: join(work, 'tsdb'),
        port: await freePort(),
        // Test-only: the first evaluation can run before the Alertmanagers are known, and what it
        // would have sent waits for the next resend (1 m by default); resend every second instead.
        extraArgs: ['--rules.alert.resend-delay=1s'],
      },
      started,
    );
    return {
      sink,
      prometheusUrl,
      alertmanagers: started.slice(0, replicas),
      alertmanagerUrls,
      setGpuMemoryUtilization: (next) => (value = next),
      waitForScrapedValue: async (expected) => {
        const query = `${prometheusUrl}/api/v1/query?query=${encodeURIComponent('moe_lab_gpu_memory_utilization{app="moe-trainer"}')}`;
        await waitFor(`moe_lab_gpu_memory_utilization = ${expected}`, 30000, async () => {
          const body = (await (await fetch(query)).json()) as { data: { result: Array<{ value: [number, string] }> } };
          return body.data.result[0]?.value[1] === String(expected) ? true : undefined;
        });
      },
      stop,
    };
  } catch (error) {
    const output = started.map((p) => p.output()).join('\n---\n');
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`, { cause: error });
  }
}
