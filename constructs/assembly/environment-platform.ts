// The GPU platform of one environment: node agents, the ML workloads, their config and storage.
// Split from environment.ts, which wires the monitoring stack, so each file stays readable.
import type { EnvironmentConfig } from '../../config';
import { Backups } from '../components/backups';
import type { ComponentChart } from './component-chart';
import { DcgmExporter } from '../components/dcgm-exporter';
import { otlpEndpoint } from '../components/jaeger';
import { KubeStateMetrics } from '../components/kube-state-metrics';
import { MageLearner } from '../components/mage-learner';
import { MageWorker } from '../components/mage-worker';
import { MlConfigMaps } from '../components/ml-config-maps';
import { MlStorage } from '../components/ml-storage';
import { MoeDashboard } from '../components/moe-dashboard';
import { MoeInference } from '../components/moe-inference';
import { MoeTrainer } from '../components/moe-trainer';
import { NodeExporter } from '../components/node-exporter';
import { NvidiaDevicePlugin } from '../components/nvidia-device-plugin';
import { Postgres, postgresHost } from '../components/postgres';
import { PriorityClasses } from '../components/priority-classes';
import { Redis } from '../components/redis';

type ChartFactory = (component: string) => ComponentChart;

/** Node agents in the monitoring namespace, the one namespace whose Pod Security allows host access. */
export function buildAgents(chart: ChartFactory, env: EnvironmentConfig): ComponentChart {
  const agentsChart = chart('agents');
  const common = { namespace: env.namespaces.monitoring, instance: env.cluster.name, gpu: env.gpuNodes };
  new NvidiaDevicePlugin(agentsChart, 'NvidiaDevicePlugin', { ...common, ...env.agents.devicePlugin });
  new DcgmExporter(agentsChart, 'DcgmExporter', { ...common, ...env.agents.dcgmExporter });
  new NodeExporter(agentsChart, 'NodeExporter', { ...common, ...env.agents.nodeExporter });
  new KubeStateMetrics(agentsChart, 'KubeStateMetrics', { ...common, ...env.agents.kubeStateMetrics });
  return agentsChart;
}

/** ML config, storage, databases, backups and the MoE and Mage workloads. */
export function buildMlPlatform(chart: ChartFactory, env: EnvironmentConfig): ComponentChart[] {
  const { namespaces, storage, workloads } = env;
  const instance = env.cluster.name;

  const mlConfigChart = chart('ml-config');
  const mlConfig = new MlConfigMaps(mlConfigChart, 'MlConfigMaps', { namespace: namespaces.moeLab, instance, settings: env.mlConfig });

  const storageChart = chart('moe-lab-storage');
  const moeLab = { namespace: namespaces.moeLab, instance };
  new MlStorage(storageChart, 'MlStorage', { ...moeLab, ...storage.volumes });
  // Grafana (monitoring namespace) keeps its state in this PostgreSQL when its config points here.
  const grafanaDb = env.grafana.database;
  const grafanaHere = grafanaDb.type === 'postgres' && grafanaDb.host === postgresHost(namespaces.moeLab);
  const postgres = new Postgres(storageChart, 'Postgres', {
    ...moeLab,
    ...storage.postgres,
    clientNamespaces: [namespaces.monitoring],
    extraDatabases: grafanaHere ? [{ name: grafanaDb.name, credentialsSecret: grafanaDb.credentialsSecret }] : [],
  });
  new Redis(storageChart, 'Redis', { ...moeLab, ...storage.redis });
  new Backups(storageChart, 'Backups', {
    ...moeLab,
    settings: storage.backups,
    maintenanceWindow: env.alerting.maintenanceWindow,
    postgres: {
      image: storage.postgres.image,
      credentialsSecret: storage.postgres.credentialsSecret,
      database: postgres.database,
      extraDatabases: postgres.extraDatabases,
    },
    redis: { image: storage.redis.image, authSecret: storage.redis.authSecret },
  });

  const priorityChart = chart('priority-classes');
  const priorities = new PriorityClasses(priorityChart, 'PriorityClasses', { instance });

  const moeChart = chart('moe-workloads');
  const moe = { ...moeLab, gpuNodes: env.gpuNodes };
  // Prometheus scrapes every workload from the monitoring namespace; inference also serves clients
  // this stack does not know, so its port is open cluster-wide.
  const scrapers = [namespaces.monitoring];
  // Spans go to the Jaeger in the monitoring namespace, at the ratio its strategies file serves.
  const tracing = { otlpEndpoint: otlpEndpoint(namespaces.monitoring), sampling: env.logging.jaeger.sampling };
  const trainer = new MoeTrainer(moeChart, 'MoeTrainer', {
    ...moe,
    settings: workloads.moeTrainer,
    configChecksumOf: mlConfig.training.text + mlConfig.router.text,
    priorityClassName: priorities.trainingClassName,
    tracing,
  });
  trainer.workload.allowIngressFrom(scrapers);
  const inference = new MoeInference(moeChart, 'MoeInference', {
    ...moe,
    settings: workloads.moeInference,
    configChecksumOf: mlConfig.inference.text + mlConfig.router.text,
    priorityClassName: priorities.inferenceClassName,
    tracing,
  });
  inference.workload.allowIngressFrom('cluster');
  new MoeDashboard(moeChart, 'Dashboard', { ...moe, settings: workloads.dashboard }).workload.allowIngressFrom(scrapers);

  const mageChart = chart('mage-workloads');
  const mage = { namespace: namespaces.mage, instance, gpuNodes: env.gpuNodes };
  new MageWorker(mageChart, 'MageWorker', { ...mage, settings: workloads.mageWorker }).workload.allowIngressFrom(scrapers);
  new MageLearner(mageChart, 'MageLearner', { ...mage, settings: workloads.mageLearner }).workload.allowIngressFrom(scrapers);

  return [mlConfigChart, storageChart, priorityChart, moeChart, mageChart];
}
