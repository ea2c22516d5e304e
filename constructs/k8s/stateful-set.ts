// What the stack's StatefulSets share: replica check, governing Service, pod selector, rollout trigger
// and data volume.
import { createHash } from 'node:crypto';
import type { ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { addVolumeClaimTemplate, mountClaimTemplate } from './escape-hatches';
import { selectorLabels, standardLabels, type ComponentIdentity } from './labels';

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

/** Throws naming the component unless `replicas` is a whole number of at least 1. */
export function validateReplicas(component: string, replicas: number): void {
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new Error(`${component} replicas: got ${replicas}; must be a whole number of at least 1`);
  }
}

/**
 * Selects the workload's pods by the component's stable labels, and gives its pod template every
 * standard label. Build the workload with `select: false`: cdk8s-plus would otherwise select on its
 * path-derived `cdk8s.io/metadata.addr`, which changes when a construct moves.
 */
export function selectPodsByStableLabels(workload: kplus.Workload, identity: ComponentIdentity): void {
  workload.select(kplus.LabelSelector.of({ labels: selectorLabels(identity) }));
  for (const [key, value] of Object.entries(standardLabels(identity))) workload.podMetadata.addLabel(key, value);
}

/**
 * Annotates the pod template with the SHA-256 of the mounted config files, in order: a changed file
 * changes the hash, which rolls the pods; a ConfigMap change alone would not.
 */
export function addConfigChecksum(workload: kplus.Workload, ...contents: readonly string[]): void {
  const hash = createHash('sha256');
  for (const content of contents) hash.update(content);
  workload.podMetadata.addAnnotation('checksum/config', hash.digest('hex'));
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
