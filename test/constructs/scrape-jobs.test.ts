import { prometheusConfig } from '../../constructs/config-files/prometheus-config';
import { kubernetesSd, type RelabelConfig, type ScrapeJob } from '../../constructs/config-files/scrape-config';
import { JOBS } from '../../contracts/jobs';
import { annotatedPodsJob, coreScrapeJobs, kubeletJob, serviceEndpointsJob } from '../../constructs/config-files/scrape-jobs';

const targetLabelsSetBy = (job: ScrapeJob) =>
  job.relabel_configs.filter((r) => r.target_label && !r.target_label.startsWith('__')).map((r) => r.target_label);

/**
 * Prometheus's relabelling for the actions a pod job uses, as its documentation defines them: source
 * values joined by `;`, the regex anchored at both ends, an empty result removing the target label.
 * Returns undefined when the target is dropped. Before relabelling, a target's `job` is the job name.
 */
function relabel(job: ScrapeJob, discovered: Record<string, string>): Record<string, string> | undefined {
  const labels: Record<string, string> = { job: job.job_name, ...discovered };
  for (const rule of job.relabel_configs as RelabelConfig[]) {
    const value = (rule.source_labels ?? []).map((name) => labels[name] ?? '').join(rule.separator ?? ';');
    const match = new RegExp(`^(?:${rule.regex ?? '(.*)'})$`).exec(value);
    const action = rule.action ?? 'replace';
    if (action === 'keep' && !match) return undefined;
    if (action === 'drop' && match) return undefined;
    if (action === 'keepequal' && value !== (labels[rule.target_label!] ?? '')) return undefined;
    if (action === 'replace' && match) {
      const result = (rule.replacement ?? '$1').replace(/\$(\d+)/g, (_, i: string) => match[Number(i)] ?? '');
      if (result === '') delete labels[rule.target_label!];
      else labels[rule.target_label!] = result;
    }
  }
  return Object.fromEntries(Object.entries(labels).filter(([name]) => !name.startsWith('__')));
}

/** A running, annotated pod as Kubernetes pod discovery describes it, with extra pod labels. */
const annotatedPod = (podLabels: Record<string, string>) => ({
  __address__: '10.0.2.5:8000',
  __meta_kubernetes_namespace: 'mage',
  __meta_kubernetes_pod_name: 'pod-0',
  __meta_kubernetes_pod_container_name: 'main',
  __meta_kubernetes_pod_node_name: 'node-a',
  __meta_kubernetes_pod_phase: 'Running',
  __meta_kubernetes_pod_container_init: 'false',
  __meta_kubernetes_pod_container_port_number: '8000',
  __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
  ...podLabels,
});

describe('typed Kubernetes discovery model', () => {
  it('GIVEN a role and namespaces WHEN kubernetesSd builds the block THEN it has the Prometheus field names', () => {
    expect(kubernetesSd('pod')).toEqual([{ role: 'pod' }]);
    expect(kubernetesSd('endpointslice', ['monitoring'])).toEqual([{ role: 'endpointslice', namespaces: { names: ['monitoring'] } }]);
  });

  it('GIVEN the core jobs THEN each discovers with the role its targets need', () => {
    const roles = Object.fromEntries(coreScrapeJobs().map((job) => [job.job_name, (job.kubernetes_sd_configs ?? []).map((sd) => sd.role)]));
    expect(roles).toEqual({
      'kubernetes-pods': ['pod'],
      'kubernetes-service-endpoints': ['endpointslice'],
      'kubernetes-nodes': ['node'],
      'kubernetes-cadvisor': ['node'],
    });
  });

  it('GIVEN the annotated-pods job THEN it keeps only prometheus.io/scrape="true" first and sets the five target labels and job', () => {
    const job = annotatedPodsJob();
    expect(job.relabel_configs[0]).toEqual({
      source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'],
      regex: 'true',
      action: 'keep',
    });
    expect(new Set(targetLabelsSetBy(job))).toEqual(new Set(['namespace', 'pod', 'container', 'node', 'app', 'job']));
  });

  it('GIVEN an annotated pod whose app is named like one of the stack jobs WHEN relabelled THEN it stays in kubernetes-pods, out of that job and its alerts', () => {
    const job = annotatedPodsJob();
    const serviceJobs = coreScrapeJobs().map((j) => j.job_name);
    for (const name of [...new Set([...serviceJobs, ...Object.values(JOBS), 'federate', 'federate-moe-lab-dev'])])
      expect([name, relabel(job, annotatedPod({ __meta_kubernetes_pod_label_app: name }))?.job]).toEqual([name, 'kubernetes-pods']);
    // Names that merely start like a stack job are the app's own.
    expect(relabel(job, annotatedPod({ __meta_kubernetes_pod_label_app: 'prometheus-adapter' }))?.job).toBe('prometheus-adapter');
  });

  it('GIVEN annotated pods WHEN relabelled THEN job is the app (app label first, else app.kubernetes.io/name) and a pod without either keeps kubernetes-pods', () => {
    const job = annotatedPodsJob();
    const jobOf = (podLabels: Record<string, string>) => relabel(job, annotatedPod(podLabels))?.job;
    expect(jobOf({ __meta_kubernetes_pod_label_app: 'mage-worker' })).toBe('mage-worker');
    expect(jobOf({ __meta_kubernetes_pod_label_app_kubernetes_io_name: 'moe-trainer' })).toBe('moe-trainer');
    expect(
      jobOf({ __meta_kubernetes_pod_label_app: 'mage-learner', __meta_kubernetes_pod_label_app_kubernetes_io_name: 'learner-chart' }),
    ).toBe('mage-learner');
    expect(jobOf({})).toBe('kubernetes-pods');
    // An empty label value is the same as no label: the job name stays.
    expect(jobOf({ __meta_kubernetes_pod_label_app: '' })).toBe('kubernetes-pods');
    // instance is not among them: Prometheus sets it from the address after relabelling.
    expect(relabel(job, annotatedPod({ __meta_kubernetes_pod_label_app: 'mage-worker' }))).toEqual({
      job: 'mage-worker',
      app: 'mage-worker',
      namespace: 'mage',
      pod: 'pod-0',
      container: 'main',
      node: 'node-a',
    });
    // Not annotated: dropped whatever its app.
    expect(
      relabel(job, {
        ...annotatedPod({ __meta_kubernetes_pod_label_app: 'mage-worker' }),
        __meta_kubernetes_pod_annotation_prometheus_io_scrape: '',
      }),
    ).toBeUndefined();
  });

  it('GIVEN a service job THEN it is limited to its namespace, Service and port name', () => {
    const job = serviceEndpointsJob({
      jobName: 'node-exporter',
      namespace: 'monitoring',
      serviceName: 'node-exporter',
      portName: 'metrics',
    });
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'endpointslice', namespaces: { names: ['monitoring'] } }]);
    expect(job.relabel_configs).toEqual(
      expect.arrayContaining([
        { source_labels: ['__meta_kubernetes_service_name'], regex: 'node-exporter', action: 'keep' },
        { source_labels: ['__meta_kubernetes_endpointslice_port_name'], regex: 'metrics', action: 'keep' },
      ]),
    );
  });

  it('GIVEN the cAdvisor job THEN it authenticates with the service-account token over HTTPS and keeps only container_* series', () => {
    const job = kubeletJob('kubernetes-cadvisor', '/metrics/cadvisor', 'container_.*');
    expect(job).toMatchObject({
      scheme: 'https',
      metrics_path: '/metrics/cadvisor',
      authorization: { credentials_file: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
    });
    expect(job.metric_relabel_configs).toEqual([{ source_labels: ['__name__'], regex: 'container_.*', action: 'keep' }]);
  });

  it('GIVEN two jobs with the same name WHEN the config is built THEN it is refused, naming the job', () => {
    const job = annotatedPodsJob();
    expect(() =>
      prometheusConfig({ scrapeInterval: '15s', evaluationInterval: '15s', externalLabels: {}, scrapeJobs: [job, job], ruleFiles: [] }),
    ).toThrow('job_name "kubernetes-pods" is used twice');
  });
});
