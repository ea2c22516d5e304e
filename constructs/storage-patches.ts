// What the storage constructs (PostgreSQL, Redis, backups) share and what cdk8s-plus-27 cannot
// express for them, each in one named helper so the constructs stay declarative.
import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct, IConstruct } from 'constructs';

/** The uid and gid the official postgres and redis images create their user with. */
export const DATABASE_UID = 999;

/**
 * Pod identity of the database images: fsGroup makes the data volume writable for uid 999, and
 * ON_ROOT_MISMATCH skips the recursive chown of a large volume on every restart.
 */
export function databasePodSecurityContext(): kplus.PodSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: DATABASE_UID,
    group: DATABASE_UID,
    fsGroup: DATABASE_UID,
    fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
  };
}

/**
 * Pod-level `seccompProfile: RuntimeDefault` of a CronJob's pod template; the shared helper patches
 * `spec.template`, which a CronJob keeps under `spec.jobTemplate.spec.template`.
 */
export function useRuntimeDefaultSeccompInCronJob(cronJob: IConstruct): void {
  ApiObject.of(cronJob).addJsonPatch(
    JsonPatch.add('/spec/jobTemplate/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
  );
}

/** Ingress only from pods of the database's own namespace and of the listed client namespaces, on its port. */
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
