import { JOBS } from '../../contracts/jobs';
import { copyLabel, dropIf, keepIf, kubernetesSd, overrideLabel, type RelabelConfig, type ScrapeJob } from './scrape-config';

const meta = (name: string) => `__meta_kubernetes_${name}`;
const podAnnotation = (name: string) => meta(`pod_annotation_prometheus_io_${name}`);
const serviceAnnotation = (name: string) => meta(`service_annotation_prometheus_io_${name}`);

/** Where the pod's service-account credentials are mounted. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Target labels every pod-backed job sets: namespace, pod, container, node and app, where `app` is
 * `app.kubernetes.io/name`, overridden by a plain `app` label (the Mage workloads use `app=…`).
 */
export function podTargetLabels(): RelabelConfig[] {
  return [
    copyLabel(meta('namespace'), 'namespace'),
    copyLabel(meta('pod_name'), 'pod'),
    copyLabel(meta('pod_container_name'), 'container'),
    copyLabel(meta('pod_node_name'), 'node'),
    copyLabel(meta('pod_label_app_kubernetes_io_name'), 'app'),
    overrideLabel(meta('pod_label_app'), 'app'),
  ];
}

/**
 * Keeps the target whose discovered port equals the `prometheus.io/port` annotation, or every
 * declared port when there is no annotation. Discovery yields one target per declared port, so
 * this avoids scraping a pod once per port, and `keepequal` (Prometheus ≥ 2.41) does the compare.
 */
function annotatedPort(discoveredPort: string, annotation: string): RelabelConfig[] {
  return [
    copyLabel(discoveredPort, '__tmp_port'),
    overrideLabel(annotation, '__tmp_port'),
    { source_labels: [discoveredPort], target_label: '__tmp_port', action: 'keepequal' },
  ];
}

/** `prometheus.io/path` and `prometheus.io/scheme` annotations, when present. */
function annotatedPathAndScheme(annotation: (name: string) => string): RelabelConfig[] {
  return [overrideLabel(annotation('path'), '__metrics_path__'), overrideLabel(annotation('scheme'), '__scheme__')];
}

/** Job names of the stack's own components (and the federation jobs), which no annotated pod may take. */
const RESERVED_JOBS = `${[...Object.values(JOBS), 'kubernetes-service-endpoints'].join('|')}|federate(-.+)?`;

/** Pods that opt in with `prometheus.io/scrape: "true"` (and optionally port, path, scheme). */
export function annotatedPodsJob(): ScrapeJob {
  return {
    job_name: 'kubernetes-pods',
    kubernetes_sd_configs: kubernetesSd('pod'),
    relabel_configs: [
      keepIf(podAnnotation('scrape'), 'true'),
      dropIf(meta('pod_phase'), 'Pending|Succeeded|Failed|Completed'),
      dropIf(meta('pod_container_init'), 'true'),
      ...annotatedPort(meta('pod_container_port_number'), podAnnotation('port')),
      ...annotatedPathAndScheme(podAnnotation),
      ...podTargetLabels(),
      // A workload is scraped under its app's name (`mage-worker`, `moe-trainer`), so `up` says which
      // one is down and federation can select `{job=~"mage-.*"}`; pods without an app keep the job name.
      overrideLabel('app', 'job'),
      // An app named like one of the stack's own jobs must not join that job and its alerts.
      { source_labels: ['job'], regex: RESERVED_JOBS, target_label: 'job', replacement: 'kubernetes-pods', action: 'replace' },
    ],
  };
}

/** Endpoints of Services that opt in with `prometheus.io/scrape: "true"` on the Service. */
export function annotatedServiceEndpointsJob(): ScrapeJob {
  return {
    job_name: 'kubernetes-service-endpoints',
    kubernetes_sd_configs: kubernetesSd('endpointslice'),
    relabel_configs: [
      keepIf(serviceAnnotation('scrape'), 'true'),
      ...annotatedPort(meta('endpointslice_port'), serviceAnnotation('port')),
      ...annotatedPathAndScheme(serviceAnnotation),
      copyLabel(meta('service_name'), 'service'),
      ...podTargetLabels(),
    ],
  };
}

export interface ServiceJobProps {
  readonly jobName: string;
  readonly namespace: string;
  readonly serviceName: string;
  /** Name of the Service port that serves metrics. */
  readonly portName: string;
  /**
   * Keep the target's own `namespace`/`pod`/`container` labels, for exporters that report on other
   * objects (kube-state-metrics) rather than on themselves.
   * @default false
   */
  readonly honorLabels?: boolean;
  /** Rewrites applied to every scraped series (`metric_relabel_configs`). @default - none */
  readonly metricRelabelConfigs?: readonly RelabelConfig[];
}

/** A dedicated job for one Service's endpoints, so its `job` label (and target-down alerts) are stable. */
export function serviceEndpointsJob(props: ServiceJobProps): ScrapeJob {
  return {
    job_name: props.jobName,
    ...(props.honorLabels ? { honor_labels: true } : {}),
    kubernetes_sd_configs: kubernetesSd('endpointslice', [props.namespace]),
    relabel_configs: [
      keepIf(meta('service_name'), props.serviceName),
      keepIf(meta('endpointslice_port_name'), props.portName),
      copyLabel(meta('service_name'), 'service'),
      ...podTargetLabels(),
    ],
    ...(props.metricRelabelConfigs ? { metric_relabel_configs: props.metricRelabelConfigs } : {}),
  };
}

/**
 * The kubelet on every node, at `path` (`/metrics` or `/metrics/cadvisor`). EKS kubelets serve
 * self-signed certificates unless serving-cert bootstrap is on, so the certificate is not
 * verified; the service-account token still authenticates Prometheus to the kubelet.
 */
export function kubeletJob(jobName: string, path: string, keepMetrics?: string): ScrapeJob {
  return {
    job_name: jobName,
    scheme: 'https',
    metrics_path: path,
    kubernetes_sd_configs: kubernetesSd('node'),
    tls_config: { insecure_skip_verify: true },
    authorization: { credentials_file: `${SERVICE_ACCOUNT_DIR}/token` },
    relabel_configs: [copyLabel(meta('node_name'), 'node')],
    ...(keepMetrics ? { metric_relabel_configs: [keepIf('__name__', keepMetrics)] } : {}),
  };
}

/** The jobs every cluster gets; components add their own (see PrometheusProps.scrapeJobs). */
export function coreScrapeJobs(): ScrapeJob[] {
  return [
    annotatedPodsJob(),
    annotatedServiceEndpointsJob(),
    kubeletJob('kubernetes-nodes', '/metrics'),
    // cAdvisor exposes hundreds of machine_* and per-cgroup series; dashboards and rules read container_*.
    kubeletJob(JOBS.cadvisor, '/metrics/cadvisor', 'container_.*'),
  ];
}
