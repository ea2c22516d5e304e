import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';

/** Ingress only from pods of the workload's own namespace and of the listed client namespaces, on its port. */
export function allowClients(
  scope: Construct,
  options: { namespace: string; labels: Record<string, string>; pods: kplus.Pods; port: number; clientNamespaces: readonly string[] },
): kplus.NetworkPolicy {
  const names = [...new Set([options.namespace, ...options.clientNamespaces])];
  const peers = kplus.Pods.all(scope, 'ClientPods', { namespaces: kplus.Namespaces.select(scope, 'ClientNamespaces', { names }) });
  return new kplus.NetworkPolicy(scope, 'NetworkPolicy', {
    metadata: { name: options.labels['app.kubernetes.io/name'], namespace: options.namespace, labels: options.labels },
    selector: options.pods,
    ingress: { rules: [{ peer: peers, ports: [kplus.NetworkPolicyPort.tcp(options.port)] }] },
  });
}
