import { prometheusConfig } from '../constructs/prometheus-config';
import { kubernetesSd, type ScrapeJob } from '../constructs/scrape-config';
import { annotatedPodsJob, coreScrapeJobs, kubeletJob, serviceEndpointsJob } from '../constructs/scrape-jobs';

const targetLabelsSetBy = (job: ScrapeJob) =>
  job.relabel_configs.filter((r) => r.target_label && !r.target_label.startsWith('__')).map((r) => r.target_label);

describe('typed Kubernetes discovery model', () => {
  it('GIVEN a role and namespaces WHEN kubernetesSd builds the block THEN it has the Prometheus field names', () => {
    expect(kubernetesSd('pod')).toEqual([{ role: 'pod' }]);
    expect(kubernetesSd('endpointslice', ['monitoring'])).toEqual([{ role: 'endpointslice', namespaces: { names: ['monitoring'] } }]);
  });

  it('GIVEN the core jobs THEN each discovers with the role its targets need', () => {
    const roles = Object.fromEntries(coreScrapeJobs().map((job) => [job.job_name, job.kubernetes_sd_configs.map((sd) => sd.role)]));
    expect(roles).toEqual({
      'kubernetes-pods': ['pod'],
      'kubernetes-service-endpoints': ['endpointslice'],
      'kubernetes-nodes': ['node'],
      'kubernetes-cadvisor': ['node'],
    });
  });

  it('GIVEN the annotated-pods job THEN it keeps only prometheus.io/scrape="true" first and sets the five target labels', () => {
    const job = annotatedPodsJob();
    expect(job.relabel_configs[0]).toEqual({
      source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'],
      regex: 'true',
      action: 'keep',
    });
    expect(new Set(targetLabelsSetBy(job))).toEqual(new Set(['namespace', 'pod', 'container', 'node', 'app']));
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
