import type { MetricDefinition } from '../types';

/** Series the mage-workers rules record, with their unit and the metrics they are computed from. */
export const mageWorkersRecorded: readonly MetricDefinition[] = [
  {
    name: 'namespace_app:mage_episodes_completed:rate5m',
    type: 'gauge',
    unit: 'episodes_per_second',
    source: 'recording-rule',
    recordedFrom: ['mage_episodes_completed_total'],
    help: 'Episodes per second completed by all Mage workers, over 5 minutes.',
  },
  {
    name: 'namespace_app_component:mage_errors:rate5m',
    type: 'gauge',
    unit: 'errors_per_second',
    source: 'recording-rule',
    recordedFrom: ['mage_errors_total'],
    help: 'Errors per second of all Mage workers by component (python_bridge, …), over 5 minutes.',
  },
  {
    // Recorded by both Mage groups, each for its own app; one catalog entry, since the name is one.
    name: 'namespace_app_component_type:mage_errors:rate5m',
    type: 'gauge',
    unit: 'errors_per_second',
    source: 'recording-rule',
    recordedFrom: ['mage_errors_total'],
    help: 'Errors per second of all Mage workers (app="mage-worker") or learners (app="mage-learner") by component and type, over 5 minutes.',
    labels: ['component', 'type'],
  },
];
