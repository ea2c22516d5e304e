import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';

export interface GrafanaTrafficProps {
  /** The monitoring namespace: Grafana, its backends and the pods allowed to reach it. */
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** The Grafana pods the policy applies to. */
  readonly pods: kplus.Pods;
  /** Grafana's HTTP port. */
  readonly port: number;
  /** Ports of the datasource backends (Prometheus, Alertmanager, Loki, Jaeger) in `namespace`. */
  readonly backendPorts: readonly number[];
  /**
   * Port of the PostgreSQL server, when Grafana uses one.
   * @default - no database egress (SQLite)
   */
  readonly databasePort?: number;
}

/**
 * Ingress to the UI from the monitoring namespace only (port-forward bypasses policies), and egress
 * only to DNS, the datasource backends and the database: Grafana needs nothing from the internet.
 */
export function allowGrafanaTraffic(scope: Construct, props: GrafanaTrafficProps): kplus.NetworkPolicy {
  const monitoringPods = kplus.Pods.all(scope, 'MonitoringPods', {
    namespaces: kplus.Namespaces.select(scope, 'MonitoringNamespace', { names: [props.namespace] }),
  });
  const dns = kplus.Pods.select(scope, 'ClusterDns', {
    labels: { 'k8s-app': 'kube-dns' },
    namespaces: kplus.Namespaces.select(scope, 'KubeSystem', { names: ['kube-system'] }),
  });
  const egress: kplus.NetworkPolicyRule[] = [
    { peer: dns, ports: [kplus.NetworkPolicyPort.udp(53), kplus.NetworkPolicyPort.tcp(53)] },
    { peer: monitoringPods, ports: [...new Set(props.backendPorts)].map((port) => kplus.NetworkPolicyPort.tcp(port)) },
  ];
  if (props.databasePort !== undefined) {
    // The database may run in any namespace or outside the cluster (RDS), so only its port is fixed.
    const port = [kplus.NetworkPolicyPort.tcp(props.databasePort)];
    const anywhere = kplus.Pods.all(scope, 'AllPods', { namespaces: kplus.Namespaces.all(scope, 'AllNamespaces') });
    egress.push({ peer: anywhere, ports: port }, { peer: kplus.NetworkPolicyIpBlock.anyIpv4(scope, 'AnyIpv4'), ports: port });
  }
  return new kplus.NetworkPolicy(scope, 'NetworkPolicy', {
    metadata: { name: 'grafana', namespace: props.namespace, labels: props.labels },
    selector: props.pods,
    ingress: { rules: [{ peer: monitoringPods, ports: [kplus.NetworkPolicyPort.tcp(props.port)] }] },
    egress: { rules: egress },
  });
}
