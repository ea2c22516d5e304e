import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { stackDashboard } from './lib/dashboard';

// Placeholder: panels to come.
export function alertsDashboard(): DashboardBuilder {
  return stackDashboard({ uid: 'alerts', description: 'TODO', tags: [], variables: { metric: 'up' }, rows: [] });
}
