// The synthesized charts of one environment, in memory: the same cdk8s app `npm run synth` writes to
// dist/<env>/, so the cluster gets exactly what the GitOps tree and the PR preview show.
import { App } from 'cdk8s';
import type { EnvironmentConfig } from '../config';
import { buildEnvironment, FOUNDATION_CHARTS } from '../constructs/assembly/environment';
import { sortObjects } from '../constructs/assembly/render';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface ChartObjects {
  /** The chart's component name, as in dist/<env>/<component>.yaml. */
  readonly component: string;
  readonly objects: KubeObject[];
}

export { FOUNDATION_CHARTS };

/** The environment's charts: foundation charts first (in that order), then the rest by name. */
export function synthesizedCharts(env: EnvironmentConfig): ChartObjects[] {
  const charts = buildEnvironment(new App(), env).map((chart) => ({
    component: chart.component,
    objects: sortObjects(chart.toJson() as KubeObject[]),
  }));
  const rank = (component: string) => {
    const index = (FOUNDATION_CHARTS as readonly string[]).indexOf(component);
    return index === -1 ? FOUNDATION_CHARTS.length : index;
  };
  return charts.sort((a, b) => rank(a.component) - rank(b.component) || a.component.localeCompare(b.component));
}

/** ServiceAccounts annotated for IRSA, by role ARN: the role's trust policy admits exactly these. */
export function irsaServiceAccounts(objects: readonly KubeObject[]): Map<string, Array<{ namespace: string; serviceAccount: string }>> {
  const byRole = new Map<string, Array<{ namespace: string; serviceAccount: string }>>();
  for (const object of objects) {
    const arn = object.kind === 'ServiceAccount' ? object.metadata.annotations?.['eks.amazonaws.com/role-arn'] : undefined;
    if (!arn) continue;
    byRole.set(arn, [
      ...(byRole.get(arn) ?? []),
      { namespace: object.metadata.namespace ?? 'default', serviceAccount: object.metadata.name },
    ]);
  }
  return byRole;
}
