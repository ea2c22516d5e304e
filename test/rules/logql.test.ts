// Every LogQL query of every dashboard, read from the rendered JSON: it parses as Loki reads it, selects
// streams only by the labels Fluent Bit sets and filters lines only by a failure pattern or a seed
// literal; the Logs rows show one panel per pattern, linked to the runbook of the pattern's alert.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { parser } from '@grafana/lezer-logql';
import type { SyntaxNode } from '@lezer/common';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { loadEnvironments } from '../../config';
import { renderEnvironment } from '../../constructs/assembly/render';
import { buildDashboards, renderDashboards, type DashboardUid } from '../../dashboards';
import { logqlExpressions, panelExpressions, panelsOf, substituteVariables } from '../../dashboards/lib/expressions';
import { logqlString, logsRow, patternLogsPanel, regexFilter, streamSelector, type LogScope } from '../../dashboards/lib/logs';
import { LOG_JOBS, LOG_PATTERNS, LOKI_STREAM_LABELS, type LogJob, type LogPatternId } from '../../rules/log-patterns';
import { metricNamesIn } from '../../rules/promql';
import { runbookUrl } from '../../rules/render';
import { PROD_LINKS, parseLabelValues, variableQuery, variablesOf } from '../helpers/dashboard-queries';

/** Go's strconv.Unquote, as Loki's lexer applies it to every string literal; throws where Loki would. */
function goUnquote(literal: string): string {
  if (literal.length >= 2 && literal.startsWith('`') && literal.endsWith('`')) return literal.slice(1, -1).replace(/\r/g, '');
  if (literal.length < 2 || !literal.startsWith('"') || !literal.endsWith('"')) throw new Error(`not a string literal: ${literal}`);
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };
  const digits = (text: string, n: number, radix: number, re: RegExp) => {
    if (text.length !== n || !re.test(text)) throw new Error(`invalid escape in ${literal}`);
    return String.fromCodePoint(parseInt(text, radix));
  };
  let out = '';
  for (let i = 1; i < literal.length - 1; i++) {
    const c = literal[i];
    if (c === '"' || c === '\n') throw new Error(`unescaped ${JSON.stringify(c)} in ${literal}`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = literal[++i];
    if (e in simple) out += simple[e];
    else if (e === 'x') out += digits(literal.slice(i + 1, (i += 2) + 1), 2, 16, /^[0-9a-f]+$/i);
    else if (e === 'u') out += digits(literal.slice(i + 1, (i += 4) + 1), 4, 16, /^[0-9a-f]+$/i);
    else if (e === 'U') out += digits(literal.slice(i + 1, (i += 8) + 1), 8, 16, /^[0-9a-f]+$/i);
    else if (/[0-7]/.test(e)) out += digits(literal.slice(i, (i += 2) + 1), 3, 8, /^[0-7]+$/);
    else throw new Error(`invalid escape \\${e} in ${literal}`);
  }
  return out;
}

// Loki's RangeAggregationExpr.validate(): which range functions take `by`, and which need `| unwrap`.
const GROUPABLE = ['avg_over_time', 'stddev_over_time', 'stdvar_over_time', 'quantile_over_time', 'max_over_time', 'min_over_time'];
const WITHOUT_UNWRAP = ['rate', 'count_over_time', 'bytes_rate', 'bytes_over_time', 'absent_over_time'];

interface Parsed {
  /** Syntax errors, invalid string literals, range aggregations Loki rejects, unsubstituted variables. */
  readonly problems: string[];
  readonly matchers: Array<{ label: string; op: string; value: string }>;
  /** `<op> <value>`, e.g. `|~ <regex>`, in pipeline order. */
  readonly lineFilters: Array<{ op: string; value: string }>;
  readonly parsers: string[];
  /** e.g. `sum by (app) (rate)`; empty for a log query. */
  readonly aggregation: string;
}

/** Reads a query as Loki would, after Grafana substituted `values` (other variables: All, intervals: their step). */
function parseLogql(query: string, values: Readonly<Record<string, string>> = {}): Parsed {
  const text = substituteVariables(query, values);
  const at = (node: SyntaxNode) => text.slice(node.from, node.to);
  const problems = text.includes('$') ? [`unsubstituted variable in ${text}`] : [];
  const unquote = (node: SyntaxNode | null) => {
    try {
      return node ? goUnquote(at(node)) : '';
    } catch (error) {
      problems.push((error as Error).message);
      return '';
    }
  };
  const parsed: Parsed = { problems, matchers: [], lineFilters: [], parsers: [], aggregation: '' };
  const aggregations: string[] = [];
  parser.parse(text).iterate({
    enter: ({ type, node }) => {
      if (type.isError) problems.push(`syntax error at ${node.from}: «${text.slice(node.from, node.from + 20)}» in ${text}`);
      if (type.name === 'String' && !['Matcher', 'LineFilter'].includes(node.parent?.name ?? '')) unquote(node);
      if (type.name === 'Matcher') {
        const op = node.getChild('Eq') ?? node.getChild('Neq') ?? node.getChild('Re') ?? node.getChild('Nre');
        const name = node.getChild('Identifier');
        parsed.matchers.push({ label: name ? at(name) : '', op: op ? at(op) : '', value: unquote(node.getChild('String')) });
      }
      if (type.name === 'LineFilter')
        parsed.lineFilters.push({ op: at(node.getChild('Filter') ?? node), value: unquote(node.getChild('String')) });
      if (type.name === 'LabelParser' || type.name === 'JsonExpressionParser' || type.name === 'LogfmtParser')
        parsed.parsers.push(at(node).split(/\s/)[0]);
      if (type.name === 'VectorAggregationExpr') aggregations.push(`${at(node.getChild('VectorOp')!)} ${at(node.getChild('Grouping')!)}`);
      if (type.name === 'RangeAggregationExpr') {
        const op = at(node.getChild('RangeOp')!);
        const unwrapped = node.getChild('LogRangeExpr')?.getChild('UnwrapExpr') != null;
        if (node.getChild('Grouping') && !GROUPABLE.includes(op)) problems.push(`grouping not allowed for ${op} aggregation`);
        if (!unwrapped && !WITHOUT_UNWRAP.includes(op)) problems.push(`invalid aggregation ${op} without unwrap`);
        aggregations.push(op);
      }
    },
  });
  return { ...parsed, aggregation: aggregations.reduceRight((inner, outer) => (inner ? `${outer} (${inner})` : outer), '') };
}

interface LokiQuery {
  readonly uid: string;
  readonly where: string;
  readonly expr: string;
}

/** Every `expr` whose own or inherited datasource is Loki, anywhere in the rendered JSON. */
function lokiQueriesIn(node: unknown, uid: string, where: string, inherited?: string, found: LokiQuery[] = []): LokiQuery[] {
  if (Array.isArray(node)) node.forEach((child) => lokiQueriesIn(child, uid, where, inherited, found));
  else if (node !== null && typeof node === 'object') {
    const record = node as { expr?: unknown; datasource?: { type?: string }; title?: unknown; refId?: unknown };
    const type = record.datasource?.type ?? inherited;
    const here = typeof record.title === 'string' ? `${uid} / ${record.title}` : where;
    if (typeof record.expr === 'string' && type === 'loki')
      found.push({ uid, where: `${here} (${String(record.refId)})`, expr: record.expr });
    for (const child of Object.values(record)) lokiQueriesIn(child, uid, here, type, found);
  }
  return found;
}

const rendered = [...renderDashboards(PROD_LINKS)].map(([file, json]) => [file.replace(/\.json$/, ''), JSON.parse(json)] as const);
const queries = rendered.flatMap(([uid, board]) => lokiQueriesIn(board, uid, uid));
const built = buildDashboards(PROD_LINKS);
const VALUES = { namespace: 'ml-training', pod: 'moe-trainer-0', worker: 'mage-worker-0', learner: 'mage-learner-0' };
const PATTERN_REGEXES: readonly string[] = Object.values(LOG_PATTERNS).map((p) => p.regex);
const ids = Object.keys(LOG_PATTERNS) as LogPatternId[];
// The seed's queries, with the invalid `rate(…) by (app)` as LogQL writes a rate per app.
const SEEDS = {
  'error rate by service': 'sum by (app) (rate({job="moe-lab"} |= "ERROR" [5m]))',
  'GPU memory warnings': '{job="moe-lab"} |= "GPU memory" |= "warning"',
  'expert routing statistics': '{job="moe-lab"} |= "expert_utilization" | json',
};
const SEED_LITERALS = ['ERROR', 'GPU memory', 'warning', 'expert_utilization'];
/** What makes a query the seed's: job, line filters, parsers and aggregation; extra matchers narrow it to a dashboard. */
const shape = (p: Parsed) => ({
  jobs: p.matchers.filter((m) => m.label === 'job').map((m) => `${m.op}${m.value}`),
  filters: p.lineFilters,
  parsers: p.parsers,
  aggregation: p.aggregation,
});

describe('the LogQL of the dashboards', () => {
  it('GIVEN the rendered dashboards WHEN walked for Loki targets THEN the training, inference and mage-training Logs rows have them, and panelsOf finds the same', () => {
    expect([...new Set(queries.map((q) => q.uid))].sort()).toEqual(['inference', 'mage-training', 'training']);
    const viaPanels = [...built.values()].flatMap(panelsOf).flatMap(logqlExpressions);
    expect([...viaPanels].sort()).toEqual(queries.map((q) => q.expr).sort());
  });

  it('GIVEN the seed’s queries THEN each is on a dashboard (narrowed by its filters), and each parses clean itself', () => {
    const shapes = queries.map((q) => JSON.stringify(shape(parseLogql(q.expr, VALUES))));
    for (const [name, seed] of Object.entries(SEEDS)) {
      const parsed = parseLogql(seed);
      expect([name, parsed.problems]).toEqual([name, []]);
      expect([name, shapes.includes(JSON.stringify(shape(parsed)))]).toEqual([name, true]);
    }
  });
});

describe.each(queries)('LogQL at $where', ({ expr }) => {
  const parsed = parseLogql(expr, VALUES);

  it('GIVEN its variables substituted THEN it parses with no error node, valid Go string literals, and a range aggregation Loki accepts', () => {
    expect(parsed.problems).toEqual([]);
  });

  it('GIVEN its stream selector’s matchers, read from the parse tree THEN it selects one log job and only by labels Fluent Bit sets', () => {
    expect(parsed.matchers.length).toBeGreaterThan(0);
    expect(parsed.matchers.map((m) => m.label).filter((label) => !(LOKI_STREAM_LABELS as readonly string[]).includes(label))).toEqual([]);
    const jobs = parsed.matchers.filter((m) => m.label === 'job');
    expect(jobs.map((m) => [m.op, (Object.values(LOG_JOBS) as string[]).includes(m.value)])).toEqual([['=', true]]);
  });

  it('GIVEN its line filters THEN each is a failure pattern’s regex (|~) or one of the seed’s literals (|=)', () => {
    const allowed = (f: { op: string; value: string }) =>
      (f.op === '|~' && PATTERN_REGEXES.includes(f.value)) || (f.op === '|=' && SEED_LITERALS.includes(f.value));
    expect(parsed.lineFilters.length).toBeGreaterThan(0);
    expect(parsed.lineFilters.filter((f) => !allowed(f))).toEqual([]);
  });
});

// Which dashboard shows which job's logs, and which pattern it leaves out on purpose.
const LOGS_ROWS: ReadonlyArray<{ uid: DashboardUid; job: LogJob; omitted: readonly LogPatternId[] }> = [
  { uid: 'training', job: LOG_JOBS.moeLab, omitted: [] },
  { uid: 'inference', job: LOG_JOBS.moeLab, omitted: ['lossNotFinite'] },
  { uid: 'mage-training', job: LOG_JOBS.mage, omitted: [] },
];

describe.each(LOGS_ROWS)('the Logs row of $uid', ({ uid, job, omitted }) => {
  const board = built.get(uid)!;
  const row = (board.panels ?? []).find((p) => p.type === 'row' && p.title === 'Logs') as dashboard.RowPanel | undefined;
  const panels = (row?.panels ?? []) as dashboard.Panel[];
  const expected = ids.filter((id) => (LOG_PATTERNS[id].jobs as readonly LogJob[]).includes(job) && !omitted.includes(id));
  // Dashboard variables that list a stream label, e.g. `$worker` and `$learner` both list pods.
  const variablesFor = (label: string) =>
    variablesOf(board)
      .filter((v) => v.type === 'query' && parseLabelValues(variableQuery(v))?.label === label)
      .map((v) => `$${v.name}`);

  it('GIVEN the dashboard THEN it ends with a collapsed Logs row holding a Logs panel titled after each pattern of its job, and no other pattern', () => {
    expect([row?.collapsed, board.panels?.at(-1)?.title]).toEqual([true, 'Logs']);
    const titled = (id: LogPatternId) => panels.filter((p) => p.type === 'logs' && p.title === LOG_PATTERNS[id].title);
    expect(expected.map((id) => [id, titled(id).length])).toEqual(expected.map((id) => [id, 1]));
    expect(ids.filter((id) => !expected.includes(id) && titled(id).length > 0)).toEqual([]);
  });

  it.each(ids)(
    'GIVEN pattern %s THEN its panel reads the job’s streams, narrowed by the dashboard’s namespace and pod variables, by the pattern’s regex, and links its alert’s runbook',
    (id) => {
      const panel = panels.find((p) => p.title === LOG_PATTERNS[id].title && p.type === 'logs');
      if (!expected.includes(id)) return expect(panel).toBeUndefined();
      const exprs = logqlExpressions(panel!);
      expect(exprs.length).toBe(1);
      const raw = parseLogql(exprs[0], Object.fromEntries(Object.keys(VALUES).map((name) => [name, `$${name}`])));
      expect(raw.lineFilters).toEqual([{ op: '|~', value: LOG_PATTERNS[id].regex }]);
      expect(raw.matchers.find((m) => m.label === 'job')).toEqual({ label: 'job', op: '=', value: job });
      for (const label of ['namespace', 'pod']) {
        const used = variablesFor(label).filter((variable) => raw.matchers.some((m) => m.label === label && m.value.includes(variable)));
        expect([label, used]).toEqual([label, variablesFor(label)]);
      }
      const alert = LOG_PATTERNS[id].alert;
      expect(panel!.links?.map((l) => [l.title, l.url])).toContainEqual([`Runbook: ${alert}`, runbookUrl(PROD_LINKS, alert)]);
    },
  );
});

describe('LogQL string literals', () => {
  it('GIVEN every pattern regex and strings with quotes, backslashes, newlines and non-ASCII WHEN quoted THEN Loki reads back the same string', () => {
    const tricky = ['a"b', 'back\\slash', '\\"', 'tab\tnew\nline', 'Java↔Python', '`raw`', '$namespace', '\u0001'];
    for (const text of [...PATTERN_REGEXES, ...tricky]) expect([text, goUnquote(logqlString(text))]).toEqual([text, text]);
  });

  it('GIVEN a pattern regex pasted between quotes unescaped THEN Loki would reject it or read another regex, so the escaping matters', () => {
    const needEscaping = PATTERN_REGEXES.filter((regex) => /[\\"]/.test(regex));
    expect(needEscaping.length).toBeGreaterThan(0);
    for (const regex of needEscaping) {
      const naive = parseLogql(`{job="moe-lab"} |~ "${regex}"`);
      const readBack = naive.lineFilters.map((f) => f.value);
      expect([regex, naive.problems.length > 0 || readBack.join() !== regex]).toEqual([regex, true]);
    }
    expect(parseLogql(`{job="moe-lab"} ${regexFilter(LOG_PATTERNS.lossNotFinite.regex)}`).lineFilters[0].value).toBe(
      LOG_PATTERNS.lossNotFinite.regex,
    );
  });
});

describe('the checks can fail', () => {
  it.each([
    [
      'the seed’s rate(…) by (app): the grammar accepts it, Loki rejects the grouping',
      'rate({job="moe-lab"} |= "ERROR" [5m]) by (app)',
      'grouping not allowed for rate',
    ],
    ['an unquoted line filter', '{job="moe-lab"} |= ERROR', 'syntax error'],
    ['a rate without a range', 'rate({job="moe-lab"} |= "ERROR")', 'syntax error'],
    ['PromQL’s `by` without parentheses', 'sum(rate({job="moe-lab"}[5m])) by app', 'syntax error'],
    ['a regex escape Go strings do not know', '{job="moe-lab"} |~ "\\s+ERROR"', 'invalid escape \\s'],
    ['an unwrapped-only function without unwrap', 'sum_over_time({job="moe-lab"}[5m])', 'without unwrap'],
  ])('GIVEN %s THEN it is reported', (_, query, problem) => {
    expect(parseLogql(query).problems.join('\n')).toContain(problem);
  });

  it('GIVEN a variable left in the query (Grafana knows no such variable) THEN it is reported', () => {
    expect(parseLogql('{job="moe-lab", pod=~"$pod"}', { pod: '$pod' }).problems.join()).toContain('unsubstituted variable');
  });

  it('GIVEN a selector on a label Fluent Bit does not set, and label-like text inside a line filter THEN only the real matcher is read', () => {
    const parsed = parseLogql('{job="moe-lab", node="gpu-1"} |= "cluster=\\"a\\""');
    expect(parsed.matchers.map((m) => m.label)).toEqual(['job', 'node']);
    expect(parsed.lineFilters).toEqual([{ op: '|=', value: 'cluster="a"' }]);
  });

  it('GIVEN Loki targets THEN the PromQL checks skip them: panelExpressions leaves them out, and the PromQL parser would reject them', () => {
    const lokiPanels = [...built.values()].flatMap(panelsOf).filter((panel) => logqlExpressions(panel).length > 0);
    expect(lokiPanels.length).toBeGreaterThan(0);
    for (const panel of lokiPanels) {
      expect(panelExpressions(panel).filter((expr) => logqlExpressions(panel).includes(expr))).toEqual([]);
      for (const expr of logqlExpressions(panel)) expect(() => metricNamesIn(substituteVariables(expr))).toThrow(/syntax error/);
    }
  });
});

describe('the LogQL builders', () => {
  const trainer: LogScope = { job: LOG_JOBS.moeLab };

  it('GIVEN a label Fluent Bit does not set THEN the selector throws naming it and the allowed labels', () => {
    expect(() => streamSelector({ job: LOG_JOBS.moeLab, matchers: [{ label: 'node' as 'pod', op: '=', value: 'x' }] })).toThrow(
      /label "node".*allowed: job, namespace, pod, container, app/,
    );
    expect(() => streamSelector({ job: 'syslog' as LogJob })).toThrow(/job: "syslog".*allowed: moe-lab, mage/);
  });

  it('GIVEN a pattern of another job THEN its panel is refused; GIVEN an omitted pattern the job does not have THEN the row is refused', () => {
    expect(() => patternLogsPanel('bridgeError', trainer)).toThrow(/"bridgeError" applies to job\(s\) mage, not to job "moe-lab"/);
    expect(() => logsRow(trainer, { omit: ['bridgeError'] })).toThrow(/omit: bridgeError not among the patterns of job "moe-lab"/);
  });
});

// The dashboards' LogQL against what Fluent Bit and the workloads actually produce in dist/: the
// labels of the Loki output, the jobs its Lua filter assigns, and the `app` labels of the pods.
describe('LogQL against the synthesized Fluent Bit config and workloads', () => {
  const [prod] = loadEnvironments(['prod']);
  const files = renderEnvironment(prod);
  const fluentBit = parseYaml(files.get('config/fluent-bit/fluent-bit.yaml')!) as {
    pipeline: { filters: Array<{ name: string; code?: string }>; outputs: Array<{ name: string; labels?: string }> };
  };
  const lokiOutput = fluentBit.pipeline.outputs.find((output) => output.name === 'loki')!;
  const sentLabels = lokiOutput.labels!.split(',').map((pair) => pair.trim().split('=')[0]);
  const luaCode = fluentBit.pipeline.filters.flatMap((filter) => (filter.code ? [filter.code] : [])).join('\n');
  const assignedJobs = [...luaCode.matchAll(/\["[^"]+"\]\s*=\s*"([^"]+)"/g)].map((match) => match[1]);
  const podApps = parseAllDocuments(files.get('moe-workloads.yaml')! + files.get('mage-workloads.yaml')!)
    .map((doc) => doc.toJS() as { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } })
    .flatMap((object) => object?.spec?.template?.metadata?.labels?.app ?? []);
  const used = queries.map(({ expr }) => parseLogql(expr, VALUES).matchers);

  it('GIVEN every matcher of every dashboard query THEN its label is one the Loki output of the rendered config sends', () => {
    expect(sentLabels.length).toBeGreaterThan(0);
    expect([...new Set(used.flat().map((m) => m.label))].filter((label) => !sentLabels.includes(label))).toEqual([]);
  });

  it('GIVEN every job a dashboard selects THEN Fluent Bit assigns it to some namespace', () => {
    const jobs = new Set(
      used
        .flat()
        .filter((m) => m.label === 'job')
        .map((m) => m.value),
    );
    expect([...jobs].filter((job) => !assignedJobs.includes(job))).toEqual([]);
  });

  it('GIVEN every app a dashboard selects THEN a synthesized workload pod carries that app label', () => {
    const apps = used
      .flat()
      .filter((m) => m.label === 'app')
      .flatMap((m) => (m.op === '=~' ? m.value.split('|') : [m.value]));
    expect(apps.length).toBeGreaterThan(0);
    expect([...new Set(apps)].filter((app) => !podApps.includes(app))).toEqual([]);
  });
});
