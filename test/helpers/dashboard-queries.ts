// What the dashboard tests read out of the built dashboards: panels, their PromQL, template
// variables and threshold steps. Shared by the static checks, the threshold test and the e2e test.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { parser } from '@prometheus-io/lezer-promql';
import { loadEnvironments } from '../../config';
import { buildDashboards, type DashboardUid } from '../../dashboards';
import { panelsOf } from '../../dashboards/lib/expressions';
import type { AlertLinks } from '../../rules/types';

/** The links of one real environment, so runbook URLs look as they do in production. */
export const PROD_LINKS: AlertLinks = loadEnvironments(['prod'])[0].alerting;

export interface PanelCase {
  readonly uid: DashboardUid;
  readonly panel: dashboard.Panel;
  /** `<uid> / <panel title>`: how a failing panel is named in test output. */
  readonly name: string;
}

/** Every non-row panel of every built dashboard. */
export function panelCases(built: ReadonlyMap<DashboardUid, dashboard.Dashboard> = buildDashboards(PROD_LINKS)): PanelCase[] {
  return [...built].flatMap(([uid, board]) =>
    panelsOf(board).map((panel) => ({ uid, panel, name: `${uid} / ${panel.title ?? '(untitled)'}` })),
  );
}

/** The template variables of a dashboard, in the order Grafana resolves them. */
export const variablesOf = (board: dashboard.Dashboard): dashboard.VariableModel[] => board.templating?.list ?? [];

/** A query variable's PromQL text, whichever of Grafana's two shapes (string or object) it uses. */
export function variableQuery(variable: dashboard.VariableModel): string {
  const query = variable.query;
  if (typeof query === 'string') return query;
  return typeof query?.query === 'string' ? query.query : '';
}

export interface LabelValuesQuery {
  /** The series selector the values are listed from; undefined for `label_values(label)`. */
  readonly selector?: string;
  readonly label: string;
}

/** Parses Grafana's `label_values(<selector>, <label>)` (or `label_values(<label>)`); undefined for anything else. */
export function parseLabelValues(query: string): LabelValuesQuery | undefined {
  const match = /^\s*label_values\(\s*(?:(.+?)\s*,\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/s.exec(query);
  if (!match) return undefined;
  return { selector: match[1], label: match[2] };
}

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
}

export interface Selector {
  /** Undefined for a selector with only label matchers and no `__name__`. */
  readonly metric?: string;
  readonly matchers: readonly LabelMatcher[];
  /** The selector as written, e.g. `up{job="x"}`. */
  readonly text: string;
}

/** A PromQL string literal's value: double and single quotes take escapes, backticks are raw. */
function unquote(literal: string): string {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  if (literal.startsWith("'")) return JSON.parse(`"${literal.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
  return JSON.parse(literal) as string;
}

/** Every vector selector of an expression with its label matchers (`__name__="x"` becomes the metric). */
export function selectorsIn(expr: string): Selector[] {
  const selectors: Selector[] = [];
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.name !== 'VectorSelector') continue;
    const node = cursor.node;
    const matchers: LabelMatcher[] = [];
    const identifier = node.getChild('Identifier');
    let metric = identifier ? expr.slice(identifier.from, identifier.to) : undefined;
    for (const matcher of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
      const name = matcher.getChild('LabelName');
      const op = matcher.getChild('MatchOp');
      const value = matcher.getChild('StringLiteral');
      if (!name || !op || !value) continue;
      const parsed = {
        label: expr.slice(name.from, name.to),
        op: expr.slice(op.from, op.to) as MatchOp,
        value: unquote(expr.slice(value.from, value.to)),
      };
      if (parsed.label === '__name__' && parsed.op === '=') metric = parsed.value;
      else matchers.push(parsed);
    }
    selectors.push({ metric, matchers, text: expr.slice(node.from, node.to) });
  } while (cursor.next());
  return selectors;
}

/** The label values a selector requires with `label="value"`, keyed by label. */
export const equalityMatchers = (selector: Selector): Record<string, string> =>
  Object.fromEntries(selector.matchers.filter((m) => m.op === '=').map((m) => [m.label, m.value]));

/** A panel's threshold steps: the defaults and every override's (table columns), each list as Grafana stores it. */
export function thresholdStepsOf(panel: dashboard.Panel): dashboard.Threshold[][] {
  const config = panel.fieldConfig;
  const lists: dashboard.Threshold[][] = [];
  if (config?.defaults?.thresholds?.steps) lists.push(config.defaults.thresholds.steps);
  for (const override of config?.overrides ?? []) {
    for (const property of override.properties) {
      if (property.id === 'thresholds') lists.push((property.value as dashboard.ThresholdsConfig).steps);
    }
  }
  return lists;
}

/** The numbers a panel colours at; `null` (the base step) is not a threshold. */
export const thresholdValuesOf = (panel: dashboard.Panel): number[] =>
  thresholdStepsOf(panel).flatMap((steps) => steps.map((step) => step.value).filter((value): value is number => typeof value === 'number'));
