import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { APPS, JOBS } from '../contracts/jobs';
import type { MetricUnit } from '../rules/catalog';
import { LOG_JOBS } from '../rules/log-patterns';
import { KUBERNETES, MAGE } from '../rules/thresholds';
import { stackDashboard } from './lib/dashboard';
import { appScope, logsRow } from './lib/logs';
import { statPanel, timeseriesPanel, type Threshold } from './lib/panels';
import { tablePanel } from './lib/tables';
import { filterBy, filters, selector, type NamedFilter } from './lib/variables';

// Separate worker and learner variables: one `pod` variable would empty the worker panels whenever a learner is picked.
const WORKER: NamedFilter = { name: 'worker', label: 'pod', text: 'Worker', matchers: [`app="${APPS.mageWorker}"`] };
const LEARNER: NamedFilter = { name: 'learner', label: 'pod', text: 'Learner', matchers: [`app="${APPS.mageLearner}"`] };
const workerFilters = [...filters('cluster', 'namespace'), filterBy(WORKER)];
const learnerFilters = [...filters('cluster', 'namespace'), filterBy(LEARNER)];
/** Both selections; with one of them at All this keeps every pod, so every query using it also joins on `magePods`. */
const podFilters = [...filters('cluster', 'namespace'), `pod=~"$${WORKER.name}|$${LEARNER.name}"`];
const worker = (metric: string, ...matchers: string[]) => selector(metric, ...WORKER.matchers, ...matchers, ...workerFilters);
const learner = (metric: string, ...matchers: string[]) => selector(metric, ...LEARNER.matchers, ...matchers, ...learnerFilters);
/** Filtered by the variables only: for metrics both apps expose, or that carry no `app` label (cAdvisor). */
const pods = (metric: string) => selector(metric, ...podFilters);
/** Recorded per namespace and app, so the pod filter does not apply. */
const recorded = (metric: string) => selector(metric, ...filters('cluster', 'namespace'));
const byPod = (expr: string) => `max by (cluster, namespace, pod) (${expr})`;
const rate5m = (series: string) => `rate(${series}[5m])`;
const podLegend = '{{namespace}}/{{pod}}';
/** One query whose series are pods. */
const perPod = (expr: string) => [{ expr, legend: podLegend }];
const mageLogs = appScope(LOG_JOBS.mage, [APPS.mageWorker, APPS.mageLearner], `$${WORKER.name}|$${LEARNER.name}`);

// cAdvisor series carry no `app` label, and the variables' All value `.*` matches every pod of every
// namespace: joining with the Mage targets' `up` keeps only Mage pods.
const magePods = `group by (cluster, namespace, pod) (${worker('up')} or ${learner('up')})`;
const ofMagePods = (expr: string) => `${expr} and on (cluster, namespace, pod) ${magePods}`;
const cadvisorContainers = [`job="${JOBS.cadvisor}"`, 'container!=""', 'container!="POD"', ...podFilters];

const episodeRate = { value: MAGE.minEpisodesPerSecond, bad: 'below' } as const;
const gpuMemoryRatio = { value: MAGE.maxLearnerGpuMemoryRatio, bad: 'above' } as const;
const lossIncrease = { value: MAGE.maxLossIncrease, bad: 'above' } as const;
const memoryLimitRatio = { value: KUBERNETES.maxMemoryLimitRatio, bad: 'above' } as const;
// increase() of an integer counter that moved at all is at least 1 (extrapolation only scales it up),
// so "1 or more" is exactly the alerts' "> 0" and "below 1" exactly CheckpointsStale's "== 0".
const anyFailure: Threshold = { value: 1, bad: 'above' };
const noCheckpoint: Threshold = { value: 1, bad: 'below' };

const episodesPerWorker = byPod(rate5m(worker('mage_episodes_completed_total')));
const lossChange = `${learner('mage_training_loss')} - ${learner('mage_training_loss')} offset ${MAGE.lossDivergenceWindow}`;
const checkpointsSaved = byPod(`increase(${learner('mage_checkpoints_saved_total')}[${MAGE.maxCheckpointAge}])`);
const errorsPerPod = ofMagePods(`sum by (cluster, namespace, pod) (${rate5m(pods('mage_errors_total'))})`);
const errorsByType = `sum by (cluster, namespace, app, component, type) (${recorded('namespace_app_component_type:mage_errors:rate5m')})`;
const failuresIn = (series: string, window: string) => `sum by (cluster, namespace, pod) (increase(${series}[${window}]))`;
const bridgeFailures = failuresIn(worker('mage_errors_total', 'component="python_bridge"'), MAGE.bridgeErrorWindow);
const checkpointSaveFailures = failuresIn(learner('mage_errors_total', 'type="checkpoint_save"'), MAGE.checkpointErrorWindow);
const cpuPerPod = ofMagePods(
  `sum by (cluster, namespace, pod) (${rate5m(selector('container_cpu_usage_seconds_total', ...cadvisorContainers))})`,
);

const pct = (ratio: number) => `${ratio * 100} %`;

/** One number for the whole selection, a sixth of a row wide. */
const glance = (title: string, unit: MetricUnit, expr: string, description: string, threshold?: Threshold) =>
  statPanel({ title, description, unit, width: 4, queries: [{ expr }], threshold });

/** Totals from the per-namespace recording rules, and the best win rate. */
function atAGlance() {
  return [
    glance(
      'Episodes per second',
      'episodes_per_second',
      `sum(${recorded('namespace_app:mage_episodes_completed:rate5m')})`,
      'Self-play episodes completed per second by the workers of the selected namespaces (recorded per namespace, 5m rate; the worker filter does not apply).',
    ),
    glance(
      'Samples per second',
      'samples_per_second',
      `sum(${recorded('namespace_app:mage_samples_processed:rate5m')})`,
      'Training samples consumed per second by the learners of the selected namespaces (recorded per namespace, 5m rate; the learner filter does not apply).',
    ),
    glance(
      'Updates per second',
      'updates_per_second',
      `sum(${recorded('namespace_app:mage_training_updates:rate5m')})`,
      'Optimizer updates applied per second by the learners of the selected namespaces (recorded per namespace, 5m rate; the learner filter does not apply).',
    ),
    glance(
      'Win rate',
      'ratio',
      `max(${ofMagePods(byPod(pods('mage_win_rate')))})`,
      'Best win rate of the current policy against the evaluation pool, 0–1; it should rise as training progresses.',
    ),
    glance(
      'Fullest learner GPU',
      'ratio',
      `max(${recorded('namespace_app:mage_gpu_memory_utilization:max_ratio')})`,
      `GPU memory of the fullest learner, as a ratio of its GPU's framebuffer; red above ${pct(MAGE.maxLearnerGpuMemoryRatio)}, where HighGPUMemoryUsage fires.`,
      gpuMemoryRatio,
    ),
    glance(
      'Errors per second',
      'errors_per_second',
      `sum(${recorded('namespace_app_component_type:mage_errors:rate5m')})`,
      'Errors per second of the workers and learners of the selected namespaces, all components and types (recorded per namespace, 5m rate; the pod filters do not apply).',
    ),
  ];
}

type SeriesSpec = Parameters<typeof timeseriesPanel>[0];
/** Time series of values that cannot go negative (rates, bytes, counts), half, a third or a quarter of a row wide. */
const half = (spec: SeriesSpec) => timeseriesPanel({ width: 12, min: 0, ...spec });
const third = (spec: SeriesSpec) => timeseriesPanel({ width: 8, min: 0, ...spec });
const quarter = (spec: SeriesSpec) => timeseriesPanel({ width: 6, min: 0, ...spec });

/** Are the Mage RL workers producing episodes and the GPU learners learning from them? */
export function mageTrainingDashboard(): DashboardBuilder {
  return stackDashboard({
    uid: 'mage-training',
    description:
      'Mage AI reinforcement learning: self-play episode generation by the workers, loss, throughput and GPU memory of the learners, pod resources and errors.',
    tags: ['mage', 'training'],
    variables: { metric: 'up', matchers: [`app=~"${APPS.mageWorker}|${APPS.mageLearner}"`], labels: [WORKER, LEARNER] },
    rows: [
      { title: 'At a glance', panels: atAGlance() },
      {
        title: 'Episode Generation Rate',
        panels: [
          half({
            title: 'Episodes completed per worker',
            description: `Self-play episodes each worker completes per second (5m rate). Below the dashed ${MAGE.minEpisodesPerSecond} episodes/s line for 15 minutes, LowEpisodeGenerationRate fires: the worker is stuck or starved of CPU.`,
            unit: 'episodes_per_second',
            queries: perPod(episodesPerWorker),
            threshold: episodeRate,
          }),
          half({
            title: 'Episodes generated by game runners',
            description:
              'Episodes generated per second by the game runners of each worker (5m rate), as the game engine counts them; compare with the completed rate on the left. No alert watches this signal.',
            unit: 'episodes_per_second',
            queries: perPod(`sum by (cluster, namespace, pod) (${rate5m(worker('mage_worker_episodes_total'))})`),
          }),
        ],
      },
      {
        title: 'Training Loss Trends',
        panels: [
          // Policy-gradient losses can be negative, so the loss panels have no floor.
          timeseriesPanel({
            width: 8,
            title: 'Training loss',
            description: 'Current loss per learner; over hours it should fall.',
            unit: 'none',
            queries: perPod(byPod(learner('mage_training_loss'))),
          }),
          timeseriesPanel({
            width: 8,
            title: `Loss change over ${MAGE.lossDivergenceWindow}`,
            description: `Loss now minus the loss ${MAGE.lossDivergenceWindow} ago per learner. Above the dashed ${MAGE.maxLossIncrease} line for 5 minutes, TrainingLossDivergence fires: lower the learning rate or roll back to the last checkpoint.`,
            unit: 'none',
            queries: perPod(byPod(lossChange)),
            threshold: lossIncrease,
          }),
          third({
            title: 'Win rate',
            description:
              'Win rate of the current policy against the evaluation pool, 0–1; a falling win rate with a falling loss points at overfitting to self-play.',
            unit: 'ratio',
            queries: perPod(ofMagePods(byPod(pods('mage_win_rate')))),
            max: 1,
          }),
        ],
      },
      {
        title: 'Learner Progress',
        panels: [
          third({
            title: 'Samples processed per learner',
            description:
              'Training samples each learner consumes per second (5m rate); a drop with steady episode generation means the learner, not the workers, is the bottleneck.',
            unit: 'samples_per_second',
            queries: perPod(byPod(rate5m(learner('mage_samples_processed_total')))),
          }),
          third({
            title: 'Updates per learner',
            description: 'Optimizer updates each learner applies per second (5m rate).',
            unit: 'updates_per_second',
            queries: perPod(byPod(rate5m(learner('mage_training_updates_total')))),
          }),
          third({
            title: `Checkpoints saved in ${MAGE.maxCheckpointAge}`,
            description: `Checkpoints each learner saved within the last ${MAGE.maxCheckpointAge}. Red below 1: no checkpoint for ${MAGE.maxCheckpointAge}, where CheckpointsStale fires and a crash would lose that much training.`,
            unit: 'checkpoints',
            queries: perPod(checkpointsSaved),
            threshold: noCheckpoint,
          }),
        ],
      },
      {
        title: 'GPU Memory',
        panels: [
          third({
            title: 'VRAM used per learner',
            description: 'GPU memory each learner holds, as the learner reports it.',
            unit: 'bytes',
            queries: perPod(byPod(learner('mage_gpu_memory_used_bytes'))),
          }),
          third({
            title: 'VRAM of the fullest learner vs its GPU',
            description: `GPU memory of the fullest learner per namespace, as a ratio of its GPU's framebuffer (recorded). Above the dashed ${pct(MAGE.maxLearnerGpuMemoryRatio)} line for 5 minutes, HighGPUMemoryUsage fires: a larger batch will run out of memory.`,
            unit: 'ratio',
            queries: [
              {
                expr: `max by (cluster, namespace) (${recorded('namespace_app:mage_gpu_memory_utilization:max_ratio')})`,
                legend: '{{namespace}}',
              },
            ],
            threshold: gpuMemoryRatio,
            max: 1,
          }),
          third({
            title: 'Batch size: optimal vs current',
            description:
              'The batch size each learner computed as optimal for its GPU memory, next to the one it uses; current above optimal risks running out of GPU memory, well below it wastes the GPU.',
            unit: 'count',
            queries: [
              { expr: byPod(learner('mage_optimal_batch_size')), legend: `${podLegend} optimal` },
              { expr: byPod(learner('mage_current_batch_size')), legend: `${podLegend} current` },
            ],
          }),
        ],
      },
      {
        title: 'System Resources',
        panels: [
          quarter({
            title: 'CPU per pod',
            description:
              'CPU cores used by the containers of each Mage pod (cAdvisor, 5m rate); workers pinned at their CPU limit generate episodes slowly.',
            unit: 'cores',
            queries: perPod(cpuPerPod),
          }),
          quarter({
            title: 'Memory working set per pod',
            description: 'Working-set memory of the containers of each Mage pod: what the OOM killer compares with the limit.',
            unit: 'bytes',
            queries: perPod(ofMagePods(`sum by (cluster, namespace, pod) (${pods('container_memory_usage')})`)),
          }),
          quarter({
            title: 'Memory vs limit',
            description: `Working set of each pod's fullest container as a ratio of its memory limit. Above the dashed ${pct(KUBERNETES.maxMemoryLimitRatio)} line for 15 minutes, ContainerMemoryNearLimit fires; at the limit the container is OOM-killed.`,
            unit: 'ratio',
            queries: perPod(ofMagePods(byPod(pods('namespace_pod_container:container_memory_usage:limit_ratio')))),
            threshold: memoryLimitRatio,
          }),
          quarter({
            title: 'JVM memory per worker',
            description: 'Memory the Java game engine of each worker uses, by JVM memory area; a heap that only grows points at a leak.',
            unit: 'bytes',
            queries: [
              { expr: `max by (cluster, namespace, pod, area) (${worker('mage_jvm_memory_used_bytes')})`, legend: `${podLegend} {{area}}` },
            ],
          }),
        ],
      },
      {
        title: 'Error Rate Analysis',
        panels: [
          half({
            title: 'Errors by component and type',
            description:
              'Errors per second of workers and learners by component and type (recorded, 5m rate): python_bridge errors are Java↔Python bridge failures, checkpoint_save failed checkpoint writes.',
            unit: 'errors_per_second',
            queries: [{ expr: errorsByType, legend: '{{namespace}} {{app}}: {{component}}/{{type}}' }],
          }),
          quarter({
            title: `Bridge failures per worker (${MAGE.bridgeErrorWindow})`,
            description: `Java↔Python bridge failures of each worker within ${MAGE.bridgeErrorWindow}, all types. Red from 1: failures recurring for 10 minutes fire PythonBridgeErrors; every failure loses an episode.`,
            unit: 'errors',
            queries: perPod(bridgeFailures),
            threshold: anyFailure,
          }),
          quarter({
            title: `Checkpoint save failures (${MAGE.checkpointErrorWindow})`,
            description: `Failed checkpoint saves of each learner within ${MAGE.checkpointErrorWindow}. Red from 1: any failure fires CheckpointFailures at once.`,
            unit: 'errors',
            queries: perPod(checkpointSaveFailures),
            threshold: anyFailure,
          }),
        ],
      },
      {
        title: 'Throughput Table',
        panels: [
          tablePanel({
            title: 'Per-pod throughput',
            description: `Latest 5m rates per Mage pod: episodes/s for workers (red below ${MAGE.minEpisodesPerSecond}, where LowEpisodeGenerationRate fires), samples/s and updates/s for learners, errors/s for both.`,
            rowLabels: ['namespace', 'pod'],
            columns: [
              { title: 'Episodes/s', expr: episodesPerWorker, unit: 'episodes_per_second', threshold: episodeRate },
              { title: 'Samples/s', expr: byPod(rate5m(learner('mage_samples_processed_total'))), unit: 'samples_per_second' },
              { title: 'Updates/s', expr: byPod(rate5m(learner('mage_training_updates_total'))), unit: 'updates_per_second' },
              { title: 'Errors/s', expr: errorsPerPod, unit: 'errors_per_second' },
            ],
          }),
        ],
      },
      logsRow(mageLogs),
    ],
  });
}
