/** One thing to do: a sentence, optionally with a shell command or a PromQL query to run. */
export interface RunbookStep {
  readonly text: string;
  /** Shell, usually kubectl; shown as a `sh` block. */
  readonly command?: string;
  /** PromQL to run in Prometheus or Grafana Explore; shown as a `promql` block. */
  readonly query?: string;
}

/** What an on-call engineer needs when the alert named `alert` fires. */
export interface Runbook {
  readonly alert: string;
  /** What the alert means, in one or two sentences. */
  readonly meaning: string;
  /** What breaks, for whom, if nobody acts. */
  readonly impact: string;
  readonly diagnosis: readonly RunbookStep[];
  readonly mitigation: readonly RunbookStep[];
}
