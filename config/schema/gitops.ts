// Who applies an environment's charts, and for Argo CD where its GitOps tree lives and how it syncs.
// A fragment of the environment schema. Every chart has one owner: with `argocd`, `pulumi up` builds
// the AWS side, the cluster's bootstrap (namespaces, priority classes, StorageClasses, Secrets) and
// Argo CD with its root Application, and Argo CD applies everything else from the tree `npm run gitops`
// writes; with `pulumi`, `pulumi up` applies every chart itself and the environment has no tree.
import { z } from 'zod';
import { dnsLabel } from './primitives';

export const DELIVERIES = ['argocd', 'pulumi'] as const;

/** An https or scp-style ssh Git URL, the forms Argo CD's repository credentials match on. */
const REPO_URL = /^(https:\/\/[a-z0-9.-]+(:\d+)?\/[^\s]+|git@[a-z0-9.-]+:[^\s]+)$/;
/** A branch, tag or commit; `HEAD` follows the default branch. */
const REVISION = /^[A-Za-z0-9_][A-Za-z0-9._/-]*$/;
/** `.` (the repository root) or a relative directory without `..`, the layout Argo CD's `source.path` takes. */
const REPO_DIR = /^(\.|[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*)$/;
const SEMVER = /^\d+\.\d+\.\d+$/;

/** The API server of the cluster Argo CD runs in: each environment's Argo CD deploys to its own cluster. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** True for scp-style ssh URLs; Argo CD then needs the private key the Pulumi program places. */
export const isSshRepo = (repoURL: string) => repoURL.startsWith('git@');

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

const argocdDelivery = z.strictObject({
  delivery: z.literal('argocd'),
  /** The GitOps repository `npm run gitops -- --out <clone>` fills and Argo CD reads. */
  repoURL: z.string().regex(REPO_URL, { error: 'must be a Git URL such as git@github.com:moe-lab/gitops.git' }),
  /** Branch, tag or commit Argo CD follows. */
  targetRevision: z.string().regex(REVISION, { error: 'must be a branch, tag or commit such as main' }),
  /** Directory of the repository that corresponds to `--out`; the tree of env `e` is `<rootPath>/e/`. */
  rootPath: z.string().regex(REPO_DIR, { error: 'must be "." or a relative directory such as environments, without ".."' }),
  /** Namespace Argo CD is installed into and watches for Application objects. */
  argocdNamespace: dnsLabel,
  /** AppProject holding this environment's Applications. */
  project: dnsLabel,
  syncPolicy: syncPolicySchema,
  /** Version of the argo-cd Helm chart (argoproj/argo-helm) the Pulumi program installs. */
  chartVersion: z.string().regex(SEMVER, { error: 'must be a chart version such as 9.1.0' }),
});

export const gitopsSchema = z.discriminatedUnion('delivery', [argocdDelivery, z.strictObject({ delivery: z.literal('pulumi') })], {
  error: `delivery must be one of ${DELIVERIES.join(', ')}`,
});

export type GitopsInput = z.input<typeof gitopsSchema>;
export type GitopsSettings = z.output<typeof gitopsSchema>;
/** The settings of an environment Argo CD delivers. */
export type ArgoCdSettings = z.output<typeof argocdDelivery>;
export type SyncPolicySettings = ArgoCdSettings['syncPolicy'];
