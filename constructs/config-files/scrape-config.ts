// A typed model of the parts of prometheus.yml this stack writes. Field names follow Prometheus's
// own YAML so the objects serialise as-is.

/** Roles of Kubernetes service discovery that this stack uses. */
export type KubernetesSdRole = 'pod' | 'endpointslice' | 'node' | 'service';

export interface KubernetesSdConfig {
  readonly role: KubernetesSdRole;
  readonly namespaces?: { readonly names: readonly string[] };
}

export type RelabelAction = 'replace' | 'keep' | 'drop' | 'keepequal' | 'dropequal' | 'labelmap' | 'labeldrop' | 'labelkeep';

export interface RelabelConfig {
  readonly source_labels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly target_label?: string;
  readonly replacement?: string;
  readonly action?: RelabelAction;
}

export interface StaticConfig {
  readonly targets: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ScrapeJob {
  readonly job_name: string;
  readonly scrape_interval?: string;
  readonly scheme?: 'http' | 'https';
  readonly metrics_path?: string;
  /** Query parameters, e.g. `match[]` selectors of a federation job. */
  readonly params?: Readonly<Record<string, readonly string[]>>;
  readonly honor_labels?: boolean;
  /** Discovery, for every job in a cluster; a federation job lists its targets instead. */
  readonly kubernetes_sd_configs?: readonly KubernetesSdConfig[];
  readonly static_configs?: readonly StaticConfig[];
  readonly tls_config?: { readonly ca_file?: string; readonly insecure_skip_verify?: boolean };
  readonly authorization?: { readonly credentials_file: string };
  readonly relabel_configs: readonly RelabelConfig[];
  readonly metric_relabel_configs?: readonly RelabelConfig[];
}

/** A discovery block for `role`, optionally limited to some namespaces. */
export function kubernetesSd(role: KubernetesSdRole, namespaces?: readonly string[]): KubernetesSdConfig[] {
  return [{ role, ...(namespaces ? { namespaces: { names: [...namespaces] } } : {}) }];
}

/** Copies a discovery label to a target label, e.g. `__meta_kubernetes_namespace` → `namespace`. */
export function copyLabel(source: string, target: string): RelabelConfig {
  return { source_labels: [source], target_label: target, action: 'replace' };
}

/** Sets `target` from `source` only when the source is non-empty, leaving an earlier value otherwise. */
export function overrideLabel(source: string, target: string): RelabelConfig {
  return { source_labels: [source], regex: '(.+)', target_label: target, replacement: '$1', action: 'replace' };
}

export function keepIf(source: string, regex: string): RelabelConfig {
  return { source_labels: [source], regex, action: 'keep' };
}

export function dropIf(source: string, regex: string): RelabelConfig {
  return { source_labels: [source], regex, action: 'drop' };
}
