import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { standardLabels } from '../k8s/labels';

/** Pod Security Standard enforced on a namespace. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface NamespaceSpec {
  readonly name: string;
  /**
   * `restricted` unless the namespace hosts node agents that need host access.
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;
}

export interface NamespacesProps {
  readonly namespaces: readonly NamespaceSpec[];
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
}

/** The stack's namespaces, each with Pod Security admission labels; always warns and audits at `restricted`. */
export class Namespaces extends Construct {
  constructor(scope: Construct, id: string, props: NamespacesProps) {
    super(scope, id);
    for (const spec of props.namespaces) {
      const level = spec.podSecurity ?? 'restricted';
      new kplus.Namespace(this, spec.name, {
        metadata: {
          name: spec.name,
          labels: {
            ...standardLabels({ name: spec.name, component: 'namespace', instance: props.instance }),
            'pod-security.kubernetes.io/enforce': level,
            'pod-security.kubernetes.io/warn': 'restricted',
            'pod-security.kubernetes.io/audit': 'restricted',
          },
        },
      });
    }
  }
}
