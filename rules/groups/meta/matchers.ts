// Label matchers and annotation fragments the meta groups share.
import { JOBS } from '../../../contracts/jobs';

/** Selects the Prometheus replicas' own metrics, and the global Prometheus's where a cluster scrapes it. */
export const promJob = `job=~"${JOBS.prometheus}|${JOBS.prometheusGlobal}"`;
/** Selects the Alertmanager peers' own metrics. */
export const amJob = `job="${JOBS.alertmanager}"`;
/** The alert's pod as `namespace/pod`, for descriptions. */
export const podRef = '{{ $labels.namespace }}/{{ $labels.pod }}';
