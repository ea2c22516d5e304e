// cdk8s-plus-27 has no API for topologySpreadConstraints (its `scheduling.spread` writes pod
// anti-affinity instead): patched here, in one named helper, so the workload constructs stay declarative.
import { ApiObject, JsonPatch } from 'cdk8s';
import type { IConstruct } from 'constructs';

export interface SpreadConstraint {
  /** Node label that defines a domain, e.g. `topology.kubernetes.io/zone`. */
  readonly topologyKey: string;
  /** `DoNotSchedule` keeps a pod pending rather than skew; `ScheduleAnyway` only prefers balance. */
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
}

/** Pod `topologySpreadConstraints` with `maxSkew: 1` over the pods that match `matchLabels`. */
export function spreadPods(workload: IConstruct, matchLabels: Record<string, string>, constraints: readonly SpreadConstraint[]): void {
  ApiObject.of(workload).addJsonPatch(
    JsonPatch.add(
      '/spec/template/spec/topologySpreadConstraints',
      // Honor: nodes whose taints the pods do not tolerate do not count as empty domains.
      constraints.map((constraint) => ({ maxSkew: 1, nodeTaintsPolicy: 'Honor', ...constraint, labelSelector: { matchLabels } })),
    ),
  );
}
