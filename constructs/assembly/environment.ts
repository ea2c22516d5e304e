import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config';
import { estimateCapacity } from '../../config/capacity';
import { renderDashboards } from '../../dashboards';
import { RULE_GROUPS } from '../../rules';
import { renderRuleFiles } from '../../rules/render';
import { JOBS } from '../../contracts/jobs';
import { Alertmanager } from '../components/alertmanager';
import { ComponentChart } from './component-chart';
import { DCGM_CONSUMER_RELABELING } from '../components/dcgm-exporter';
import type { RelabelConfig } from '../config-files/scrape-config';
import { buildLogging, loggingScrapeJobs } from './environment-logging';
import { buildAgents, buildMlPlatform } from './environment-platform';
import { buildGlobalPrometheus } from '../components/global-prometheus';
import { Grafana } from '../components/grafana';
import { MemberFederation } from '../components/member-federation';
import { Namespaces } from '../components/namespaces';
import { Prometheus } from '../components/prometheus';
import { coreScrapeJobs, serviceEndpointsJob } from '../config-files/scrape-jobs';
import {
  ALERTMANAGER_SERVICE,
  DCGM_EXPORTER_SERVICE,
  KUBE_STATE_METRICS_SERVICE,
  NODE_EXPORTER_SERVICE,
  GLOBAL_PROMETHEUS,
  GRAFANA_SERVICE,
  PROMETHEUS_SERVICE,
} from '../../contracts/services';

/** One job per monitoring component, so `job` names it and target-down alerts can say which one is down. */
function monitoringServiceJobs(namespace: string) {
  const job = (
    jobName: string,
    serviceName: string,
    portName: string,
    honorLabels = false,
    metricRelabelConfigs?: readonly RelabelConfig[],
  ) => serviceEndpointsJob({ jobName, namespace, serviceName, portName, honorLabels, metricRelabelConfigs });
  return [
    job(JOBS.nodeExporter, NODE_EXPORTER_SERVICE.name, NODE_EXPORTER_SERVICE.metricsPort),
    job(JOBS.dcgmExporter, DCGM_EXPORTER_SERVICE.name, DCGM_EXPORTER_SERVICE.metricsPort, false, DCGM_CONSUMER_RELABELING),
    // kube-state-metrics reports on other pods: their namespace/pod labels must win over its own.
    job(JOBS.kubeStateMetrics, KUBE_STATE_METRICS_SERVICE.name, KUBE_STATE_METRICS_SERVICE.metricsPort, true),
    job(JOBS.prometheus, PROMETHEUS_SERVICE.name, PROMETHEUS_SERVICE.webPort),
    job(JOBS.alertmanager, ALERTMANAGER_SERVICE.name, ALERTMANAGER_SERVICE.webPort),
    job(JOBS.grafana, GRAFANA_SERVICE.name, GRAFANA_SERVICE.httpPort),
  ];
}

/**
 * Charts every other chart needs first: namespaces, then cluster-wide priority classes. `pulumi up`
 * applies them itself in every environment, before the Secrets that live in those namespaces.
 */
export const FOUNDATION_CHARTS = ['namespaces', 'priority-classes'] as const;

/**
 * Every component of one environment, one chart each. `idPrefix` keeps chart ids unique when
 * several environments share one cdk8s App (as under `cdk8s synth`).
 */
export function buildEnvironment(scope: Construct, env: EnvironmentConfig, idPrefix = ''): ComponentChart[] {
  const chart = (component: string) => new ComponentChart(scope, `${idPrefix}${component}`, { component });
  const { namespaces, prometheus, alerting, grafana } = env;
  const instance = env.cluster.name;

  const namespacesChart = chart('namespaces');
  new Namespaces(namespacesChart, 'Namespaces', {
    instance,
    namespaces: [
      // Node agents (node-exporter, DCGM exporter, log shippers) need host access here.
      { name: namespaces.monitoring, podSecurity: 'privileged' },
      { name: namespaces.moeLab },
      { name: namespaces.mage },
    ],
  });

  const alertmanagerChart = chart('alertmanager');
  const alertmanager = new Alertmanager(alertmanagerChart, 'Alertmanager', {
    namespace: namespaces.monitoring,
    instance,
    image: alerting.alertmanager.image,
    replicas: alerting.alertmanager.replicas,
    retention: alerting.alertmanager.retention,
    storage: alerting.alertmanager.storage,
    resources: alerting.alertmanager.resources,
    credentialsSecret: alerting.receivers.credentialsSecret,
    config: { receivers: alerting.receivers, businessHours: alerting.businessHours, maintenanceWindow: alerting.maintenanceWindow },
  });

  const prometheusChart = chart('prometheus');
  const ruleFiles = renderRuleFiles(RULE_GROUPS, env.alerting);
  const prometheusServer = new Prometheus(prometheusChart, 'Prometheus', {
    namespace: namespaces.monitoring,
    instance,
    image: prometheus.image,
    replicas: prometheus.replicas,
    retention: prometheus.retention,
    retentionSizeBytes: estimateCapacity(env).retentionSizeBytes,
    storage: prometheus.storage,
    resources: prometheus.resources,
    ruleFiles,
    config: {
      scrapeInterval: prometheus.scrapeInterval,
      evaluationInterval: prometheus.evaluationInterval,
      externalLabels: { cluster: env.cluster.name, environment: env.name },
      scrapeJobs: [
        ...coreScrapeJobs(),
        ...monitoringServiceJobs(namespaces.monitoring),
        ...loggingScrapeJobs(namespaces.monitoring),
        // The cluster running the global Prometheus watches it, so its own outage raises TargetDown here.
        ...(env.federation.role === 'global'
          ? [
              serviceEndpointsJob({
                jobName: GLOBAL_PROMETHEUS.name,
                namespace: namespaces.monitoring,
                serviceName: GLOBAL_PROMETHEUS.name,
                portName: 'web',
              }),
            ]
          : []),
      ],
      alertmanagerTargets: alertmanager.apiTargets,
    },
  });
  new MemberFederation(prometheusChart, 'Federation', {
    namespace: namespaces.monitoring,
    instance,
    podSelector: prometheusServer.statefulSet.matchLabels,
    statefulSetName: prometheusServer.name,
    port: prometheusServer.port,
    globalSources: env.federation.globalSources,
    role: env.federation.role,
  });

  const grafanaChart = chart('grafana');
  new Grafana(grafanaChart, 'Grafana', {
    namespace: namespaces.monitoring,
    instance,
    image: grafana.image,
    replicas: grafana.replicas,
    resources: grafana.resources,
    adminSecret: grafana.adminSecret,
    database: grafana.database,
    rootUrl: alerting.grafanaUrl,
    dashboards: renderDashboards(alerting, env.federation.role),
    datasources: {
      prometheus: { name: prometheusServer.serviceName, port: prometheusServer.port },
      alertmanager: { name: alertmanager.serviceName, port: alertmanager.port },
      scrapeInterval: prometheus.scrapeInterval,
      ...(env.federation.role === 'global' ? { globalPrometheus: { name: GLOBAL_PROMETHEUS.name, port: GLOBAL_PROMETHEUS.webPort } } : {}),
    },
  });

  return [
    namespacesChart,
    alertmanagerChart,
    prometheusChart,
    ...buildGlobalPrometheus(chart, env, alertmanager.apiTargets),
    grafanaChart,
    ...buildLogging(chart, env),
    buildAgents(chart, env),
    ...buildMlPlatform(chart, env),
  ];
}
