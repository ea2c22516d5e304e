import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { stackDashboard } from './lib/dashboard';

// Placeholder: panels to come.
export function inferenceDashboard(): DashboardBuilder {
  return stackDashboard({ uid: 'inference', description: 'TODO', tags: [], variables: { metric: 'up' }, rows: [] });
}
