import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { addContainerWithSecurityContext, type PinnedContainerProps } from './container';
import { hostAgentPodSecurityContext, hostAgentSecurityContext, type HostAgentName } from './host-access';
import type { ComponentIdentity } from './labels';
import { selectPodsByStableLabels } from './pod-metadata';

export interface HostAgentOptions {
  /**
   * Mounts a token of the agent's ServiceAccount, for an agent that reads the Kubernetes API
   * (Fluent Bit looks up pod metadata); give it RBAC for exactly what it reads.
   * @default false
   */
  readonly apiToken?: boolean;
}

/**
 * The DaemonSet of a host agent, selected by its stable labels, with the pod security context its
 * host-access entry grants and its own ServiceAccount, without a token unless `apiToken` asks for
 * one: most agents talk to the node or the kubelet's sockets, never to the API server.
 */
export function hostAgentDaemonSet(
  scope: Construct,
  name: HostAgentName,
  identity: ComponentIdentity,
  metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> },
  options: HostAgentOptions = {},
): kplus.DaemonSet {
  const apiToken = options.apiToken ?? false;
  const serviceAccount = new kplus.ServiceAccount(scope, 'ServiceAccount', { metadata, automountToken: apiToken });
  const daemonSet = new kplus.DaemonSet(scope, 'DaemonSet', {
    metadata,
    select: false,
    serviceAccount,
    automountServiceAccountToken: apiToken,
    securityContext: hostAgentPodSecurityContext(name),
  });
  selectPodsByStableLabels(daemonSet, identity);
  return daemonSet;
}

/**
 * Adds the host agent's container: pinned image, IfNotPresent and resources as `addPinnedContainer`
 * writes them, but the security context (user, added capabilities) its host-access entry grants.
 */
export function addHostAgentContainer(daemonSet: kplus.DaemonSet, name: HostAgentName, props: PinnedContainerProps): kplus.Container {
  return addContainerWithSecurityContext(daemonSet, props, hostAgentSecurityContext(name));
}
