import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { stackDashboard } from './lib/dashboard';

// Placeholder: panels to come.
export function gpuDashboard(): DashboardBuilder {
  return stackDashboard({ uid: 'gpu', description: 'TODO', tags: [], variables: { metric: 'up' }, rows: [] });
}
