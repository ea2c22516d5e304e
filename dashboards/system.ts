import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { stackDashboard } from './lib/dashboard';

// Placeholder: panels to come.
export function systemDashboard(): DashboardBuilder {
  return stackDashboard({ uid: 'system', description: 'TODO', tags: [], variables: { metric: 'up' }, rows: [] });
}
