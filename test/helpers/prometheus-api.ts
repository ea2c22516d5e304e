// The few Prometheus HTTP API calls the dashboard e2e test makes, as Grafana would make them.
import { waitFor } from './processes';

interface ApiResponse<T> {
  readonly status: 'success' | 'error';
  readonly data?: T;
  readonly error?: string;
}

async function get<T>(url: string): Promise<ApiResponse<T>> {
  // Bounded, so a hung server fails the test with a message instead of hitting jest's timeout.
  const response = await fetch(url, { signal: AbortSignal.timeout(10000) });
  return (await response.json()) as ApiResponse<T>;
}

export interface QueryOutcome {
  /** Series (or 1 for a scalar) the query returned; 0 when it failed. */
  readonly results: number;
  readonly error?: string;
}

/** An instant query, as a stat or table panel runs it, at `time` (Unix seconds; the server's now when omitted). */
export async function instantQuery(api: string, expr: string, time?: number): Promise<QueryOutcome> {
  const at = time === undefined ? '' : `&time=${time}`;
  const body = await get<{ resultType: string; result: unknown }>(`${api}/api/v1/query?query=${encodeURIComponent(expr)}${at}`);
  if (body.status !== 'success' || !body.data) return { results: 0, error: body.error ?? 'no data in the response' };
  const { resultType, result } = body.data;
  return { results: resultType === 'scalar' || resultType === 'string' ? 1 : (result as unknown[]).length };
}

/** Values of `label` on the series `selector` matches (all series when none), over the last `seconds`. */
export async function labelValues(api: string, label: string, selector: string | undefined, seconds: number): Promise<string[]> {
  const end = Date.now() / 1000;
  const match = selector ? `&match[]=${encodeURIComponent(selector)}` : '';
  const body = await get<string[]>(`${api}/api/v1/label/${encodeURIComponent(label)}/values?start=${end - seconds}&end=${end}${match}`);
  if (body.status !== 'success') throw new Error(`label values of ${label} for ${selector}: ${body.error}`);
  return body.data ?? [];
}

export interface RuleGroupState {
  readonly name: string;
  readonly file: string;
  readonly lastEvaluation: string;
  readonly rules: ReadonlyArray<{ readonly name: string; readonly health: string; readonly lastError?: string }>;
}

export const ruleGroups = async (api: string): Promise<RuleGroupState[]> =>
  (await get<{ groups: RuleGroupState[] }>(`${api}/api/v1/rules`)).data?.groups ?? [];

// Go's zero time: what lastEvaluation reads before a group's first evaluation.
const evaluated = (group: RuleGroupState) => !group.lastEvaluation.startsWith('0001-');

/**
 * Resolves once every rule group has been evaluated `rounds` times in all. Two
 * reasons to wait past the first: rules reading another group's recorded series see them from the
 * second round on, and Prometheus writes ALERTS only after it has restored alert state, which it
 * does after a group's second evaluation (so from the third on).
 */
export async function waitForRuleEvaluations(
  api: string,
  expectedGroups: number,
  rounds: number,
  timeoutMs: number,
): Promise<RuleGroupState[]> {
  const deadline = Date.now() + timeoutMs;
  const key = (group: RuleGroupState) => `${group.file};${group.name}`;
  let groups = await waitFor('every rule group evaluated', timeoutMs, async () => {
    const current = await ruleGroups(api);
    return current.length === expectedGroups && expectedGroups > 0 && current.every(evaluated) ? current : undefined;
  });
  for (let round = 1; round < rounds; round++) {
    const before = new Map(groups.map((group) => [key(group), group.lastEvaluation]));
    groups = await waitFor(`rule evaluation round ${round + 1}`, Math.max(deadline - Date.now(), 1), async () => {
      const current = await ruleGroups(api);
      return current.every((group) => group.lastEvaluation !== before.get(key(group))) ? current : undefined;
    });
  }
  return groups;
}
