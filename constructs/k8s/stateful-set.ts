// What the stack's StatefulSets share: the governing Service and a data volume per replica.
import type { ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { addVolumeClaimTemplate, mountClaimTemplate } from './escape-hatches';

/** Claim template name; the controller names each replica's PVC `data-<pod>`, as the runbooks do. */
const DATA_CLAIM = 'data';

/**
 * The headless Service that governs a StatefulSet: it gives each replica a stable DNS name
 * (`<name>-0.<service>`), and cdk8s-plus adds its path-derived label to this one's selector only.
 */
export function headlessService(
  scope: Construct,
  metadata: ApiObjectMetadata,
  pods: kplus.Pods,
  ports: readonly kplus.ServicePort[],
): kplus.Service {
  return new kplus.Service(scope, 'Headless', { metadata, clusterIP: 'None', selector: pods, ports: [...ports] });
}

/** One ReadWriteOnce volume per replica at `mountPath` in the first container, kept across restarts and rescheduling. */
export function addDataVolumePerReplica(
  statefulSet: kplus.StatefulSet,
  storage: { readonly storageClass: string; readonly size: string },
  labels: Record<string, string>,
  mountPath: string,
): void {
  // Claim templates cannot change on an existing StatefulSet: a version label there would block every image upgrade.
  const stableLabels = Object.fromEntries(Object.entries(labels).filter(([key]) => key !== 'app.kubernetes.io/version'));
  addVolumeClaimTemplate(statefulSet, { name: DATA_CLAIM, storageClass: storage.storageClass, size: storage.size, labels: stableLabels });
  mountClaimTemplate(statefulSet, 0, DATA_CLAIM, mountPath);
}
