// What every workload kind (Deployment, StatefulSet, DaemonSet) does to its pods' metadata: labels
// them and selects them by the stable labels, and annotates the config checksum that rolls them.
import { createHash } from 'node:crypto';
import * as kplus from 'cdk8s-plus-27';
import { selectorLabels, standardLabels, type ComponentIdentity } from './labels';

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
