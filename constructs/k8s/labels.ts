/** Value of `app.kubernetes.io/part-of` on every object this stack creates. */
export const PART_OF = 'gpu-observability';

export interface ComponentIdentity {
  /** `app.kubernetes.io/name`, e.g. `prometheus`. */
  readonly name: string;
  /** `app.kubernetes.io/component`, e.g. `metrics`. */
  readonly component: string;
  /** `app.kubernetes.io/instance`; distinguishes installs of the same component. */
  readonly instance: string;
  /** `app.kubernetes.io/version`; left out of selectors so upgrades keep matching pods. */
  readonly version?: string;
}

/** The recommended Kubernetes labels for every object of a component. */
export function standardLabels(id: ComponentIdentity): Record<string, string> {
  return {
    ...selectorLabels(id),
    'app.kubernetes.io/component': id.component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': 'cdk8s',
    ...(id.version ? { 'app.kubernetes.io/version': id.version } : {}),
  };
}

/** The stable subset used in selectors: never the version, which changes on upgrade. */
export function selectorLabels(id: ComponentIdentity): Record<string, string> {
  return { 'app.kubernetes.io/name': id.name, 'app.kubernetes.io/instance': id.instance };
}
