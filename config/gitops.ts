// Where each environment's GitOps tree lives and how Argo CD syncs it. A fragment of the
// environment settings: `npm run gitops` writes the tree, Argo CD in each cluster applies it.
import { z } from 'zod';
import { dnsLabel } from './primitives';

/** An https or scp-style ssh Git URL, the form Argo CD's repository credentials match on. */
const REPO_URL = /^(https:\/\/[a-z0-9.-]+(:\d+)?\/[^\s]+|git@[a-z0-9.-]+:[^\s]+)$/;
/** A branch, tag or commit; `HEAD` follows the default branch. */
const REVISION = /^[A-Za-z0-9_][A-Za-z0-9._/-]*$/;
/** `.` (the repository root) or a relative directory without `..`, the layout Argo CD's `source.path` takes. */
const REPO_DIR = /^(\.|[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*)$/;
const HTTPS_URL = /^https:\/\/[a-z0-9.-]+(:\d+)?$/;

/** Automated: Argo CD syncs every commit; manual: a person presses sync after reviewing the diff. */
export const syncPolicySchema = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({
      mode: z.literal('automated'),
      /** Delete objects that left the tree (a removed component or object). */
      prune: z.boolean(),
      /** Revert changes made in the cluster by hand. */
      selfHeal: z.boolean(),
    }),
    z.strictObject({ mode: z.literal('manual') }),
  ],
  { error: 'mode must be one of automated, manual' },
);

export const gitopsSchema = z.strictObject({
  /** The GitOps repository `npm run gitops -- --out <clone>` fills and Argo CD reads. */
  repoURL: z.string().regex(REPO_URL, { error: 'must be a Git URL such as https://github.com/moe-lab/gitops.git' }),
  /** Branch, tag or commit Argo CD follows. */
  targetRevision: z.string().regex(REVISION, { error: 'must be a branch, tag or commit such as main' }),
  /** Directory of the repository that corresponds to `--out`; the tree of env `e` is `<rootPath>/e/`. */
  rootPath: z.string().regex(REPO_DIR, { error: 'must be "." or a relative directory such as environments, without ".."' }),
  /** The cluster Argo CD deploys to; `https://kubernetes.default.svc` is the cluster Argo CD runs in. */
  destinationServer: z.string().regex(HTTPS_URL, { error: 'must be an https:// API server URL such as https://kubernetes.default.svc' }),
  /** Namespace Argo CD runs in and watches for Application objects. */
  argocdNamespace: dnsLabel,
  /** AppProject holding this environment's Applications. */
  project: dnsLabel,
  syncPolicy: syncPolicySchema,
});

export type GitopsInput = z.input<typeof gitopsSchema>;
export type GitopsSettings = z.output<typeof gitopsSchema>;
export type SyncPolicySettings = GitopsSettings['syncPolicy'];

/** A placeholder: point it at the organisation's GitOps repository. */
const REPO = 'https://github.com/moe-lab/gitops.git';
const common = {
  repoURL: REPO,
  targetRevision: 'main',
  rootPath: '.',
  destinationServer: 'https://kubernetes.default.svc',
  argocdNamespace: 'argocd',
} as const;

/** dev and staging follow every commit; prod waits for a person to sync after review. */
export const GITOPS_DEFAULTS: Readonly<Record<'dev' | 'staging' | 'prod', GitopsInput>> = {
  dev: { ...common, project: 'gpu-observability-dev', syncPolicy: { mode: 'automated', prune: true, selfHeal: true } },
  staging: { ...common, project: 'gpu-observability-staging', syncPolicy: { mode: 'automated', prune: true, selfHeal: true } },
  prod: { ...common, project: 'gpu-observability-prod', syncPolicy: { mode: 'manual' } },
};

type Checked = { problems: string[]; settings?: GitopsSettings };

/** One environment's GitOps settings, validated; problems read `environment "prod": gitops.<field>: <message>`. */
export function checkGitops(environment: string, input: unknown): Checked {
  const parsed = gitopsSchema.safeParse(input, { reportInput: true });
  if (parsed.success) return { problems: [], settings: parsed.data };
  const problems = parsed.error.issues.map((issue) => {
    const field = ['gitops', ...issue.path.map(String)].join('.');
    const message = issue.code === 'invalid_type' && issue.input === undefined ? 'missing' : issue.message;
    return `environment "${environment}": ${field}: ${message}`;
  });
  return { problems };
}
