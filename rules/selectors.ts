// Selectors shared by rules and (later) dashboards, so a job name or filter lives in one place.

/** Scrape job names, as set in the Prometheus construct's scrape jobs. */
export const JOBS = {
  nodeExporter: 'node-exporter',
  cadvisor: 'kubernetes-cadvisor',
} as const;

/** Pseudo filesystems that would skew disk usage towards 0 or 100 %. */
export const IGNORED_FSTYPES = 'tmpfs|overlay|squashfs|nsfs|ramfs';
