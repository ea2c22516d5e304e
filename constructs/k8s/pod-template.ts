// Where a workload object keeps the pods it runs: a Pod is its own template, a CronJob nests its
// template in the job template, every other workload (Deployment, StatefulSet, DaemonSet, Job) has
// `spec.template`. One answer for the host-access check, the Pulumi Secrets and the preview.

export interface PodTemplateOf<Spec> {
  readonly metadata?: { readonly labels?: Readonly<Record<string, string>> };
  readonly spec?: Spec;
}

/** The pod template (labels and spec) of a workload, or undefined for objects that run no pods. */
export function podTemplateOf<Spec = unknown>(object: {
  readonly kind: string;
  readonly metadata?: object;
  readonly spec?: unknown;
}): PodTemplateOf<Spec> | undefined {
  const spec = object.spec as { template?: PodTemplateOf<Spec>; jobTemplate?: { spec?: { template?: PodTemplateOf<Spec> } } } | undefined;
  if (object.kind === 'Pod') return { metadata: object.metadata as PodTemplateOf<Spec>['metadata'], spec: object.spec as Spec };
  if (object.kind === 'CronJob') return spec?.jobTemplate?.spec?.template;
  return spec?.template;
}
