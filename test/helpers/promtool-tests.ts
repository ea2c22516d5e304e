import { stringify } from 'yaml';
import type { AlertLinks } from '../../rules';
import type { RuleTestCase } from '../rules/cases';

/**
 * A promtool unit-test file for `cases`. runbook_url and dashboard_url are spelled out here from
 * the environment's links, independently of the renderer, so a broken link helper fails the test.
 */
export function promtoolTestFile(
  cases: readonly RuleTestCase[],
  ruleFiles: readonly string[],
  links: AlertLinks,
  evaluationInterval: string,
): string {
  return stringify(
    {
      rule_files: [...ruleFiles],
      evaluation_interval: evaluationInterval,
      tests: cases.map((testCase) => ({
        name: testCase.name,
        interval: testCase.interval ?? '1m',
        input_series: testCase.series.map(({ series, values }) => ({ series, values })),
        alert_rule_test: (testCase.alerts ?? []).map(({ alert, at, fires }) => ({
          eval_time: at,
          alertname: alert,
          exp_alerts: fires.map((expected) => ({
            exp_labels: expected.labels,
            exp_annotations: {
              summary: expected.summary,
              description: expected.description,
              runbook_url: `${links.runbookBaseUrl}/${alert}.md`,
              dashboard_url: `${links.grafanaUrl}/d/${expected.dashboard}`,
            },
          })),
        })),
        promql_expr_test: (testCase.expressions ?? []).map(({ expr, at, samples }) => ({
          expr,
          eval_time: at,
          exp_samples: samples.map(({ labels, value }) => ({ labels, value })),
        })),
      })),
    },
    { lineWidth: 0 },
  );
}
