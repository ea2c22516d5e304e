import { parser } from '@prometheus-io/lezer-promql';

export interface ExpressionProblem {
  readonly expr: string;
  readonly problem: string;
}

/**
 * Metric names an expression reads: bare selectors (`foo{a="b"}`) and `{__name__="foo"}` matchers.
 * Throws on a syntax error, naming its position.
 */
export function metricNamesIn(expr: string): string[] {
  const names = new Set<string>();
  let syntaxError: number | undefined;
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError && syntaxError === undefined) syntaxError = node.from;
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.add(expr.slice(node.from, node.to));
      if (node.name === 'UnquotedLabelMatcher') {
        const match = /^__name__\s*=\s*"([^"]+)"$/.exec(expr.slice(node.from, node.to));
        if (match) names.add(match[1]);
      }
    },
  });
  if (syntaxError !== undefined) throw new Error(`PromQL syntax error at offset ${syntaxError}: ${expr}`);
  return [...names].sort();
}

/** Every syntax error and every metric not in `known`, one problem each. */
export function checkExpressions(exprs: readonly string[], known: ReadonlySet<string>): ExpressionProblem[] {
  return exprs.flatMap((expr) => {
    try {
      return metricNamesIn(expr)
        .filter((name) => !known.has(name))
        .map((name) => ({ expr, problem: `unknown metric "${name}" (not in the metric catalog)` }));
    } catch (error) {
      return [{ expr, problem: (error as Error).message }];
    }
  });
}
