import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { APPS } from '../contracts/jobs';
import { TRAINING } from '../rules/thresholds';
import { heldFor } from './lib/alert-timing';
import { stackDashboard } from './lib/dashboard';
import { statPanel, timeseriesPanel } from './lib/panels';
import { barGaugePanel, heatmapPanel, tablePanel } from './lib/tables';
import { filters, selector } from './lib/variables';

// Trainer and inference pods both route tokens, so the per-expert series keep `app` instead of
// selecting one: the legends tell the two apart, and the namespace variable narrows to one job.
const perApp = (metric: string) => selector(metric, ...filters('cluster', 'namespace'));
const perExpert = (metric: string) => selector(metric, ...filters('cluster', 'namespace', 'expert'));
const expertLegend = '{{namespace}}/{{app}} expert {{expert}}';

const expertTokens = perExpert('namespace_app_expert:moe_lab_expert_tokens:rate5m');
const expertShare = perExpert('namespace_app_expert:moe_lab_expert_tokens:share_rate5m');
const evenShareText = 'An even router gives each of N experts 1/N of the tokens';
// The alert watches the trainer's own variance gauge, so the panels read exactly what it reads.
const trainerVariance = selector('moe_lab_expert_utilization_variance', `app="${APPS.moeTrainer}"`, ...filters('cluster', 'namespace'));
const expertVariance = { value: TRAINING.maxExpertUtilizationVariance, bad: 'above' } as const;
const imbalanceText = `ExpertLoadImbalance fires above ${TRAINING.maxExpertUtilizationVariance} (${heldFor('ExpertLoadImbalance')})`;

// The settings of the router-config ConfigMap, as labels of the info metric.
const routerSettings = 'namespace, app, router_type, top_k, expert_capacity_factor, load_balance_loss_coef';
const routerConfigs = `count by (${routerSettings}) (${perApp('moe_lab_router_config_info')})`;

/** Is the router spreading tokens evenly over the experts, is any expert over capacity, and with which settings? */
export function routingDashboard(): DashboardBuilder {
  return stackDashboard({
    uid: 'routing',
    description: 'MoE expert routing for trainer and inference: load balance, per-expert load, capacity overflow and router settings.',
    tags: ['moe', 'routing'],
    // Only the MoE services expose the routing counter, so its name alone selects the workload.
    variables: { metric: 'moe_lab_expert_tokens_total', labels: ['expert'] },
    rows: [
      {
        title: 'At a glance',
        panels: [
          statPanel({
            title: 'Worst expert imbalance',
            description: `Highest trainer expert utilization variance (recorded per namespace); red where ${imbalanceText}.`,
            unit: 'none',
            queries: [{ expr: `max(${perApp('namespace_app:moe_lab_expert_utilization_variance:max')})` }],
            threshold: expertVariance,
          }),
          statPanel({
            title: 'Tokens routed',
            description: 'Token assignments per second to all experts of the selected apps, over 5 minutes (top-k counts a token k times).',
            unit: 'tokens_per_second',
            queries: [{ expr: `sum(${perApp('namespace_app:moe_lab_expert_tokens:rate5m')})` }],
          }),
          statPanel({
            title: 'Busiest expert share',
            description: `Largest share of its app's tokens that one selected expert receives. ${evenShareText}; far above that, the other experts idle while this one overflows.`,
            unit: 'ratio',
            queries: [{ expr: `max(${expertShare})` }],
          }),
          statPanel({
            title: 'Capacity overflow',
            description:
              'Share of token assignments refused because the expert was full, worst app shown; those tokens were dropped or re-routed. No alert watches it: raise expert_capacity_factor or the load-balance loss if it grows.',
            unit: 'ratio',
            queries: [{ expr: `max(${perApp('namespace_app:moe_lab_expert_capacity_overflow_tokens:ratio_rate5m')})` }],
          }),
        ],
      },
      {
        title: 'Expert balance',
        panels: [
          timeseriesPanel({
            title: 'Expert utilization variance',
            description: `Variance of the token share across experts, per trainer pod. The dashed line is where ${imbalanceText}: the router favours a few experts.`,
            unit: 'none',
            queries: [{ expr: `max by (cluster, namespace, pod) (${trainerVariance})`, legend: '{{namespace}}/{{pod}}' }],
            threshold: expertVariance,
            min: 0,
          }),
          timeseriesPanel({
            title: 'Tokens per second per expert',
            description: 'Token assignments per second to each selected expert, summed over pods and MoE layers, over 5 minutes.',
            unit: 'tokens_per_second',
            queries: [{ expr: expertTokens, legend: expertLegend }],
            min: 0,
          }),
        ],
      },
      {
        title: 'Per-expert load',
        panels: [
          heatmapPanel({
            title: 'Token share per expert over time',
            description: `Each row is an expert, coloured by its share of its app's tokens. ${evenShareText}; a row that stays dark while others fade is a favoured expert.`,
            unit: 'ratio',
            queries: [{ expr: expertShare, legend: expertLegend }],
            width: 16,
          }),
          barGaugePanel({
            title: 'Current token share per expert',
            description: `Latest share of its app's tokens per expert. ${evenShareText}.`,
            unit: 'ratio',
            queries: [{ expr: expertShare, legend: expertLegend }],
            width: 8,
            min: 0,
          }),
        ],
      },
      {
        title: 'Capacity overflow',
        panels: [
          timeseriesPanel({
            title: 'Overflow ratio per expert',
            description:
              "Share of each expert's token assignments it refused at capacity (expert_capacity_factor × its even share of the batch). A persistently overflowing expert is a favoured one; no alert watches this.",
            unit: 'ratio',
            queries: [
              { expr: perExpert('namespace_app_expert:moe_lab_expert_capacity_overflow_tokens:ratio_rate5m'), legend: expertLegend },
            ],
            min: 0,
          }),
          timeseriesPanel({
            title: 'Overflowed tokens per second',
            description:
              'Token assignments per second each expert refused at capacity and dropped or re-routed, summed over pods and layers.',
            unit: 'tokens_per_second',
            queries: [{ expr: perExpert('namespace_app_expert:moe_lab_expert_capacity_overflow_tokens:rate5m'), legend: expertLegend }],
            min: 0,
          }),
        ],
      },
      {
        title: 'Router configuration',
        panels: [
          tablePanel({
            title: 'Router settings in use',
            description:
              'One row per distinct router-config each app runs, with the number of pods on it. Two rows for one app mean a rollout in progress or pods that missed a change.',
            rowLabels: routerSettings.split(', '),
            columns: [{ title: 'Pods', expr: routerConfigs, unit: 'count' }],
            width: 16,
          }),
          timeseriesPanel({
            title: 'Router configs per app',
            description:
              'Distinct router settings in use per app over time: 1 when every pod agrees; a step up and back marks a config rollout.',
            unit: 'count',
            queries: [{ expr: `count by (cluster, namespace, app) (${routerConfigs})`, legend: '{{namespace}}/{{app}}' }],
            width: 8,
            min: 0,
          }),
        ],
      },
    ],
  });
}
