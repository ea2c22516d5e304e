import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';

/**
 * Ingress on its port only from pods of the workload's own namespace and of the listed client
 * namespaces, or from every namespace (`'cluster'`, for a service whose clients are not known here).
 */
export function allowClients(
  scope: Construct,
  options: {
    namespace: string;
    labels: Record<string, string>;
    pods: kplus.Pods;
    port: number;
    clientNamespaces: readonly string[] | 'cluster';
  },
): kplus.NetworkPolicy {
  const peers =
    options.clientNamespaces === 'cluster'
      ? kplus.Pods.all(scope, 'AllPods', { namespaces: kplus.Namespaces.all(scope, 'AllNamespaces') })
      : kplus.Pods.all(scope, 'ClientPods', {
          namespaces: kplus.Namespaces.select(scope, 'ClientNamespaces', {
            names: [...new Set([options.namespace, ...options.clientNamespaces])],
          }),
        });
  return new kplus.NetworkPolicy(scope, 'NetworkPolicy', {
    metadata: { name: options.labels['app.kubernetes.io/name'], namespace: options.namespace, labels: options.labels },
    selector: options.pods,
    ingress: { rules: [{ peer: peers, ports: [kplus.NetworkPolicyPort.tcp(options.port)] }] },
  });
}
