import type { MetricDefinition } from '../types';

/** Series the global Prometheus records from what the members federate (rules/groups/federation.ts). */
export const federationRecorded: readonly MetricDefinition[] = [
  {
    name: 'fleet:mage_episodes_completed:rate5m',
    type: 'gauge',
    unit: 'episodes_per_second',
    source: 'recording-rule',
    recordedFrom: ['namespace_app:mage_episodes_completed:rate5m'],
    help: 'Episodes per second completed by the Mage workers of every federated cluster together, over 5 minutes.',
  },
];
