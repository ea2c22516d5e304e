import { INFERENCE, TRAINER, series } from './targets';
import type { ExpressionExpectation, RuleTestCase } from './types';

const critical = { severity: 'critical', priority: 'P0', scope: 'pod' };
const warning = { severity: 'warning', priority: 'P2', scope: 'pod' };

const TRAINER_1 = { ...TRAINER, pod: 'moe-trainer-1' };
/** The routing counters of one pod for one expert of one MoE layer. */
const routed = (metric: string, pod: typeof TRAINER, expert: string, layer: string) => series(metric, { ...pod, expert, layer });
const tokens = 'moe_lab_expert_tokens_total';
const overflow = 'moe_lab_expert_capacity_overflow_tokens_total';
const trainerApp = 'namespace="moe-lab", app="moe-trainer"';
const inferenceApp = 'namespace="moe-lab", app="moe-inference"';
/** A recorded series read at 10m: every sample as [labels inside the braces, value]. */
const recorded = (record: string, samples: ReadonlyArray<readonly [string, number]>): ExpressionExpectation => ({
  expr: record,
  at: '10m',
  samples: samples.map(([labels, value]) => ({ labels: `${record}{${labels}}`, value })),
});

export const moeTrainingCases: readonly RuleTestCase[] = [
  {
    name: 'MoETrainingLossHigh: a loss stuck at 2.5 for over an hour fires',
    series: [{ series: series('moe_lab_training_loss', TRAINER), values: '2.5x90' }],
    alerts: [
      { alert: 'MoETrainingLossHigh', at: '65m', fires: [] },
      {
        alert: 'MoETrainingLossHigh',
        at: '75m',
        fires: [
          {
            labels: { ...TRAINER, ...warning },
            summary: 'MoE training loss of moe-trainer-0 has not decreased in the last hour',
            description: 'The training loss of moe-lab/moe-trainer-0 changed by 0.000 over the last hour; it should be falling.',
            dashboard: 'training',
          },
        ],
      },
    ],
  },
  {
    name: 'MoETrainingLossHigh: a slowly decreasing loss stays silent',
    series: [{ series: series('moe_lab_training_loss', TRAINER), values: '3-0.01x120' }],
    alerts: [{ alert: 'MoETrainingLossHigh', at: '110m', fires: [] }],
  },
  {
    name: 'GPUMemoryUsageHigh: 95.5 % for 5 minutes fires, 95 % does not',
    series: [
      { series: series('moe_lab_gpu_memory_utilization', TRAINER), values: '95.5x10' },
      { series: series('moe_lab_gpu_memory_utilization', { ...TRAINER, pod: 'moe-trainer-1' }), values: '95x10' },
    ],
    alerts: [
      { alert: 'GPUMemoryUsageHigh', at: '4m', fires: [] },
      {
        alert: 'GPUMemoryUsageHigh',
        at: '6m',
        fires: [
          {
            labels: { ...TRAINER, ...critical },
            summary: 'GPU memory of moe-trainer-0 is almost full',
            description:
              'GPU memory utilization of moe-lab/moe-trainer-0 is 95.5% (above 95%); the next larger batch will run out of memory.',
            dashboard: 'training',
          },
        ],
      },
    ],
  },
  {
    name: 'ExpertLoadImbalance: variance 0.35 fires after 15 minutes, 0.3 does not',
    series: [
      { series: series('moe_lab_expert_utilization_variance', TRAINER), values: '0.35x20' },
      { series: series('moe_lab_expert_utilization_variance', { ...TRAINER, pod: 'moe-trainer-1' }), values: '0.3x20' },
    ],
    alerts: [
      { alert: 'ExpertLoadImbalance', at: '14m', fires: [] },
      {
        alert: 'ExpertLoadImbalance',
        at: '16m',
        fires: [
          {
            labels: { ...TRAINER, ...warning },
            summary: 'Experts of moe-trainer-0 are unevenly loaded',
            description:
              'Expert utilization variance of moe-lab/moe-trainer-0 is 0.35 (above 0.3); the router sends most tokens to a few experts.',
            dashboard: 'routing',
          },
        ],
      },
    ],
  },
  {
    name: 'MoETrainingThroughputLow: 450 tokens/s fires, 500 does not',
    series: [
      { series: series('moe_lab_training_tokens_per_second', TRAINER), values: '450x20' },
      { series: series('moe_lab_training_tokens_per_second', { ...TRAINER, pod: 'moe-trainer-1' }), values: '500x20' },
    ],
    alerts: [
      {
        alert: 'MoETrainingThroughputLow',
        at: '16m',
        fires: [
          {
            labels: { ...TRAINER, ...warning },
            summary: 'MoE training throughput of moe-trainer-0 is low',
            description: 'moe-lab/moe-trainer-0 trains at 450 tokens/s (below 500).',
            dashboard: 'training',
          },
        ],
      },
    ],
  },
  {
    name: 'MoETrainingThroughputLow: a brief dip shorter than 15 minutes stays silent',
    series: [{ series: series('moe_lab_training_tokens_per_second', TRAINER), values: '800x5 100x10 800x10' }],
    alerts: [{ alert: 'MoETrainingThroughputLow', at: '15m', fires: [] }],
  },
  {
    name: 'MoETrainingStepSlow: 12 s steps fire, 10 s steps do not',
    series: [
      { series: series('moe_lab_training_step_duration', TRAINER), values: '12x20' },
      { series: series('moe_lab_training_step_duration', { ...TRAINER, pod: 'moe-trainer-1' }), values: '10x20' },
    ],
    alerts: [
      { alert: 'MoETrainingStepSlow', at: '10m', fires: [] },
      {
        alert: 'MoETrainingStepSlow',
        at: '16m',
        fires: [
          {
            labels: { ...TRAINER, ...warning },
            summary: 'MoE training steps of moe-trainer-0 are slow',
            description: 'A training step of moe-lab/moe-trainer-0 takes 12s (above 10s).',
            dashboard: 'training',
          },
        ],
      },
    ],
  },
  {
    name: 'moe-training recording rules aggregate per training app and turn percentages into ratios',
    series: [
      { series: series('moe_lab_training_tokens_per_second', TRAINER), values: '600x5' },
      { series: series('moe_lab_training_tokens_per_second', { ...TRAINER, pod: 'moe-trainer-1' }), values: '400x5' },
      { series: series('moe_lab_gpu_memory_utilization', TRAINER), values: '80x5' },
      { series: series('moe_lab_gpu_memory_utilization', { ...TRAINER, pod: 'moe-trainer-1' }), values: '90x5' },
      { series: series('moe_lab_expert_utilization_variance', TRAINER), values: '0.1x5' },
      { series: series('moe_lab_expert_utilization_variance', { ...TRAINER, pod: 'moe-trainer-1' }), values: '0.25x5' },
    ],
    expressions: [
      {
        expr: 'namespace_app:moe_lab_training_tokens_per_second:sum',
        at: '2m',
        samples: [{ labels: 'namespace_app:moe_lab_training_tokens_per_second:sum{namespace="moe-lab", app="moe-trainer"}', value: 1000 }],
      },
      {
        expr: 'namespace_app:moe_lab_gpu_memory_utilization:max_ratio',
        at: '2m',
        samples: [{ labels: 'namespace_app:moe_lab_gpu_memory_utilization:max_ratio{namespace="moe-lab", app="moe-trainer"}', value: 0.9 }],
      },
      {
        expr: 'namespace_app:moe_lab_expert_utilization_variance:max',
        at: '2m',
        samples: [{ labels: 'namespace_app:moe_lab_expert_utilization_variance:max{namespace="moe-lab", app="moe-trainer"}', value: 0.25 }],
      },
    ],
  },
  {
    // Counters grow per minute by 60 × the tokens/s given in the comments, so the 5m rates are exact.
    name: 'moe-routing recording rules sum each expert over pods and layers, per app, and divide overflow by assignments',
    series: [
      { series: routed(tokens, TRAINER, '0', '0'), values: '0+600x10' }, // 10/s
      { series: routed(tokens, TRAINER, '0', '1'), values: '0+300x10' }, // 5/s: expert 0 gets 15/s in all
      { series: routed(tokens, TRAINER, '1', '0'), values: '0+900x10' }, // 15/s
      { series: routed(tokens, TRAINER_1, '1', '1'), values: '0+1200x10' }, // 20/s: expert 1 gets 35/s in all
      { series: routed(tokens, INFERENCE, '0', '0'), values: '0+60x10' }, // 1/s, the inference app's only expert
      { series: routed(overflow, TRAINER, '0', '0'), values: '0x10' },
      { series: routed(overflow, TRAINER, '1', '0'), values: '0+180x10' }, // 3/s
      { series: routed(overflow, TRAINER_1, '1', '1'), values: '0+240x10' }, // 4/s: expert 1 refuses 7/s
    ],
    expressions: [
      recorded('namespace_app_expert:moe_lab_expert_tokens:rate5m', [
        [`${trainerApp}, expert="0"`, 15],
        [`${trainerApp}, expert="1"`, 35],
        [`${inferenceApp}, expert="0"`, 1],
      ]),
      recorded('namespace_app:moe_lab_expert_tokens:rate5m', [
        [trainerApp, 50],
        [inferenceApp, 1],
      ]),
      // Shares are per app: the inference app's single expert has all of its tokens.
      recorded('namespace_app_expert:moe_lab_expert_tokens:share_rate5m', [
        [`${trainerApp}, expert="0"`, 0.3],
        [`${trainerApp}, expert="1"`, 0.7],
        [`${inferenceApp}, expert="0"`, 1],
      ]),
      recorded('namespace_app_expert:moe_lab_expert_capacity_overflow_tokens:rate5m', [
        [`${trainerApp}, expert="0"`, 0],
        [`${trainerApp}, expert="1"`, 7],
      ]),
      recorded('namespace_app_expert:moe_lab_expert_capacity_overflow_tokens:ratio_rate5m', [
        [`${trainerApp}, expert="0"`, 0],
        [`${trainerApp}, expert="1"`, 0.2],
      ]),
      // 7 of 50 tokens/s overflow; an average of the experts' ratios would say 10 %.
      recorded('namespace_app:moe_lab_expert_capacity_overflow_tokens:ratio_rate5m', [[trainerApp, 0.14]]),
    ],
  },
  {
    name: 'moe-routing recording rules: an app that routes no tokens gets no share or overflow ratio instead of NaN',
    series: [
      { series: routed(tokens, TRAINER, '0', '0'), values: '0x10' },
      { series: routed(overflow, TRAINER, '0', '0'), values: '0x10' },
    ],
    expressions: [
      recorded('namespace_app_expert:moe_lab_expert_tokens:share_rate5m', []),
      recorded('namespace_app_expert:moe_lab_expert_capacity_overflow_tokens:ratio_rate5m', []),
      recorded('namespace_app:moe_lab_expert_capacity_overflow_tokens:ratio_rate5m', []),
    ],
  },
];
