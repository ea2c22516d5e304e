// ConfigMap names of the ML workloads, as the seed documents them; runbooks patch these.

/** The MoE trainer's hyper-parameters (batch_size, gradient_checkpointing, learning rate, …). */
export const TRAINING_CONFIG = 'training-config';
/** The MoE router settings shared by trainer and inference (load_balance_loss_coef, expert_capacity_factor, …). */
export const ROUTER_CONFIG = 'router-config';
/** The MoE inference server's cache, batching, quantization and compile settings (expert_cache.size_gb, …). */
export const INFERENCE_CONFIG = 'inference-config';
