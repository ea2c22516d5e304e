import { startProcess, waitForHttpOk, type StartedProcess } from './processes';

/** The pod-discovery labels of a running, non-init container at 127.0.0.1; `labels` adds to or overrides them. */
export const discoveredPod = (labels: Record<string, string>): Record<string, string> => ({
  __meta_kubernetes_pod_phase: 'Running',
  __meta_kubernetes_pod_container_init: 'false',
  __meta_kubernetes_pod_ip: '127.0.0.1',
  ...labels,
});

export interface PrometheusServerOptions {
  readonly configFile: string;
  readonly dataDir: string;
  readonly port: number;
  /** Test-only flags beyond those the StatefulSet passes. */
  readonly extraArgs?: readonly string[];
}

/**
 * A real Prometheus on 127.0.0.1 started the way the StatefulSet starts it (expand-external-labels,
 * POD_NAME for the replica label). It is pushed onto `started` before the readiness wait, so the
 * caller stops it by PID even when start-up fails. Resolves to its base URL once it is ready.
 */
export async function startPrometheus(options: PrometheusServerOptions, started: StartedProcess[]): Promise<string> {
  const prometheus = startProcess(
    'prometheus',
    [
      `--config.file=${options.configFile}`,
      `--storage.tsdb.path=${options.dataDir}`,
      `--web.listen-address=127.0.0.1:${options.port}`,
      '--enable-feature=expand-external-labels',
      ...(options.extraArgs ?? []),
    ],
    { POD_NAME: 'prometheus-0' },
  );
  started.push(prometheus);
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitForHttpOk(`${url}/-/ready`, 30000);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nprometheus output:\n${prometheus.output()}`, { cause: error });
  }
  return url;
}
