// What the storage constructs (PostgreSQL, Redis, backups) share.
import * as kplus from 'cdk8s-plus-27';

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
