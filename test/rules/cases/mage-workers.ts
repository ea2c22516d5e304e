import { MAGE_WORKER, series } from './targets';
import type { RuleTestCase } from './types';

const warning = { severity: 'warning', priority: 'P2', scope: 'pod' };

/** A second worker, on the threshold or on its safe side. */
const OTHER = { ...MAGE_WORKER, pod: 'mage-worker-4', instance: '10.0.1.7:9090' };

const bridgeErrors = (labels: typeof MAGE_WORKER, type: string) =>
  series('mage_errors_total', { ...labels, component: 'python_bridge', type });

export const mageWorkersCases: readonly RuleTestCase[] = [
  {
    name: 'LowEpisodeGenerationRate: 0.05 episodes/s for 15 minutes fires, exactly 0.1 does not',
    series: [
      // 3 episodes a minute = 0.05/s; 6 a minute = 0.1/s.
      { series: series('mage_episodes_completed_total', MAGE_WORKER), values: '0+3x30' },
      { series: series('mage_episodes_completed_total', OTHER), values: '0+6x30' },
    ],
    alerts: [
      // Pending since 1m, the first evaluation with two samples.
      { alert: 'LowEpisodeGenerationRate', at: '15m', fires: [] },
      {
        alert: 'LowEpisodeGenerationRate',
        at: '17m',
        fires: [
          {
            labels: { ...MAGE_WORKER, ...warning },
            summary: 'Mage worker mage-worker-3 generates few episodes',
            description: 'mage/mage-worker-3 completes 0.05 episodes/s (below 0.1).',
            dashboard: 'mage-training',
          },
        ],
      },
    ],
  },
  {
    name: 'LowEpisodeGenerationRate: a worker that stops completing episodes fires 15 minutes after its rate drops',
    series: [{ series: series('mage_episodes_completed_total', MAGE_WORKER), values: '0+6x10 60x30' }],
    alerts: [
      // The 5m rate falls below 0.1 at 11m (24 episodes in 5 minutes), so it fires from 26m.
      { alert: 'LowEpisodeGenerationRate', at: '25m', fires: [] },
      {
        alert: 'LowEpisodeGenerationRate',
        at: '27m',
        fires: [
          {
            labels: { ...MAGE_WORKER, ...warning },
            summary: 'Mage worker mage-worker-3 generates few episodes',
            description: 'mage/mage-worker-3 completes 0.00 episodes/s (below 0.1).',
            dashboard: 'mage-training',
          },
        ],
      },
    ],
  },
  {
    name: 'PythonBridgeErrors: recurring bridge failures fire after 10 minutes; one failure or other components do not',
    series: [
      { series: bridgeErrors(MAGE_WORKER, 'timeout'), values: '0+2x30' },
      { series: bridgeErrors(MAGE_WORKER, 'serialization'), values: '0+1x30' },
      { series: series('mage_errors_total', { ...MAGE_WORKER, component: 'game_engine', type: 'exception' }), values: '0+5x30' },
      // One failure at 6m: the 5m increase is above 0 only from 6m to 10m.
      { series: bridgeErrors(OTHER, 'timeout'), values: '0x5 1x25' },
    ],
    alerts: [
      { alert: 'PythonBridgeErrors', at: '10m', fires: [] },
      {
        alert: 'PythonBridgeErrors',
        at: '12m',
        fires: [
          {
            // 7m → 12m: 10 timeouts + 5 serialization failures.
            labels: { ...MAGE_WORKER, component: 'python_bridge', ...warning },
            summary: 'The Java↔Python bridge of mage-worker-3 keeps failing',
            description:
              'mage/mage-worker-3 had 15 Java↔Python bridge failures in the last 5m (more than 0, for 10 minutes); every failure loses an episode.',
            dashboard: 'mage-training',
          },
        ],
      },
    ],
  },
  {
    name: 'mage-workers recording rules sum episode and error rates over the workers',
    series: [
      // 7.5 and 15 episodes a minute: 0.125/s + 0.25/s.
      { series: series('mage_episodes_completed_total', MAGE_WORKER), values: '0+7.5x10' },
      { series: series('mage_episodes_completed_total', OTHER), values: '0+15x10' },
      { series: bridgeErrors(MAGE_WORKER, 'timeout'), values: '0+7.5x10' },
      { series: bridgeErrors(OTHER, 'serialization'), values: '0+15x10' },
      { series: series('mage_errors_total', { ...MAGE_WORKER, component: 'game_engine', type: 'exception' }), values: '0+30x10' },
    ],
    expressions: [
      {
        expr: 'namespace_app:mage_episodes_completed:rate5m',
        at: '10m',
        samples: [{ labels: 'namespace_app:mage_episodes_completed:rate5m{namespace="mage", app="mage-worker"}', value: 0.375 }],
      },
      {
        expr: 'namespace_app_component:mage_errors:rate5m',
        at: '10m',
        samples: [
          {
            labels: 'namespace_app_component:mage_errors:rate5m{namespace="mage", app="mage-worker", component="python_bridge"}',
            value: 0.375,
          },
          {
            labels: 'namespace_app_component:mage_errors:rate5m{namespace="mage", app="mage-worker", component="game_engine"}',
            value: 0.5,
          },
        ],
      },
      {
        expr: 'namespace_app_component_type:mage_errors:rate5m',
        at: '10m',
        samples: [
          {
            labels:
              'namespace_app_component_type:mage_errors:rate5m{namespace="mage", app="mage-worker", component="python_bridge", type="timeout"}',
            value: 0.125,
          },
          {
            labels:
              'namespace_app_component_type:mage_errors:rate5m{namespace="mage", app="mage-worker", component="python_bridge", type="serialization"}',
            value: 0.25,
          },
          {
            labels:
              'namespace_app_component_type:mage_errors:rate5m{namespace="mage", app="mage-worker", component="game_engine", type="exception"}',
            value: 0.5,
          },
        ],
      },
    ],
  },
];
