// Logs and traces of one environment: Loki, the Fluent Bit shipper on every node, and Jaeger.
// Split from environment.ts, which wires the metrics stack, so each file stays readable.
import type { EnvironmentConfig } from '../../config';
import { JOBS } from '../../contracts/jobs';
import type { ComponentChart } from './component-chart';
import { FluentBit } from '../components/fluent-bit';
import { Jaeger } from '../components/jaeger';
import { Loki } from '../components/loki';
import { serviceEndpointsJob } from '../config-files/scrape-jobs';
import { FLUENT_BIT_SCRAPE, JAEGER_SCRAPE, LOKI_SCRAPE } from '../../contracts/services';

type ChartFactory = (component: string) => ComponentChart;

/** Loki, Fluent Bit and Jaeger, one chart each, in the monitoring namespace. */
export function buildLogging(chart: ChartFactory, env: EnvironmentConfig): ComponentChart[] {
  const { namespaces, logging } = env;
  const common = { namespace: namespaces.monitoring, instance: env.cluster.name };

  const lokiChart = chart('loki');
  const loki = new Loki(lokiChart, 'Loki', { ...common, settings: logging.loki, region: env.cluster.region });

  const fluentBitChart = chart('fluent-bit');
  new FluentBit(fluentBitChart, 'FluentBit', {
    ...common,
    settings: logging.fluentBit,
    logNamespaces: { moeLab: namespaces.moeLab, mage: namespaces.mage },
    loki: { host: `${loki.serviceName}.${namespaces.monitoring}.svc`, port: loki.port },
  });

  const jaegerChart = chart('jaeger');
  new Jaeger(jaegerChart, 'Jaeger', { ...common, settings: logging.jaeger, clientNamespaces: [namespaces.moeLab, namespaces.mage] });

  return [lokiChart, fluentBitChart, jaegerChart];
}

/** Prometheus jobs for the logging components, one per component so target-down alerts name it. */
export function loggingScrapeJobs(namespace: string) {
  return [
    // The log-derived counters carry the namespace and pod of the pod that logged the line, not of
    // Fluent Bit: its labels must win over the target's.
    serviceEndpointsJob({
      jobName: JOBS.fluentBit,
      namespace,
      serviceName: FLUENT_BIT_SCRAPE.serviceName,
      portName: FLUENT_BIT_SCRAPE.portName,
      honorLabels: true,
    }),
    serviceEndpointsJob({ jobName: JOBS.loki, namespace, serviceName: LOKI_SCRAPE.serviceName, portName: LOKI_SCRAPE.portName }),
    serviceEndpointsJob({ jobName: JOBS.jaeger, namespace, serviceName: JAEGER_SCRAPE.serviceName, portName: JAEGER_SCRAPE.portName }),
  ];
}
