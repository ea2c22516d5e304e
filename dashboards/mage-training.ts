import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { stackDashboard } from './lib/dashboard';

// Placeholder: panels to come.
export function mageTrainingDashboard(): DashboardBuilder {
  return stackDashboard({ uid: 'mage-training', description: 'TODO', tags: [], variables: { metric: 'up' }, rows: [] });
}
