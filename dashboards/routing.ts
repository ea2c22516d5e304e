import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { stackDashboard } from './lib/dashboard';

// Placeholder: panels to come.
export function routingDashboard(): DashboardBuilder {
  return stackDashboard({ uid: 'routing', description: 'TODO', tags: [], variables: { metric: 'up' }, rows: [] });
}
