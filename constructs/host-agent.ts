import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { hostAgentPodSecurityContext, type HostAgentName } from './host-access';
import type { ComponentIdentity } from './labels';
import { selectPodsByStableLabels } from './stateful-set';

/**
 * The DaemonSet of a host agent, selected by its stable labels, with the pod security context its
 * host-access entry grants and its own ServiceAccount without a token: the agents talk to the
 * node or the kubelet's sockets, never to the API server.
 */
export function hostAgentDaemonSet(
  scope: Construct,
  name: HostAgentName,
  identity: ComponentIdentity,
  metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> },
): kplus.DaemonSet {
  const serviceAccount = new kplus.ServiceAccount(scope, 'ServiceAccount', { metadata, automountToken: false });
  const daemonSet = new kplus.DaemonSet(scope, 'DaemonSet', {
    metadata,
    select: false,
    serviceAccount,
    automountServiceAccountToken: false,
    securityContext: hostAgentPodSecurityContext(name),
  });
  selectPodsByStableLabels(daemonSet, identity);
  return daemonSet;
}
