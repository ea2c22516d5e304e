// What the storage constructs (PostgreSQL, Redis, backups) share and what cdk8s-plus-27 cannot
// express for them, each in one named helper so the constructs stay declarative.
import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { IConstruct } from 'constructs';

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
