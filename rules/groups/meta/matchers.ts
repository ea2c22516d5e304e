// Label matchers and annotation fragments the meta groups share.
import { JOBS } from '../../selectors';

/** Selects the Prometheus replicas' own metrics. */
export const promJob = `job="${JOBS.prometheus}"`;
/** Selects the Alertmanager peers' own metrics. */
export const amJob = `job="${JOBS.alertmanager}"`;
/** The alert's pod as `namespace/pod`, for descriptions. */
export const podRef = '{{ $labels.namespace }}/{{ $labels.pod }}';
