// The member side of federation: the Service the global Prometheus scrapes /federate through, and,
// when the global Prometheus sits in another network, the load balancer and policy that admit only it.
import { IntOrString, KubeNetworkPolicy, KubeService } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { FEDERATION_ROLES, type FederationSettings } from '../../config/schema/federation';
import { IPV4_CIDR } from '../../config/schema/primitives';
import { standardLabels } from '../k8s/labels';
import { MEMBER_FEDERATE_SERVICE } from '../../contracts/services';

/** The label the StatefulSet controller puts on each pod, naming it (`prometheus-0`). */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

export interface MemberFederationProps {
  /** Namespace of the Prometheus StatefulSet, and of the objects created here. */
  readonly namespace: string;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  /** The labels the Prometheus StatefulSet selects its pods by (its `spec.selector.matchLabels`). */
  readonly podSelector: Readonly<Record<string, string>>;
  /** Name of the Prometheus StatefulSet; its replica 0 is `<name>-0`. @default 'prometheus' */
  readonly statefulSetName?: string;
  /** Port Prometheus serves its API and /federate on. @default 9090 */
  readonly port?: number;
  /**
   * IPv4 CIDRs the global Prometheus reaches this cluster from. Empty when it runs in this cluster:
   * then the Service stays internal and the Prometheus NetworkPolicy (monitoring namespace) admits it.
   */
  readonly globalSources: readonly string[];
  /**
   * This environment's federation role. Both roles serve /federate (the global cluster federates
   * itself), but a `member`'s global Prometheus runs elsewhere, so it needs `globalSources`.
   */
  readonly role: FederationSettings['role'];
}

/**
 * Service `prometheus-federate`, selecting only replica 0 of the Prometheus StatefulSet: the HA
 * replicas hold the same series, and federating both would count everything twice. If replica 0 is
 * down the global federation-down alert fires; pointing the Service's pod-name selector at replica 1
 * (`kubectl edit`) continues the same series, since the global side drops `prometheus_replica`.
 */
export class MemberFederation extends Construct {
  public readonly serviceName: string = MEMBER_FEDERATE_SERVICE.name;
  public readonly port: number;
  /** The replica the Service selects. */
  public readonly podName: string;

  constructor(scope: Construct, id: string, props: MemberFederationProps) {
    super(scope, id);
    if (!(FEDERATION_ROLES as readonly string[]).includes(props.role)) {
      throw new Error(`MemberFederation role: got "${props.role}"; must be one of ${FEDERATION_ROLES.join(', ')}`);
    }
    const badSource = props.globalSources.find((cidr) => !IPV4_CIDR.test(cidr));
    if (badSource !== undefined) {
      throw new Error(`MemberFederation globalSources: got "${badSource}"; must be IPv4 CIDRs such as 10.30.0.0/16`);
    }
    if (props.role === 'member' && props.globalSources.length === 0) {
      throw new Error(
        'MemberFederation globalSources: got none for role member; the global Prometheus runs in another cluster and could not reach /federate',
      );
    }
    if (Object.keys(props.podSelector).length === 0) {
      throw new Error('MemberFederation podSelector: got no labels; must be the Prometheus StatefulSet selector');
    }
    this.port = props.port ?? MEMBER_FEDERATE_SERVICE.port;
    this.podName = `${props.statefulSetName ?? 'prometheus'}-0`;
    const labels = standardLabels({ name: 'prometheus-federate', component: 'federation', instance: props.instance });
    const replicaZero = { ...props.podSelector, [POD_NAME_LABEL]: this.podName };
    const remote = props.globalSources.length > 0;

    new KubeService(this, 'Service', {
      metadata: {
        name: this.serviceName,
        namespace: props.namespace,
        labels,
        ...(remote ? { annotations: internalNlbAnnotations() } : {}),
      },
      spec: {
        type: remote ? 'LoadBalancer' : 'ClusterIP',
        selector: replicaZero,
        ports: [{ name: 'web', protocol: 'TCP', port: this.port, targetPort: IntOrString.fromNumber(this.port) }],
        // Local: nodes forward only to their own pods, so the client address survives for the NetworkPolicy,
        // and the load balancer checks kube-proxy's health port instead of the (policy-guarded) pod.
        ...(remote ? { loadBalancerSourceRanges: [...props.globalSources], externalTrafficPolicy: 'Local' } : {}),
      },
    });

    // NetworkPolicies add up: this one admits the global Prometheus's network besides the monitoring
    // namespace that the Prometheus construct's own policy admits.
    if (remote) {
      new KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: { name: this.serviceName, namespace: props.namespace, labels },
        spec: {
          podSelector: { matchLabels: { ...props.podSelector } },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: props.globalSources.map((cidr) => ({ ipBlock: { cidr } })),
              ports: [{ protocol: 'TCP', port: IntOrString.fromNumber(this.port) }],
            },
          ],
        },
      });
    }
  }
}

/**
 * An internal NLB made by EKS's built-in service controller (no AWS Load Balancer Controller to
 * install): instance targets keep the client address, and `loadBalancerSourceRanges` becomes its rules.
 */
function internalNlbAnnotations(): Record<string, string> {
  return {
    'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
    'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
  };
}
