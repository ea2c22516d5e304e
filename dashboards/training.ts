import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { LOG_JOBS } from '../rules/log-patterns';
import { APPS } from '../contracts/jobs';
import { TRAINING } from '../rules/thresholds';
import { stackDashboard } from './lib/dashboard';
import { appScope, expertRoutingStatistics, gpuMemoryWarnings, logsRow } from './lib/logs';
import { statPanel, timeseriesPanel } from './lib/panels';
import { tablePanel } from './lib/tables';
import { filters, selector } from './lib/variables';

const trainer = [`app="${APPS.moeTrainer}"`, ...filters('cluster', 'namespace', 'pod')];
const trainerMetric = (metric: string) => selector(metric, ...trainer);
const recorded = (metric: string) => selector(metric, ...filters('cluster', 'namespace'));
const byPod = (expr: string) => `max by (cluster, namespace, pod) (${expr})`;
const trainerLogs = appScope(LOG_JOBS.moeLab, [APPS.moeTrainer], '$pod');

const tokensPerSecond = { value: TRAINING.minTokensPerSecond, bad: 'below' } as const;
const stepDuration = { value: TRAINING.maxStepDurationSeconds, bad: 'above' } as const;
const gpuMemoryPercent = { value: TRAINING.maxGpuMemoryUtilizationPercent, bad: 'above' } as const;
const expertVariance = { value: TRAINING.maxExpertUtilizationVariance, bad: 'above' } as const;
// MoETrainingLossHigh fires when the loss is no lower than an hour ago: a change of 0 or more.
const lossTrend = { value: 0, bad: 'above' } as const;
const lossChange = `${trainerMetric('moe_lab_training_loss')} - ${trainerMetric('moe_lab_training_loss')} offset ${TRAINING.lossTrendWindow}`;

/** Is MoE training making progress at the expected speed, and if not, which job is behind? */
export function trainingDashboard(): DashboardBuilder {
  return stackDashboard({
    uid: 'training',
    description: 'MoE training health: throughput, loss, step time, GPU memory and expert balance per trainer pod.',
    tags: ['moe', 'training'],
    variables: { metric: 'moe_lab_training_tokens_per_second', matchers: [`app="${APPS.moeTrainer}"`], labels: ['pod'] },
    rows: [
      {
        title: 'At a glance',
        panels: [
          statPanel({
            title: 'Total throughput',
            description:
              'Tokens per second summed over the trainers of the selected namespaces (recorded per namespace, so the pod filter does not apply).',
            unit: 'tokens_per_second',
            queries: [{ expr: `sum(${recorded('namespace_app:moe_lab_training_tokens_per_second:sum')})` }],
          }),
          statPanel({
            title: 'Slowest trainer',
            description: `Lowest per-pod throughput; red below ${TRAINING.minTokensPerSecond} tokens/s, where MoETrainingThroughputLow fires.`,
            unit: 'tokens_per_second',
            queries: [{ expr: `min(${trainerMetric('moe_lab_training_tokens_per_second')})` }],
            threshold: tokensPerSecond,
          }),
          statPanel({
            title: 'Highest GPU memory',
            description: `Fullest trainer GPU memory (recorded per namespace); red above ${TRAINING.maxGpuMemoryUtilizationPercent} %, where GPUMemoryUsageHigh pages.`,
            unit: 'ratio',
            queries: [{ expr: `max(${recorded('namespace_app:moe_lab_gpu_memory_utilization:max_ratio')})` }],
            threshold: { value: TRAINING.maxGpuMemoryUtilizationPercent / 100, bad: 'above' },
          }),
          statPanel({
            title: 'Worst expert imbalance',
            description: `Highest expert utilization variance (recorded per namespace); red above ${TRAINING.maxExpertUtilizationVariance}, where ExpertLoadImbalance fires.`,
            unit: 'none',
            queries: [{ expr: `max(${recorded('namespace_app:moe_lab_expert_utilization_variance:max')})` }],
            threshold: expertVariance,
          }),
        ],
      },
      {
        title: 'Throughput',
        panels: [
          timeseriesPanel({
            title: 'Tokens per second',
            description: `Training throughput per trainer pod. Below the dashed ${TRAINING.minTokensPerSecond} tokens/s line the job is stalled or starved of data.`,
            unit: 'tokens_per_second',
            queries: [{ expr: byPod(trainerMetric('moe_lab_training_tokens_per_second')), legend: '{{namespace}}/{{pod}}' }],
            threshold: tokensPerSecond,
            min: 0,
          }),
          timeseriesPanel({
            title: 'Step duration',
            description: `Wall-clock time of the last training step per pod; above ${TRAINING.maxStepDurationSeconds} s MoETrainingStepSlow fires (look for stragglers or data-loader stalls).`,
            unit: 'seconds',
            queries: [{ expr: byPod(trainerMetric('moe_lab_training_step_duration')), legend: '{{namespace}}/{{pod}}' }],
            threshold: stepDuration,
            min: 0,
          }),
        ],
      },
      {
        title: 'Convergence',
        panels: [
          timeseriesPanel({
            title: 'Training loss',
            description: 'Current loss per trainer pod; it should fall over hours.',
            unit: 'none',
            queries: [{ expr: byPod(trainerMetric('moe_lab_training_loss')), legend: '{{namespace}}/{{pod}}' }],
          }),
          timeseriesPanel({
            title: `Loss change over ${TRAINING.lossTrendWindow}`,
            description: `Loss now minus the loss ${TRAINING.lossTrendWindow} ago. At 0 or above the loss is not decreasing, and MoETrainingLossHigh fires after 10 minutes.`,
            unit: 'none',
            queries: [{ expr: byPod(lossChange), legend: '{{namespace}}/{{pod}}' }],
            threshold: lossTrend,
          }),
        ],
      },
      {
        title: 'GPU memory and experts',
        panels: [
          timeseriesPanel({
            title: 'GPU memory utilization',
            description: `GPU memory in use per trainer pod; above ${TRAINING.maxGpuMemoryUtilizationPercent} % the next larger batch runs out of memory.`,
            unit: 'percent',
            queries: [{ expr: byPod(trainerMetric('moe_lab_gpu_memory_utilization')), legend: '{{namespace}}/{{pod}}' }],
            threshold: gpuMemoryPercent,
            min: 0,
            max: 100,
          }),
          timeseriesPanel({
            title: 'Expert utilization variance',
            description: `Variance of the token share across experts per pod; above ${TRAINING.maxExpertUtilizationVariance} the router favours a few experts. Details on Expert Routing.`,
            unit: 'none',
            queries: [{ expr: byPod(trainerMetric('moe_lab_expert_utilization_variance')), legend: '{{namespace}}/{{pod}}' }],
            threshold: expertVariance,
            min: 0,
          }),
        ],
      },
      {
        title: 'Per-job breakdown',
        panels: [
          tablePanel({
            title: 'Trainer pods',
            description: 'Latest values per trainer pod, coloured red where an alert threshold is crossed.',
            rowLabels: ['namespace', 'pod'],
            columns: [
              {
                title: 'Tokens/s',
                expr: byPod(trainerMetric('moe_lab_training_tokens_per_second')),
                unit: 'tokens_per_second',
                threshold: tokensPerSecond,
              },
              { title: 'Loss', expr: byPod(trainerMetric('moe_lab_training_loss')), unit: 'none' },
              { title: `Loss change ${TRAINING.lossTrendWindow}`, expr: byPod(lossChange), unit: 'none', threshold: lossTrend },
              {
                title: 'Step duration',
                expr: byPod(trainerMetric('moe_lab_training_step_duration')),
                unit: 'seconds',
                threshold: stepDuration,
              },
              {
                title: 'GPU memory',
                expr: byPod(trainerMetric('moe_lab_gpu_memory_utilization')),
                unit: 'percent',
                threshold: gpuMemoryPercent,
              },
              {
                title: 'Expert variance',
                expr: byPod(trainerMetric('moe_lab_expert_utilization_variance')),
                unit: 'none',
                threshold: expertVariance,
              },
            ],
          }),
        ],
      },
      logsRow(trainerLogs, { extra: [gpuMemoryWarnings(trainerLogs), expertRoutingStatistics(trainerLogs)] }),
    ],
  });
}
