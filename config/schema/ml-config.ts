// Typed settings of the three ML ConfigMaps (training-config, router-config, inference-config).
// Field names are the ConfigMap keys the runbooks patch, so they stay snake_case on purpose.
import { z } from 'zod';

const AMP_DTYPES = ['float16', 'bfloat16'] as const;
const ROUTER_TYPES = ['top_k', 'switch', 'expert_choice'] as const;
const CACHE_POLICIES = ['lru', 'lfu'] as const;
const QUANTIZATION_METHODS = ['int8', 'int4', 'fp8'] as const;
const COMPILATION_BACKENDS = ['inductor', 'cudagraphs'] as const;

const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `must be one of ${values.join(', ')}` });
const flag = z.boolean({ error: 'must be true or false' });
/** An integer in [min, max]; the error names the range so a bad value says what would do. */
const intIn = (min: number, max: number) =>
  z
    .int({ error: `must be an integer from ${min} to ${max}` })
    .min(min, { error: `must be at least ${min} (allowed ${min}–${max})` })
    .max(max, {
      error: `must be at most ${max} (allowed ${min}–${max})`,
    });
const numberIn = (min: number, max: number) =>
  z
    .number({ error: `must be a number from ${min} to ${max}` })
    .min(min, { error: `must be at least ${min} (allowed ${min}–${max})` })
    .max(max, {
      error: `must be at most ${max} (allowed ${min}–${max})`,
    });

/** A strict object whose unknown-key error lists the keys it allows (and `note`, when given). */
function strict<S extends z.core.$ZodLooseShape>(shape: S, note?: string) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.join(', ')}; allowed: ${allowed}${note ? `. ${note}` : ''}`
        : undefined,
  });
}

/**
 * training-config. `expert_capacity_factor` and `load_balance_loss_coef` are keys of that ConfigMap
 * too, but they are set once, under `router`, and copied in when rendering: two typed copies could drift.
 */
export const trainingSchema = strict(
  {
    /** Sequences per GPU per micro-batch; the first thing to lower on CUDA out-of-memory. */
    batch_size: intIn(1, 4096),
    gradient_accumulation_steps: intIn(1, 1024),
    mixed_precision: flag,
    /** Autocast dtype while mixed_precision is on; bfloat16 needs Ampere or newer. */
    amp_dtype: oneOf(AMP_DTYPES),
    /** GPUs one expert-parallel group spans; must divide router.num_experts. */
    expert_parallel_size: intIn(1, 1024),
    /** Recomputes activations in the backward pass: ~30 % slower steps for much less memory. */
    gradient_checkpointing: flag,
  },
  'expert_capacity_factor and load_balance_loss_coef are set under router and copied into training-config',
);

/** router-config: read by trainer and inference alike; its first four keys are the labels of moe_lab_router_config_info. */
export const routerSchema = strict({
  /** top_k: each token picks k experts; switch: top-1 (Switch Transformer); expert_choice: experts pick tokens. */
  router_type: oneOf(ROUTER_TYPES),
  /** Experts chosen per token. */
  top_k: intIn(1, 64),
  /** Expert capacity = factor × its even share of the batch; below 1 some experts could never be filled evenly. */
  expert_capacity_factor: numberIn(1, 8),
  /** Weight of the auxiliary load-balancing loss that pushes the router towards even expert use. */
  load_balance_loss_coef: numberIn(0, 1),
  /** Weight of the router z-loss, which keeps router logits small and training stable. */
  router_z_loss_coef: numberIn(0, 1),
  /** Multiplicative jitter on router inputs during training (0 turns it off). */
  jitter_noise: numberIn(0, 0.5),
  /** Experts in every MoE layer; the model's shape, shared by trainer and inference. */
  num_experts: intIn(2, 1024),
  /** At capacity, drop the token (true) or pass it on unchanged through the residual path (false). */
  drop_tokens: flag,
});

/** inference-config: nested groups, rendered as dotted flat keys (`expert_cache.size_gb`). */
export const inferenceSchema = strict({
  expert_cache: strict({
    enabled: flag,
    /** GPU memory set aside for cached expert weights, in GB. */
    size_gb: numberIn(0.5, 1024),
    policy: oneOf(CACHE_POLICIES),
    /** The most-used experts loaded at start; at most router.num_experts. */
    preload_top_k: intIn(0, 1024),
  }),
  dynamic_batching: strict({
    enabled: flag,
    max_batch_size: intIn(1, 4096),
    /** How long a request waits for others to fill a batch. */
    batch_timeout_ms: intIn(1, 10_000),
  }),
  quantization: strict({ enabled: flag, method: oneOf(QUANTIZATION_METHODS) }),
  compilation: strict({ enabled: flag, backend: oneOf(COMPILATION_BACKENDS) }),
});

/** The three ConfigMaps' settings, checked field by field and then against each other. */
export const mlConfigSchema = strict({ training: trainingSchema, router: routerSchema, inference: inferenceSchema }).superRefine(
  ({ training, router, inference }, ctx) => {
    const problem = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (router.top_k > router.num_experts) {
      problem(['router', 'top_k'], `${router.top_k} exceeds router.num_experts ${router.num_experts}; allowed 1–${router.num_experts}`);
    }
    if (router.router_type === 'switch' && router.top_k !== 1) {
      problem(
        ['router', 'top_k'],
        `${router.top_k} with router_type switch; a switch router routes each token to exactly 1 expert (allowed: 1)`,
      );
    }
    if (inference.expert_cache.preload_top_k > router.num_experts) {
      problem(
        ['inference', 'expert_cache', 'preload_top_k'],
        `${inference.expert_cache.preload_top_k} exceeds router.num_experts ${router.num_experts}; allowed 0–${router.num_experts}`,
      );
    }
    if (router.num_experts % training.expert_parallel_size !== 0) {
      problem(
        ['training', 'expert_parallel_size'],
        `${training.expert_parallel_size} does not divide router.num_experts ${router.num_experts}; allowed: ${divisors(router.num_experts).join(', ')}`,
      );
    }
  },
);

function divisors(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
}

export type MlConfigInput = z.input<typeof mlConfigSchema>;
export type MlConfigSettings = z.output<typeof mlConfigSchema>;
export type TrainingSettings = MlConfigSettings['training'];
export type RouterSettings = MlConfigSettings['router'];
export type InferenceSettings = MlConfigSettings['inference'];
