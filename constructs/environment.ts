import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import { estimateCapacity } from '../config/capacity';
import { RULE_GROUPS } from '../rules';
import { renderRuleFiles } from '../rules/render';
import { JOBS } from '../rules/selectors';
import { ComponentChart } from './component-chart';
import { Namespaces } from './namespaces';
import { Prometheus } from './prometheus';
import { coreScrapeJobs, serviceEndpointsJob } from './scrape-jobs';

/**
 * Every component of one environment, one chart each. `idPrefix` keeps chart ids unique when
 * several environments share one cdk8s App (as under `cdk8s synth`).
 */
export function buildEnvironment(scope: Construct, env: EnvironmentConfig, idPrefix = ''): ComponentChart[] {
  const chart = (component: string) => new ComponentChart(scope, `${idPrefix}${component}`, { component });
  const { namespaces, prometheus } = env;
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

  const prometheusChart = chart('prometheus');
  const ruleFiles = renderRuleFiles(RULE_GROUPS);
  new Prometheus(prometheusChart, 'Prometheus', {
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
        serviceEndpointsJob({
          jobName: JOBS.nodeExporter,
          namespace: namespaces.monitoring,
          serviceName: 'node-exporter',
          portName: 'metrics',
        }),
      ],
    },
  });

  return [namespacesChart, prometheusChart];
}
