// Selectors shared by rules and dashboards, so a filter lives in one place. Job and app names: contracts/jobs.ts.

/** Pseudo filesystems that would skew disk usage towards 0 or 100 %. */
export const IGNORED_FSTYPES = 'tmpfs|overlay|squashfs|nsfs|ramfs';
