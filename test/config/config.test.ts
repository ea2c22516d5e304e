import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, ENVIRONMENT_INPUTS, loadEnvironments, type EnvironmentInput } from '../../config';
import { synth } from '../../scripts/synth';
import { removeDir, tempDir } from '../helpers/synth-tmp';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

/** prod's checked-in settings with one change applied. */
function prodWith(change: (input: Mutable<EnvironmentInput>) => void): Record<string, unknown> {
  const input = structuredClone(ENVIRONMENT_INPUTS.prod) as Mutable<EnvironmentInput>;
  change(input);
  return { ...ENVIRONMENT_INPUTS, prod: input };
}

function problemsOf(names: string[], inputs: Record<string, unknown>): string[] {
  try {
    loadEnvironments(names, inputs);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('environment config', () => {
  it('GIVEN the checked-in environments WHEN loaded THEN all three validate with the documented defaults', () => {
    const envs = loadEnvironments();
    expect(envs.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
    for (const env of envs) {
      expect(env.namespaces).toEqual({ monitoring: 'monitoring', moeLab: 'moe-lab', mage: 'mage' });
      expect(env.prometheus.scrapeInterval).toBe('15s');
      expect(env.prometheus.image.tag).not.toBe('latest');
    }
    const prod = envs.find((e) => e.name === 'prod')!;
    expect(prod.prometheus.replicas).toBe(2);
    expect(prod.prometheus.retention).toBe('30d');
    expect(prod.prometheus.resources).toEqual({ cpu: { request: '1', limit: '4' }, memory: { request: '2Gi', limit: '8Gi' } });
  });

  // Each case: the change, then fragments the single error line must contain (environment, field, what is allowed).
  const badCases: Array<[string, (i: Mutable<EnvironmentInput>) => void, string[]]> = [
    ['retention with an unknown unit', (i) => (i.prometheus.retention = '30x'), ['prometheus.retention', 'Prometheus duration', '30d']],
    ['zero replicas', (i) => (i.prometheus.replicas = 0), ['prometheus.replicas', 'at least 1']],
    ['fractional replicas', (i) => (i.prometheus.replicas = 1.5), ['prometheus.replicas']],
    ['duplicate namespace', (i) => (i.namespaces.mage = 'moe-lab'), ['namespaces.mage', 'already used by namespaces.moeLab']],
    ['namespace that is not a DNS label', (i) => (i.namespaces.monitoring = 'Monitoring_NS'), ['namespaces.monitoring', 'DNS-1123']],
    ['image tag latest', (i) => (i.prometheus.image.tag = 'latest'), ['prometheus.image.tag', 'pinned tag, not "latest"']],
    [
      'memory limit below request',
      (i) => (i.prometheus.resources.memory.limit = '1Gi'),
      ['prometheus.resources.memory.limit', 'below the request 2Gi'],
    ],
    [
      'cpu limit below request',
      (i) => (i.prometheus.resources.cpu.limit = '500m'),
      ['prometheus.resources.cpu.limit', 'below the request 1'],
    ],
    ['zero scrape interval', (i) => (i.prometheus.scrapeInterval = '0s'), ['prometheus.scrapeInterval', 'longer than zero']],
    ['storage size in decimal units', (i) => (i.prometheus.storage.size = '100GB'), ['prometheus.storage.size', 'Ki, Mi, Gi, Ti']],
    ['unknown AWS region', (i) => (i.cluster.region = 'mars-north-1'), ['cluster.region', 'us-west-2']],
    ['negative GPU node count', (i) => (i.fleet.gpuNodes = -1), ['fleet.gpuNodes', '0 or more']],
    ['misspelt field', (i) => Object.assign(i.prometheus, { retension: '30d' }), ['prometheus', 'unknown field(s) retension']],
    [
      'volume too small for the fleet',
      (i) => (i.prometheus.storage.size = '20Gi'),
      ['prometheus.storage.size', 'too small', 'at least 48.5Gi'],
    ],
    ['Grafana URL over plain http', (i) => (i.alerting.grafanaUrl = 'http://grafana'), ['alerting.grafanaUrl', 'https:// URL']],
    [
      'runbook base URL with a trailing slash',
      (i) => (i.alerting.runbookBaseUrl += '/'),
      ['alerting.runbookBaseUrl', 'must not end with "/"'],
    ],
    [
      'unknown pager type',
      (i) => Object.assign(i.alerting.receivers.pager, { type: 'opsgenie' }),
      ['alerting.receivers.pager', 'pagerduty, webhook'],
    ],
    [
      'chat channel without #',
      (i) => (i.alerting.receivers.chat.channel = 'moe-lab-alerts'),
      ['alerting.receivers.chat.channel', '#moe-lab-alerts'],
    ],
    [
      'maintenance window ending before it starts',
      (i) => (i.alerting.maintenanceWindow.end = '01:00'),
      ['alerting.maintenanceWindow.end', 'start must be before end'],
    ],
    [
      'misspelt weekday',
      (i) => (i.alerting.maintenanceWindow.weekdays = ['sundae' as 'sunday']),
      ['alerting.maintenanceWindow.weekdays.0', 'sunday, monday'],
    ],
    ['zero Alertmanager replicas', (i) => (i.alerting.alertmanager.replicas = 0), ['alerting.alertmanager.replicas', 'at least 1']],
    ['memory limit too small for the fleet', (i) => (i.fleet.pods = 20000), ['prometheus.resources.memory.limit', 'active series']],
    // The GPU platform, through the same path: typed ML ConfigMaps, workloads, storage and backups.
    ['amp_dtype float8', (i) => (i.mlConfig.training.amp_dtype = 'float8' as never), ['mlConfig.training.amp_dtype', 'float16, bfloat16']],
    [
      'preload_top_k above the number of experts',
      (i) => (i.mlConfig.inference.expert_cache.preload_top_k = 64),
      ['mlConfig.inference.expert_cache.preload_top_k', 'num_experts'],
    ],
    ['expert cache policy fifo', (i) => (i.mlConfig.inference.expert_cache.policy = 'fifo' as never), ['expert_cache.policy', 'lru, lfu']],
    [
      'capacity factor below 1',
      (i) => (i.mlConfig.router.expert_capacity_factor = 0.5),
      ['mlConfig.router.expert_capacity_factor', 'at least 1'],
    ],
    ['a trainer without a GPU', (i) => (i.workloads.moeTrainer.gpus = 0), ['workloads.moeTrainer.gpus', 'at least 1']],
    [
      'one inference replica in prod',
      (i) => (i.workloads.moeInference.replicas.min = 1),
      ['workloads.moeInference.replicas.min', 'at least 2'],
    ],
    [
      'a backup inside the maintenance window',
      (i) => (i.storage.backups.schedules.postgres = '30 2 * * 0'),
      ['storage.backups.schedules.postgres', 'inside the maintenance window'],
    ],
    [
      'checkpoints on a ReadWriteOnce volume',
      (i) => (i.storage.volumes.checkpoints.accessMode = 'ReadWriteOnce'),
      ['storage.volumes.checkpoints.accessMode', 'ReadWriteMany'],
    ],
    ['a trainer wider than a GPU node', (i) => (i.fleet.gpusPerNode = 4), ['workloads.moeTrainer.gpus', 'a pod cannot span nodes']],
    ['too few GPU nodes for the GPU workloads', (i) => (i.fleet.gpuNodes = 2), ['fleet.gpuNodes', 'at their maximum replicas request']],
    ['an invalid S3 bucket name', (i) => (i.storage.backups.bucket = 'Moe_Backups'), ['storage.backups.bucket', 'S3 bucket name']],
    ['an unknown GPU taint effect', (i) => (i.gpuNodes.taint.effect = 'Sometimes' as never), ['gpuNodes.taint.effect', 'NoSchedule']],
    [
      'more time slices than the device plugin allows',
      (i) => (i.agents.devicePlugin.timeSlicing = { enabled: true, replicas: 64 }),
      ['agents.devicePlugin.timeSlicing.replicas', 'at most 16'],
    ],
  ];

  it.each(badCases)(
    'GIVEN prod with %s WHEN loaded THEN one error names prod, the field and what is allowed',
    (_name, change, fragments) => {
      const problems = problemsOf(['dev', 'staging', 'prod'], prodWith(change));
      expect(problems.length).toBeGreaterThanOrEqual(1);
      const line = problems.find((p) => p.includes(fragments[0]));
      expect(line).toBeDefined();
      expect(line).toMatch(/^environment "prod": /);
      for (const fragment of fragments) expect(line).toContain(fragment);
    },
  );

  it('GIVEN an unknown environment name WHEN loaded THEN the error lists the allowed names', () => {
    expect(problemsOf(['qa'], ENVIRONMENT_INPUTS)).toEqual(['environment "qa": unknown environment; allowed: dev, staging, prod']);
  });

  it('GIVEN problems in two environments WHEN loaded THEN every problem is reported at once', () => {
    const inputs = prodWith((i) => (i.prometheus.replicas = 0));
    inputs.dev = { ...ENVIRONMENT_INPUTS.dev, cluster: { name: 'x', region: 'nowhere' } };
    const problems = problemsOf(['dev', 'staging', 'prod'], inputs);
    expect(problems.some((p) => p.startsWith('environment "dev": cluster.region'))).toBe(true);
    expect(problems.some((p) => p.startsWith('environment "prod": prometheus.replicas'))).toBe(true);
  });

  it('GIVEN one bad environment WHEN synthesizing all THEN nothing at all is written', () => {
    const outDir = tempDir('bad-config');
    try {
      expect(() => synth({ outDir: join(outDir, 'dist'), inputs: prodWith((i) => (i.prometheus.retention = '30x')) })).toThrow(ConfigError);
      expect(existsSync(join(outDir, 'dist'))).toBe(false);
    } finally {
      removeDir(outDir);
    }
  });
});
