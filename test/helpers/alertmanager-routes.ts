// Reads a generated alertmanager.yml the way Alertmanager does (dispatch/route.go): a depth-first,
// left-to-right match where `continue` lets siblings match too, timers and receiver are inherited
// from the parent, and mute_time_intervals / active_time_intervals are NOT inherited.
// Tests cross-check this reading against `amtool config routes test`.

export interface ParsedRoute {
  receiver?: string;
  matchers?: string[];
  continue?: boolean;
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  mute_time_intervals?: string[];
  active_time_intervals?: string[];
  routes?: ParsedRoute[];
}

/** What one matched route node does with an alert. */
export interface MatchedRoute {
  readonly receiver: string;
  readonly groupWait: number;
  readonly groupInterval: number;
  readonly repeatInterval: number;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  /** The matchers from the root down to this node, for messages. */
  readonly path: string;
}

const UNIT_SECONDS: Record<string, number> = { y: 365 * 86400, w: 7 * 86400, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };

/** Seconds in a Prometheus/Alertmanager duration such as `1h30m` or `0s`. */
export function durationSeconds(duration: string): number {
  const parts = [...duration.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== duration) throw new Error(`not a duration: "${duration}"`);
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * UNIT_SECONDS[unit], 0);
}

/** One matcher string such as `severity=~"warning|info"`, evaluated like Alertmanager (regexes anchored, missing label = ""). */
export function matcherMatches(matcher: string, labels: Readonly<Record<string, string>>): boolean {
  const parsed = /^([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)"(.*)"$/.exec(matcher);
  if (!parsed) throw new Error(`matcher not understood by the test reader: ${matcher}`);
  const [, name, op, value] = parsed;
  const actual = labels[name] ?? '';
  const regex = new RegExp(`^(?:${value})$`);
  switch (op) {
    case '=':
      return actual === value;
    case '!=':
      return actual !== value;
    case '=~':
      return regex.test(actual);
    default:
      return !regex.test(actual);
  }
}

interface Inherited {
  receiver: string;
  groupWait: number;
  groupInterval: number;
  repeatInterval: number;
  path: string;
}

// Alertmanager's defaults for the root route.
const ROOT_DEFAULTS: Inherited = { receiver: '', groupWait: 30, groupInterval: 300, repeatInterval: 4 * 3600, path: '' };

function matchNode(route: ParsedRoute, labels: Readonly<Record<string, string>>, parent: Inherited): MatchedRoute[] | undefined {
  if (!(route.matchers ?? []).every((m) => matcherMatches(m, labels))) return undefined;
  const own: Inherited = {
    receiver: route.receiver ?? parent.receiver,
    groupWait: route.group_wait !== undefined ? durationSeconds(route.group_wait) : parent.groupWait,
    groupInterval: route.group_interval !== undefined ? durationSeconds(route.group_interval) : parent.groupInterval,
    repeatInterval: route.repeat_interval !== undefined ? durationSeconds(route.repeat_interval) : parent.repeatInterval,
    path: `${parent.path}/{${(route.matchers ?? []).join(',')}}`,
  };
  const all: MatchedRoute[] = [];
  for (const child of route.routes ?? []) {
    const matches = matchNode(child, labels, own);
    if (matches) all.push(...matches);
    if (matches && !child.continue) break;
  }
  if (all.length > 0) return all;
  return [{ ...own, muteTimeIntervals: route.mute_time_intervals ?? [], activeTimeIntervals: route.active_time_intervals ?? [] }];
}

/** Every route node that handles an alert with `labels`, in the order Alertmanager finds them. */
export function matchRoutes(root: ParsedRoute, labels: Readonly<Record<string, string>>): MatchedRoute[] {
  return matchNode(root, labels, ROOT_DEFAULTS) ?? [];
}

/** Every node of the tree, depth first. */
export function allRoutes(root: ParsedRoute): ParsedRoute[] {
  return [root, ...(root.routes ?? []).flatMap(allRoutes)];
}
