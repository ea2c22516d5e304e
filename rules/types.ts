/** A Prometheus recording rule, named `level:metric:operations` unless it keeps a seed name users already query. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** One Prometheus rule group; `file` names the rules file it is written to (`<file>.yml`). */
export interface RuleGroup {
  readonly name: string;
  readonly file: string;
  /** @default - the global evaluation_interval */
  readonly interval?: string;
  readonly rules: readonly RecordingRule[];
}
