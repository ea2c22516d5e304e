import { APPS } from '../../contracts/jobs';
import { MAGE } from '../thresholds';
import type { RuleGroup } from '../types';

const worker = `app="${APPS.mageWorker}"`;

/** The Mage self-play workers (Java game engine plus a Python policy behind a bridge): episode rate and bridge errors. */
export const mageWorkersGroups: readonly RuleGroup[] = [
  {
    name: 'mage-workers.recording',
    file: 'mage-workers',
    rules: [
      {
        record: 'namespace_app:mage_episodes_completed:rate5m',
        expr: `sum by (namespace, app) (rate(mage_episodes_completed_total{${worker}}[5m]))`,
      },
      {
        record: 'namespace_app_component:mage_errors:rate5m',
        expr: `sum by (namespace, app, component) (rate(mage_errors_total{${worker}}[5m]))`,
      },
      {
        // Keeps `type` for the dashboard's error breakdown; the learners' group records the same name
        // for its app, so one query shows the errors of both.
        record: 'namespace_app_component_type:mage_errors:rate5m',
        expr: `sum by (namespace, app, component, type) (rate(mage_errors_total{${worker}}[5m]))`,
      },
    ],
  },
  {
    name: 'mage-workers.alerts',
    file: 'mage-workers',
    rules: [
      {
        // A worker whose counter stops reads 0 and fires; one that disappears is left to the target-down
        // alerts. The 5m rate of a worker younger than 5m reads low, which the 15m `for` absorbs.
        alert: 'LowEpisodeGenerationRate',
        expr: `rate(mage_episodes_completed_total{${worker}}[5m]) < ${MAGE.minEpisodesPerSecond}`,
        for: '15m',
        severity: 'warning',
        priority: 'P2',
        scope: 'pod',
        dashboard: 'mage-training',
        summary: 'Mage worker {{ $labels.pod }} generates few episodes',
        description: `{{ $labels.namespace }}/{{ $labels.pod }} completes {{ $value | printf "%.2f" }} episodes/s (below ${MAGE.minEpisodesPerSecond}).`,
      },
      {
        // Summed over the failure types. Failures must recur within every window for 10 minutes, so a
        // single failure (the episode is lost, the worker carries on) does not alert. A counter series
        // that is born at 1 rather than 0 hides its first failure from increase().
        alert: 'PythonBridgeErrors',
        expr: `sum without (type) (increase(mage_errors_total{${worker}, component="python_bridge"}[${MAGE.bridgeErrorWindow}])) > 0`,
        for: '10m',
        severity: 'warning',
        priority: 'P2',
        scope: 'pod',
        dashboard: 'mage-training',
        summary: 'The Java↔Python bridge of {{ $labels.pod }} keeps failing',
        description: `{{ $labels.namespace }}/{{ $labels.pod }} had {{ $value | printf "%.0f" }} Java↔Python bridge failures in the last ${MAGE.bridgeErrorWindow} (more than 0, for 10 minutes); every failure loses an episode.`,
      },
    ],
  },
];
