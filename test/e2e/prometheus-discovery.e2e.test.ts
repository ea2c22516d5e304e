// End-to-end: the generated prometheus.yml runs in a real Prometheus on 127.0.0.1, with Kubernetes
// discovery simulated by file_sd targets carrying the labels Kubernetes discovery would set, so the
// real relabelling decides what is scraped. A real node-exporter and a small HTTP app are the targets.
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadEnvironments } from '../../config';
import { renderEnvironment } from '../../constructs/assembly/render';
import { withTestScrapeInterval } from '../helpers/alerting';
import { freePort, startProcess, waitFor, type StartedProcess } from '../helpers/processes';
import { discoveredPod, startPrometheus } from '../helpers/prometheus-server';
import { simulateKubernetesDiscovery, type TargetGroup } from '../../scripts/simulate-discovery';
import { removeDir, tempDir } from '../helpers/synth-tmp';

interface Target {
  /** The scrape job (`job_name`) the target belongs to, whatever its `job` label became. */
  scrapePool: string;
  labels: Record<string, string>;
  discoveredLabels: Record<string, string>;
  scrapeUrl: string;
  health: string;
}

describe('Prometheus relabelling with simulated Kubernetes discovery (real binaries)', () => {
  const started: StartedProcess[] = [];
  const requestedPaths: string[] = [];
  let app: Server;
  let dcgm: Server;
  let work: string;
  let api: string;
  let ports: { prometheus: number; nodeExporter: number; app: number; sidecar: number; dcgm: number };

  beforeAll(async () => {
    work = tempDir('e2e-discovery');
    ports = {
      prometheus: await freePort(),
      nodeExporter: await freePort(),
      app: await freePort(),
      sidecar: await freePort(),
      dcgm: await freePort(),
    };
    // As DCGM reports with the kubelet pod-resources mount: GPU 0 held by a trainer pod, GPU 1 idle.
    dcgm = createServer((_req, res) => {
      res
        .writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' })
        .end(
          'DCGM_FI_DEV_GPU_TEMP{gpu="0",UUID="GPU-0",namespace="moe-lab",pod="moe-trainer-7d9f",container="trainer"} 61\n' +
            'DCGM_FI_DEV_GPU_TEMP{gpu="1",UUID="GPU-1"} 40\n',
        );
    });
    await new Promise<void>((resolve) => dcgm.listen(ports.dcgm, '127.0.0.1', resolve));
    app = createServer((req, res) => {
      requestedPaths.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end('e2e_app_ready 1\n');
    });
    await new Promise<void>((resolve) => app.listen(ports.app, '127.0.0.1', resolve));

    const appAddress = `127.0.0.1:${ports.app}`;
    const targets: Record<string, TargetGroup[]> = {
      'kubernetes-pods': [
        // Annotated, custom path; its pod declares two ports, only the annotated one may be scraped.
        ...[
          { port: ports.app, container: 'worker' },
          { port: ports.sidecar, container: 'sidecar' },
        ].map(({ port, container }) => ({
          targets: [`127.0.0.1:${port}`],
          labels: discoveredPod({
            __meta_kubernetes_namespace: 'mage',
            __meta_kubernetes_pod_name: 'mage-worker-0',
            __meta_kubernetes_pod_node_name: 'node-a',
            __meta_kubernetes_pod_container_name: container,
            __meta_kubernetes_pod_container_port_number: String(port),
            __meta_kubernetes_pod_label_app: 'mage-worker',
            __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
            __meta_kubernetes_pod_annotation_prometheus_io_port: String(ports.app),
            __meta_kubernetes_pod_annotation_prometheus_io_path: '/custom/metrics',
          }),
        })),
        // Annotated without a path, in another namespace; app comes from app.kubernetes.io/name.
        {
          targets: [appAddress],
          labels: discoveredPod({
            __meta_kubernetes_namespace: 'moe-lab',
            __meta_kubernetes_pod_name: 'moe-trainer-7d9f',
            __meta_kubernetes_pod_node_name: 'node-b',
            __meta_kubernetes_pod_container_name: 'trainer',
            __meta_kubernetes_pod_container_port_number: String(ports.app),
            __meta_kubernetes_pod_label_app_kubernetes_io_name: 'moe-trainer',
            __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
            __meta_kubernetes_pod_annotation_prometheus_io_port: String(ports.app),
          }),
        },
        // Annotated without any app label: keeps the job name as its job.
        {
          targets: [appAddress],
          labels: discoveredPod({
            __meta_kubernetes_namespace: 'moe-lab',
            __meta_kubernetes_pod_name: 'batch-probe-0',
            __meta_kubernetes_pod_node_name: 'node-b',
            __meta_kubernetes_pod_container_name: 'probe',
            __meta_kubernetes_pod_container_port_number: String(ports.app),
            __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
          }),
        },
        // Not annotated: must not be scraped.
        {
          targets: [appAddress],
          labels: discoveredPod({
            __meta_kubernetes_namespace: 'moe-lab',
            __meta_kubernetes_pod_name: 'redis-0',
            __meta_kubernetes_pod_container_name: 'redis',
            __meta_kubernetes_pod_container_port_number: String(ports.app),
          }),
        },
        // Annotated but still Pending: must not be scraped.
        {
          targets: [appAddress],
          labels: discoveredPod({
            __meta_kubernetes_namespace: 'mage',
            __meta_kubernetes_pod_name: 'mage-worker-1',
            __meta_kubernetes_pod_phase: 'Pending',
            __meta_kubernetes_pod_container_name: 'worker',
            __meta_kubernetes_pod_container_port_number: String(ports.app),
            __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
          }),
        },
      ],
      'dcgm-exporter': [
        {
          targets: [`127.0.0.1:${ports.dcgm}`],
          labels: {
            __meta_kubernetes_namespace: 'monitoring',
            __meta_kubernetes_service_name: 'dcgm-exporter',
            __meta_kubernetes_endpointslice_port_name: 'metrics',
            __meta_kubernetes_pod_name: 'dcgm-exporter-q7w2',
            __meta_kubernetes_pod_node_name: 'node-b',
            __meta_kubernetes_pod_container_name: 'dcgm-exporter',
          },
        },
      ],
      'node-exporter': [
        {
          targets: [`127.0.0.1:${ports.nodeExporter}`],
          labels: {
            __meta_kubernetes_namespace: 'monitoring',
            __meta_kubernetes_service_name: 'node-exporter',
            __meta_kubernetes_endpointslice_port_name: 'metrics',
            __meta_kubernetes_pod_name: 'node-exporter-x2k4',
            __meta_kubernetes_pod_node_name: 'node-a',
            __meta_kubernetes_pod_container_name: 'node-exporter',
            __meta_kubernetes_pod_label_app_kubernetes_io_name: 'node-exporter',
          },
        },
      ],
    };

    const [dev] = loadEnvironments(['dev']);
    const generated = renderEnvironment(dev).get('config/prometheus.yml')!;
    const configPath = join(work, 'prometheus.yml');
    writeFileSync(configPath, withTestScrapeInterval(simulateKubernetesDiscovery(generated, { dir: join(work, 'sd'), targets })));

    started.push(startProcess('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${ports.nodeExporter}`]));
    api = await startPrometheus({ configFile: configPath, dataDir: join(work, 'data'), port: ports.prometheus }, started);
  });

  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop()));
    await new Promise((resolve) => app?.close(resolve));
    await new Promise((resolve) => dcgm?.close(resolve));
    removeDir(work);
  });

  const allActiveTargets = async (): Promise<Target[]> => {
    const body = (await (await fetch(`${api}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: Target[] } };
    return body.data.activeTargets;
  };
  /** Targets of one scrape job; annotated pods are labelled with their app's job, so select by the job that found them. */
  const activeTargets = async (scrapeJob: string): Promise<Target[]> =>
    (await allActiveTargets()).filter((t) => t.scrapePool === scrapeJob);

  it('GIVEN annotated and unannotated pods WHEN discovered THEN exactly the annotated running pods are scraped, at their annotated port and path', async () => {
    const targets = await waitFor('three pod targets up', 30000, async () => {
      const found = await activeTargets('kubernetes-pods');
      return found.length === 3 && found.every((t) => t.health === 'up') ? found : undefined;
    });
    const byPod = Object.fromEntries(targets.map((t) => [t.labels.pod, t]));
    expect(Object.keys(byPod).sort()).toEqual(['batch-probe-0', 'mage-worker-0', 'moe-trainer-7d9f']);
    expect(byPod['mage-worker-0'].scrapeUrl).toBe(`http://127.0.0.1:${ports.app}/custom/metrics`);
    expect(byPod['moe-trainer-7d9f'].scrapeUrl).toBe(`http://127.0.0.1:${ports.app}/metrics`);
    expect(byPod['batch-probe-0'].scrapeUrl).toBe(`http://127.0.0.1:${ports.app}/metrics`);
    expect(requestedPaths).toEqual(expect.arrayContaining(['/custom/metrics', '/metrics']));
  });

  it('GIVEN the scraped pods THEN namespace, pod, container, node and app labels are set and no discovery label leaks', async () => {
    const targets = await activeTargets('kubernetes-pods');
    const labels = Object.fromEntries(targets.map((t) => [t.labels.pod, t.labels]));
    expect(labels['mage-worker-0']).toMatchObject({ namespace: 'mage', container: 'worker', node: 'node-a', app: 'mage-worker' });
    expect(labels['moe-trainer-7d9f']).toMatchObject({ namespace: 'moe-lab', container: 'trainer', node: 'node-b', app: 'moe-trainer' });
    expect(labels['batch-probe-0']).toMatchObject({ namespace: 'moe-lab', container: 'probe', node: 'node-b' });
    expect(labels['batch-probe-0'].app).toBeUndefined();
    for (const set of Object.values(labels)) expect(Object.keys(set).filter((key) => key.startsWith('__'))).toEqual([]);
  });

  it('GIVEN annotated pods WHEN scraped THEN each is under its app as job, what it exports too, and a pod without an app stays kubernetes-pods', async () => {
    const jobs = Object.fromEntries((await activeTargets('kubernetes-pods')).map((t) => [t.labels.pod, t.labels.job]));
    expect(jobs).toEqual({ 'mage-worker-0': 'mage-worker', 'moe-trainer-7d9f': 'moe-trainer', 'batch-probe-0': 'kubernetes-pods' });
    const series = await waitFor('e2e_app_ready from the three pods', 30000, async () => {
      const url = `${api}/api/v1/query?query=${encodeURIComponent('e2e_app_ready')}`;
      const body = (await (await fetch(url)).json()) as { data: { result: Array<{ metric: Record<string, string> }> } };
      return body.data.result.length === 3 ? body.data.result.map((s) => s.metric) : undefined;
    });
    expect(Object.fromEntries(series.map((metric) => [metric.pod, metric.job]))).toEqual(jobs);
    // What federation selects with {job=~"mage-.*"}: the worker only.
    const federated = (await allActiveTargets()).filter((t) => /^mage-.*$/.test(t.labels.job)).map((t) => t.labels.pod);
    expect(federated).toEqual(['mage-worker-0']);
  });

  it('GIVEN the node-exporter endpoint WHEN scraped THEN its target is up and a node metric is queryable with its node label', async () => {
    await waitFor('node-exporter up', 30000, async () => ((await activeTargets('node-exporter'))[0]?.health === 'up' ? true : undefined));
    const series = await waitFor('node_cpu_seconds_total', 30000, async () => {
      const url = `${api}/api/v1/query?query=${encodeURIComponent('count by (node, namespace, pod) (node_cpu_seconds_total{job="node-exporter"})')}`;
      const body = (await (await fetch(url)).json()) as { data: { result: Array<{ metric: Record<string, string> }> } };
      return body.data.result.length > 0 ? body.data.result : undefined;
    });
    expect(series.map((s) => s.metric)).toEqual([{ node: 'node-a', namespace: 'monitoring', pod: 'node-exporter-x2k4' }]);
  });

  it('GIVEN DCGM series naming the pod that holds a GPU WHEN scraped THEN namespace/pod/container are that pod’s, an idle GPU keeps the exporter’s, and no exported_* label is left', async () => {
    const series = await waitFor('DCGM_FI_DEV_GPU_TEMP', 30000, async () => {
      const url = `${api}/api/v1/query?query=${encodeURIComponent('DCGM_FI_DEV_GPU_TEMP{job="dcgm-exporter"}')}`;
      const body = (await (await fetch(url)).json()) as { data: { result: Array<{ metric: Record<string, string> }> } };
      return body.data.result.length === 2 ? body.data.result.map((s) => s.metric) : undefined;
    });
    const byGpu = Object.fromEntries(series.map((metric) => [metric.gpu, metric]));
    expect(byGpu['0']).toMatchObject({ namespace: 'moe-lab', pod: 'moe-trainer-7d9f', container: 'trainer', node: 'node-b' });
    expect(byGpu['1']).toMatchObject({ namespace: 'monitoring', pod: 'dcgm-exporter-q7w2', container: 'dcgm-exporter', node: 'node-b' });
    expect(series.flatMap((metric) => Object.keys(metric).filter((key) => key.startsWith('exported_')))).toEqual([]);
  });

  it('GIVEN the POD_NAME of the replica THEN the external labels carry cluster, environment and the replica name', async () => {
    const body = (await (await fetch(`${api}/api/v1/status/config`)).json()) as { data: { yaml: string } };
    const loaded = parse(body.data.yaml) as { global: { external_labels: Record<string, string> } };
    expect(loaded.global.external_labels).toEqual({ cluster: 'moe-lab-dev', environment: 'dev', prometheus_replica: 'prometheus-0' });
  });
});
