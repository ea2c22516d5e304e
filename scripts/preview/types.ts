// The report of one environment: what the JSON output holds and what the Markdown is written from.

/** Semantic sections, in the order the report shows them. */
export const SECTIONS = ['alerts', 'routing', 'dashboards', 'workloads', 'prometheus'] as const;
export type Section = (typeof SECTIONS)[number];

/** One reviewer-facing change, e.g. `GPUMemoryUsageHigh: threshold 95 → 90`; `group` is the dashboard uid. */
export interface SemanticChange {
  readonly section: Section;
  readonly group?: string;
  readonly text: string;
}

export type RiskKind =
  | 'alert-removed'
  | 'critical-downgraded'
  | 'retention-reduced'
  | 'storage-shrunk'
  | 'storage-deleted'
  | 'secret-ref-changed'
  /** A changed size or duration the preview cannot read, so it cannot tell whether it shrank. */
  | 'quantity-unreadable'
  /** A StatefulSet's volumeClaimTemplates changed: Kubernetes refuses the update, the set must be recreated. */
  | 'claim-templates-changed';

export interface Risk {
  readonly kind: RiskKind;
  readonly text: string;
}

/** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
export type ObjectKey = string;

export interface ChangedObject {
  readonly key: ObjectKey;
  readonly component: string;
  /** Field-level lines, capped per object. */
  readonly fields: readonly string[];
}

export interface FileChange {
  readonly path: string;
  /** Size of the changed region in lines (0 for added/removed files). */
  readonly lines: number;
}

export interface EnvironmentReport {
  readonly environment: string;
  readonly objects: {
    readonly added: ReadonlyArray<{ readonly key: ObjectKey; readonly component: string }>;
    readonly removed: ReadonlyArray<{ readonly key: ObjectKey; readonly component: string }>;
    readonly changed: readonly ChangedObject[];
  };
  readonly configFiles: { readonly added: readonly string[]; readonly removed: readonly string[]; readonly changed: readonly FileChange[] };
  readonly changes: readonly SemanticChange[];
  readonly risks: readonly Risk[];
}

/** A parsed Kubernetes object; only the fields the preview reads are typed. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}

/** Every object of an environment's manifests, by key, with the component (manifest file) it came from. */
export type ObjectIndex = ReadonlyMap<ObjectKey, { readonly component: string; readonly object: KubeObject }>;
