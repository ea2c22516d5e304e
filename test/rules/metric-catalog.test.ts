import { METRIC_CATALOG, catalogByName } from '../../rules/catalog';
import { GLOBAL_RULE_GROUPS, RULE_GROUPS, isRecording } from '../../rules';
import { checkExpressions, metricNamesIn } from '../../rules/promql';
import { buildDashboards } from '../../dashboards';
import { panelExpressions, panelsOf, substituteVariables } from '../../dashboards/lib/expressions';
import { PROD_LINKS, equalityMatchers, selectorsIn } from '../helpers/dashboard-queries';

// The metric names the seed documents use, spelled exactly as there.
const SEED_METRICS = [
  'moe_lab_training_tokens_per_second',
  'moe_lab_training_loss',
  'moe_lab_expert_utilization_variance',
  'moe_lab_gpu_memory_utilization',
  'moe_lab_training_step_duration',
  'moe_lab_inference_latency_p99',
  'moe_lab_inference_requests_per_second',
  'moe_lab_inference_error_rate',
  'moe_lab_expert_cache_hit_rate',
  'moe_lab_model_load_time',
  'node_cpu_utilization',
  'node_memory_utilization',
  'node_disk_utilization',
  'nvidia_gpu_temperature',
  'container_memory_usage',
  'mage_episodes_completed_total',
  'mage_worker_episodes_total',
  'mage_jvm_memory_used_bytes',
  'mage_errors_total',
  'mage_training_loss',
  'mage_optimal_batch_size',
  'mage_current_batch_size',
  'mage_samples_processed_total',
  'mage_gpu_memory_used_bytes',
  'mage_training_updates_total',
  'mage_win_rate',
  'mage_checkpoints_saved_total',
  'container_cpu_usage_seconds_total',
  'container_memory_usage_bytes',
  'kube_pod_container_status_restarts_total',
  'nvidia_gpu_memory_total_bytes',
];

const known = new Set(catalogByName().keys());
// The global Prometheus's rules read and record catalog metrics too.
const allRules = [...RULE_GROUPS, ...GLOBAL_RULE_GROUPS].flatMap((group) => group.rules);
const recordingRules = allRules.filter(isRecording);

/** `metric{label="value"}` for every equality matcher on a label whose values the catalog lists, with a value it does not list. */
function unlistedValues(exprs: readonly string[]): string[] {
  const catalog = catalogByName();
  return exprs.flatMap(selectorsIn).flatMap((selector) => {
    const listed = selector.metric === undefined ? undefined : catalog.get(selector.metric)?.labelValues;
    return Object.entries(equalityMatchers(selector))
      .filter(([label, value]) => listed?.[label] !== undefined && !listed[label].includes(value))
      .map(([label, value]) => `${selector.metric}{${label}="${value}"}`);
  });
}

describe('metric catalog', () => {
  it('GIVEN the seed documents WHEN compared with the catalog THEN every seed metric is listed under its exact name', () => {
    expect(SEED_METRICS.filter((name) => !known.has(name))).toEqual([]);
  });

  it('GIVEN every entry THEN it has a help text, and counters end in _total', () => {
    for (const metric of METRIC_CATALOG) {
      expect([metric.name, metric.help.length > 10]).toEqual([metric.name, true]);
      if (metric.type === 'counter') expect(metric.name).toMatch(/_total$/);
    }
  });

  it('GIVEN a recorded metric in the catalog THEN a recording rule produces it from exactly the metrics the catalog names', () => {
    const recorded = METRIC_CATALOG.filter((m) => m.source === 'recording-rule');
    expect(recorded.length).toBeGreaterThanOrEqual(5);
    for (const metric of recorded) {
      const rule = recordingRules.find((r) => r.record === metric.name);
      expect([metric.name, rule !== undefined]).toEqual([metric.name, true]);
      expect(metricNamesIn(rule!.expr)).toEqual([...(metric.recordedFrom ?? [])].sort());
      for (const source of metric.recordedFrom ?? []) expect(known.has(source)).toBe(true);
    }
  });

  it('GIVEN every rule expression WHEN checked against the catalog THEN no metric is unknown', () => {
    expect(
      checkExpressions(
        allRules.map((r) => r.expr),
        known,
      ),
    ).toEqual([]);
  });

  it('GIVEN every rule and dashboard query THEN a label the catalog enumerates is only ever matched against a listed value', () => {
    const panelExprs = [...buildDashboards(PROD_LINKS).values()].flatMap((board) =>
      panelsOf(board).flatMap((panel) => panelExpressions(panel).map((expr) => substituteVariables(expr))),
    );
    const ruleExprs = RULE_GROUPS.flatMap((group) => group.rules.map((rule) => rule.expr));
    expect(unlistedValues([...ruleExprs, ...panelExprs])).toEqual([]);
    // The check sees the matchers it should: the OOM-kill rules select reason="OOMKilled".
    expect(ruleExprs.flatMap(selectorsIn).some((s) => equalityMatchers(s).reason === 'OOMKilled')).toBe(true);
  });

  it('GIVEN a misspelt enumerated value THEN the same check reports it', () => {
    expect(unlistedValues(['max(kube_pod_container_status_last_terminated_reason{reason="OOMKiled"})'])).toEqual([
      'kube_pod_container_status_last_terminated_reason{reason="OOMKiled"}',
    ]);
  });

  it('GIVEN a duplicate entry THEN the catalog refuses it', () => {
    expect(() => catalogByName([METRIC_CATALOG[0], METRIC_CATALOG[0]])).toThrow(`"${METRIC_CATALOG[0].name}" is listed twice`);
  });
});

describe('PromQL metric checker', () => {
  it('GIVEN selectors in functions, aggregations, binary operators, subqueries and __name__ matchers THEN every metric name is found', () => {
    expect(
      metricNamesIn(
        'sum by (node) (rate(a_total{x="1"}[5m])) / on (node) group_left b + max_over_time(c[1h:1m]) offset 5m or {__name__="d", y="2"}',
      ),
    ).toEqual(['a_total', 'b', 'c', 'd']);
  });

  it('GIVEN label names and function names THEN they are not taken for metrics', () => {
    expect(metricNamesIn('histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))')).toEqual([
      'http_request_duration_seconds_bucket',
    ]);
  });

  it('GIVEN an unknown metric and a syntax error THEN each is reported with its expression', () => {
    const problems = checkExpressions(['moe_lab_training_loss > 1', 'moe_lab_trainig_loss > 1', 'rate(up[5m]'], known);
    expect(problems).toEqual([
      { expr: 'moe_lab_trainig_loss > 1', problem: 'unknown metric "moe_lab_trainig_loss" (not in the metric catalog)' },
      { expr: 'rate(up[5m]', problem: expect.stringContaining('PromQL syntax error') },
    ]);
  });
});
