import { APPS } from '../../contracts/jobs';
import { TRAINING } from '../thresholds';
import type { RuleGroup } from '../types';

const trainer = `app="${APPS.moeTrainer}"`;
const expertTokens = 'namespace_app_expert:moe_lab_expert_tokens:rate5m';
const appTokens = 'namespace_app:moe_lab_expert_tokens:rate5m';
const expertOverflow = 'namespace_app_expert:moe_lab_expert_capacity_overflow_tokens:rate5m';

/** The MoE trainer: loss, throughput, step time, GPU memory and expert balance; and expert routing, which inference shares. */
export const moeTrainingGroups: readonly RuleGroup[] = [
  {
    name: 'moe-training.recording',
    file: 'moe-training',
    rules: [
      {
        record: 'namespace_app:moe_lab_training_tokens_per_second:sum',
        expr: `sum by (namespace, app) (moe_lab_training_tokens_per_second{${trainer}})`,
      },
      {
        record: 'namespace_app:moe_lab_gpu_memory_utilization:max_ratio',
        expr: `max by (namespace, app) (moe_lab_gpu_memory_utilization{${trainer}}) / 100`,
      },
      {
        record: 'namespace_app:moe_lab_expert_utilization_variance:max',
        expr: `max by (namespace, app) (moe_lab_expert_utilization_variance{${trainer}})`,
      },
    ],
  },
  {
    // Trainer and inference pods both route tokens and expose these counters, so the rules select
    // every app that does and keep `app`, so the two never mix. Layers are summed: the result is
    // how much load each expert index gets across the whole model, as the Expert Routing dashboard shows it.
    name: 'moe-routing.recording',
    file: 'moe-training',
    rules: [
      {
        record: expertTokens,
        expr: 'sum by (namespace, app, expert) (rate(moe_lab_expert_tokens_total[5m]))',
      },
      { record: appTokens, expr: `sum by (namespace, app) (${expertTokens})` },
      {
        // No value while the app routes no tokens at all, rather than NaN from 0 / 0.
        record: 'namespace_app_expert:moe_lab_expert_tokens:share_rate5m',
        expr: `${expertTokens} / on (namespace, app) group_left () (${appTokens} > 0)`,
      },
      {
        record: expertOverflow,
        expr: 'sum by (namespace, app, expert) (rate(moe_lab_expert_capacity_overflow_tokens_total[5m]))',
      },
      {
        record: 'namespace_app_expert:moe_lab_expert_capacity_overflow_tokens:ratio_rate5m',
        expr: `${expertOverflow} / (${expertTokens} > 0)`,
      },
      {
        record: 'namespace_app:moe_lab_expert_capacity_overflow_tokens:ratio_rate5m',
        expr: `sum by (namespace, app) (${expertOverflow}) / (${appTokens} > 0)`,
      },
    ],
  },
  {
    name: 'moe-training.alerts',
    file: 'moe-training',
    rules: [
      {
        alert: 'MoETrainingLossHigh',
        // The loss now minus the loss an hour ago; 0 or more means no progress. A job younger than an
        // hour has no sample to compare with, so it cannot fire on its first minutes.
        expr: `moe_lab_training_loss{${trainer}} - moe_lab_training_loss{${trainer}} offset ${TRAINING.lossTrendWindow} >= 0`,
        for: '10m',
        severity: 'warning',
        priority: 'P2',
        scope: 'pod',
        dashboard: 'training',
        summary: 'MoE training loss of {{ $labels.pod }} has not decreased in the last hour',
        description:
          'The training loss of {{ $labels.namespace }}/{{ $labels.pod }} changed by {{ $value | printf "%.3f" }} over the last hour; it should be falling.',
      },
      {
        alert: 'GPUMemoryUsageHigh',
        expr: `moe_lab_gpu_memory_utilization{${trainer}} > ${TRAINING.maxGpuMemoryUtilizationPercent}`,
        for: '5m',
        severity: 'critical',
        priority: 'P0',
        scope: 'pod',
        dashboard: 'training',
        summary: 'GPU memory of {{ $labels.pod }} is almost full',
        description: `GPU memory utilization of {{ $labels.namespace }}/{{ $labels.pod }} is {{ $value }}% (above ${TRAINING.maxGpuMemoryUtilizationPercent}%); the next larger batch will run out of memory.`,
      },
      {
        alert: 'ExpertLoadImbalance',
        expr: `moe_lab_expert_utilization_variance{${trainer}} > ${TRAINING.maxExpertUtilizationVariance}`,
        for: '15m',
        severity: 'warning',
        priority: 'P2',
        scope: 'pod',
        dashboard: 'routing',
        summary: 'Experts of {{ $labels.pod }} are unevenly loaded',
        description: `Expert utilization variance of {{ $labels.namespace }}/{{ $labels.pod }} is {{ $value }} (above ${TRAINING.maxExpertUtilizationVariance}); the router sends most tokens to a few experts.`,
      },
      {
        alert: 'MoETrainingThroughputLow',
        expr: `moe_lab_training_tokens_per_second{${trainer}} < ${TRAINING.minTokensPerSecond}`,
        for: '15m',
        severity: 'warning',
        priority: 'P2',
        scope: 'pod',
        dashboard: 'training',
        summary: 'MoE training throughput of {{ $labels.pod }} is low',
        description: `{{ $labels.namespace }}/{{ $labels.pod }} trains at {{ $value }} tokens/s (below ${TRAINING.minTokensPerSecond}).`,
      },
      {
        alert: 'MoETrainingStepSlow',
        expr: `moe_lab_training_step_duration{${trainer}} > ${TRAINING.maxStepDurationSeconds}`,
        for: '15m',
        severity: 'warning',
        priority: 'P2',
        scope: 'pod',
        dashboard: 'training',
        summary: 'MoE training steps of {{ $labels.pod }} are slow',
        description: `A training step of {{ $labels.namespace }}/{{ $labels.pod }} takes {{ $value }}s (above ${TRAINING.maxStepDurationSeconds}s).`,
      },
    ],
  },
];
