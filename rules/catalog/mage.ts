import type { MetricDefinition } from './types';

/** Metrics the Mage RL workers and GPU learners expose on :9090/metrics. */
export const mageMetrics: readonly MetricDefinition[] = [
  {
    name: 'mage_episodes_completed_total',
    type: 'counter',
    unit: 'episodes',
    source: 'application',
    help: 'Self-play episodes completed by a worker.',
  },
  {
    name: 'mage_worker_episodes_total',
    type: 'counter',
    unit: 'episodes',
    source: 'application',
    help: 'Episodes generated per worker game runner.',
  },
  {
    name: 'mage_jvm_memory_used_bytes',
    type: 'gauge',
    unit: 'bytes',
    source: 'application',
    help: 'JVM memory in use by a Mage worker.',
    labels: ['area'],
  },
  {
    name: 'mage_errors_total',
    type: 'counter',
    unit: 'errors',
    source: 'application',
    help: 'Errors by component and type; component="python_bridge" counts Java↔Python bridge failures, type="checkpoint_save" failed checkpoint writes.',
    labels: ['component', 'type'],
    labelValues: { component: ['game_engine', 'python_bridge', 'trainer'], type: ['timeout', 'exception', 'checkpoint_save'] },
  },
  { name: 'mage_training_loss', type: 'gauge', unit: 'none', source: 'application', help: 'Current loss of the learner.' },
  {
    name: 'mage_optimal_batch_size',
    type: 'gauge',
    unit: 'count',
    source: 'application',
    help: 'Batch size the learner computed as optimal for its GPU memory.',
  },
  { name: 'mage_current_batch_size', type: 'gauge', unit: 'count', source: 'application', help: 'Batch size the learner is using now.' },
  {
    name: 'mage_samples_processed_total',
    type: 'counter',
    unit: 'samples',
    source: 'application',
    help: 'Training samples the learner has consumed.',
  },
  { name: 'mage_gpu_memory_used_bytes', type: 'gauge', unit: 'bytes', source: 'application', help: 'GPU memory in use by the learner.' },
  {
    name: 'mage_training_updates_total',
    type: 'counter',
    unit: 'updates',
    source: 'application',
    help: 'Optimizer updates applied by the learner.',
  },
  {
    name: 'mage_win_rate',
    type: 'gauge',
    unit: 'ratio',
    source: 'application',
    help: 'Win rate of the current policy against the evaluation pool, 0–1.',
  },
  {
    name: 'mage_checkpoints_saved_total',
    type: 'counter',
    unit: 'checkpoints',
    source: 'application',
    help: 'Model checkpoints written successfully.',
  },
];
