import { createHash } from 'node:crypto';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { MlConfigError, parseMlConfig, type MlConfigSettings } from '../../config/ml-config';
import { DNS_LABEL } from '../../config/schema/primitives';
import { INFERENCE_CONFIG, ROUTER_CONFIG, TRAINING_CONFIG } from '../../contracts/config-maps';
import { ComponentChart } from '../assembly/component-chart';
import { standardLabels } from '../k8s/labels';
import { GENERATED_HEADER } from '../../contracts/generated-header';

/** The ConfigMaps' names; the runbooks patch the first two by these names. */
export const ML_CONFIG_MAP_NAMES = { training: TRAINING_CONFIG, router: ROUTER_CONFIG, inference: INFERENCE_CONFIG } as const;

type Value = string | number | boolean;
/** Key/value pairs in the order they are written; arrays, not objects, so the order is never left to chance. */
type Entries = ReadonlyArray<readonly [string, Value]>;

/**
 * training-config. The router's capacity factor and balance-loss weight are copied from the router
 * settings, their one source of truth, because the seed and the trainer read them here too.
 */
export function trainingConfigEntries({ training, router }: MlConfigSettings): Entries {
  return [
    ['batch_size', training.batch_size],
    ['gradient_accumulation_steps', training.gradient_accumulation_steps],
    ['mixed_precision', training.mixed_precision],
    ['amp_dtype', training.amp_dtype],
    ['expert_parallel_size', training.expert_parallel_size],
    ['load_balance_loss_coef', router.load_balance_loss_coef],
    ['expert_capacity_factor', router.expert_capacity_factor],
    ['gradient_checkpointing', training.gradient_checkpointing],
  ];
}

/** router-config; the first four keys are the labels of moe_lab_router_config_info, in its order. */
export function routerConfigEntries({ router }: MlConfigSettings): Entries {
  return [
    ['router_type', router.router_type],
    ['top_k', router.top_k],
    ['expert_capacity_factor', router.expert_capacity_factor],
    ['load_balance_loss_coef', router.load_balance_loss_coef],
    ['router_z_loss_coef', router.router_z_loss_coef],
    ['jitter_noise', router.jitter_noise],
    ['num_experts', router.num_experts],
    ['drop_tokens', router.drop_tokens],
  ];
}

/**
 * inference-config as flat dotted keys (`expert_cache.size_gb`), not one embedded file: runbooks
 * change a ConfigMap with `kubectl patch --type merge -p '{"data":{KEY:VALUE}}'`, which only works on flat keys.
 */
export function inferenceConfigEntries({ inference }: MlConfigSettings): Entries {
  const { expert_cache: cache, dynamic_batching: batching, quantization, compilation } = inference;
  return [
    ['expert_cache.enabled', cache.enabled],
    ['expert_cache.size_gb', cache.size_gb],
    ['expert_cache.policy', cache.policy],
    ['expert_cache.preload_top_k', cache.preload_top_k],
    ['dynamic_batching.enabled', batching.enabled],
    ['dynamic_batching.max_batch_size', batching.max_batch_size],
    ['dynamic_batching.batch_timeout_ms', batching.batch_timeout_ms],
    ['quantization.enabled', quantization.enabled],
    ['quantization.method', quantization.method],
    ['compilation.enabled', compilation.enabled],
    ['compilation.backend', compilation.backend],
  ];
}

/** ConfigMap values are strings; numbers and booleans are written the way Python's and JSON's parsers read them. */
export function renderMlConfigData(entries: Entries): Record<string, string> {
  return Object.fromEntries(entries.map(([key, value]) => [key, String(value)]));
}

/** The data of one ConfigMap as a YAML file, keys in their fixed order, values quoted as strings. */
export function renderMlConfigText(name: string, data: Readonly<Record<string, string>>): string {
  return `${GENERATED_HEADER}# data of ConfigMap ${name}\n${stringify(data, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' })}`;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** One rendered ML ConfigMap and what a workload needs to mount it and roll on its change. */
export interface RenderedMlConfigMap {
  readonly name: string;
  /** The ConfigMap's data, keys in their fixed order (the synthesized manifest lists them sorted, as cdk8s does every map). */
  readonly data: Readonly<Record<string, string>>;
  /** `data` as the YAML file written beside the manifests. */
  readonly text: string;
  /** SHA-256 of `text`: put it in a pod-template annotation so a changed value rolls the pods. */
  readonly checksum: string;
  readonly configMap: kplus.ConfigMap;
}

export interface MlConfigMapsProps {
  /** The environment's ML settings; checked again here, so the construct cannot render an invalid map. */
  readonly settings: MlConfigSettings;
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  /**
   * Namespace of the ML workloads that read the ConfigMaps.
   * @default 'moe-lab'
   */
  readonly namespace?: string;
}

/**
 * training-config, router-config and inference-config for the ML workloads. Not immutable on
 * purpose: the runbooks patch them during incidents, and the next deploy puts the typed values back.
 */
export class MlConfigMaps extends Construct {
  public readonly namespace: string;
  public readonly training: RenderedMlConfigMap;
  public readonly router: RenderedMlConfigMap;
  public readonly inference: RenderedMlConfigMap;
  /** SHA-256 over the three checksums, for a workload that reads all of them. */
  public readonly checksum: string;

  constructor(scope: Construct, id: string, props: MlConfigMapsProps) {
    super(scope, id);
    this.namespace = props.namespace ?? 'moe-lab';
    if (!DNS_LABEL.test(this.namespace)) {
      throw new Error(
        `MlConfigMaps namespace: got "${this.namespace}"; allowed: a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters)`,
      );
    }
    if (!DNS_LABEL.test(props.instance)) {
      throw new Error(`MlConfigMaps instance: got "${props.instance}"; allowed: a DNS-1123 label such as moe-lab-prod`);
    }
    const settings = checkedSettings(props.settings);

    const build = (cmId: string, name: string, entries: Entries): RenderedMlConfigMap => {
      const data = renderMlConfigData(entries);
      const text = renderMlConfigText(name, data);
      const labels = standardLabels({ name, component: 'ml-config', instance: props.instance });
      const configMap = new kplus.ConfigMap(this, cmId, { metadata: { name, namespace: this.namespace, labels }, data });
      return { name, data, text, checksum: sha256(text), configMap };
    };
    this.training = build('TrainingConfig', ML_CONFIG_MAP_NAMES.training, trainingConfigEntries(settings));
    this.router = build('RouterConfig', ML_CONFIG_MAP_NAMES.router, routerConfigEntries(settings));
    this.inference = build('InferenceConfig', ML_CONFIG_MAP_NAMES.inference, inferenceConfigEntries(settings));
    this.checksum = sha256([this.training, this.router, this.inference].map((map) => map.checksum).join('\n'));

    ComponentChart.addConfigFiles(
      this,
      Object.fromEntries([this.training, this.router, this.inference].map((map) => [`ml-config/${map.name}.yaml`, map.text])),
    );
  }
}

function checkedSettings(settings: MlConfigSettings): MlConfigSettings {
  try {
    return parseMlConfig(settings);
  } catch (error) {
    if (error instanceof MlConfigError) {
      throw new Error(`MlConfigMaps settings: ${error.problems.map((p) => `settings.${p}`).join('; ')}`, { cause: error });
    }
    throw error;
  }
}
