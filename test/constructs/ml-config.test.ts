import { Testing } from 'cdk8s';
import { loadEnvironments } from '../../config';
import { defaults } from '../../config/environments/defaults';
import { mlConfigProblems, resolveMlConfig, type MlConfigSettings } from '../../config/ml-config';
import { mergeDeep } from '../../config/merge';
import { ComponentChart } from '../../constructs/assembly/component-chart';
import { MlConfigMaps, type MlConfigMapsProps } from '../../constructs/components/ml-config-maps';
import { moeLabMetrics } from '../../rules/catalog/moe-lab';
import { RUNBOOKS } from '../../rules/runbooks';
import { validateAgainstSchema, type KubeObject } from '../helpers/manifests';

/** The issue's values, every environment's starting point (config/environments/defaults.ts). */
const ML_DEFAULTS: MlConfigSettings = defaults.mlConfig;
/** Each environment's resolved ML settings, by name. */
const ML_BY_ENVIRONMENT = Object.fromEntries(loadEnvironments().map((env) => [env.name, env.mlConfig]));

type ConfigMapObject = KubeObject & { data: Record<string, string> };

/** The three ConfigMaps `settings` synthesizes to, by name, plus the chart's config files. */
function synthMaps(settings: MlConfigSettings, props: Partial<MlConfigMapsProps> = {}) {
  const chart = new ComponentChart(Testing.app(), 'ml-config', { component: 'ml-config' });
  const construct = new MlConfigMaps(chart, 'MlConfigMaps', { settings, instance: 'moe-lab-test', ...props });
  const objects = Testing.synth(chart) as ConfigMapObject[];
  const byName = Object.fromEntries(objects.map((o) => [o.metadata.name, o]));
  return { objects, byName, construct, files: chart.configFiles };
}

// The issue's keys and values, written out here rather than read from the implementation.
const ISSUE_TRAINING_CONFIG = {
  batch_size: '32',
  gradient_accumulation_steps: '4',
  mixed_precision: 'true',
  amp_dtype: 'float16',
  expert_parallel_size: '4',
  load_balance_loss_coef: '0.01',
  expert_capacity_factor: '1.25',
  gradient_checkpointing: 'false',
};
const ISSUE_INFERENCE_CONFIG = {
  'expert_cache.enabled': 'true',
  'expert_cache.size_gb': '8',
  'expert_cache.policy': 'lru',
  'expert_cache.preload_top_k': '4',
  'dynamic_batching.enabled': 'true',
  'dynamic_batching.max_batch_size': '32',
  'dynamic_batching.batch_timeout_ms': '50',
  'quantization.enabled': 'true',
  'quantization.method': 'int8',
  'compilation.enabled': 'true',
  'compilation.backend': 'inductor',
};

describe('ML ConfigMaps: keys and default values', () => {
  it('GIVEN the defaults WHEN synthesized THEN training-config holds exactly the issue keys and values', () => {
    const { byName, construct, files } = synthMaps(ML_DEFAULTS);
    expect(byName['training-config'].data).toEqual(ISSUE_TRAINING_CONFIG);
    // The rendered data and file keep the issue's order; the manifest is sorted by cdk8s, stable either way.
    expect(Object.keys(construct.training.data)).toEqual(Object.keys(ISSUE_TRAINING_CONFIG));
    const fileKeys = [...files.get('ml-config/training-config.yaml')!.matchAll(/^(\w+):/gm)].map((m) => m[1]);
    expect(fileKeys).toEqual(Object.keys(ISSUE_TRAINING_CONFIG));
    expect(Object.keys(byName['training-config'].data)).toEqual(Object.keys(ISSUE_TRAINING_CONFIG).sort());
  });

  it('GIVEN the defaults WHEN synthesized THEN inference-config holds the issue settings as dotted keys', () => {
    const { byName } = synthMaps(ML_DEFAULTS);
    expect(byName['inference-config'].data).toEqual(ISSUE_INFERENCE_CONFIG);
  });

  it('GIVEN the defaults WHEN synthesized THEN router-config carries every label of moe_lab_router_config_info, agreeing with training-config', () => {
    const { byName } = synthMaps(ML_DEFAULTS);
    const router = byName['router-config'].data;
    const info = moeLabMetrics.find((m) => m.name === 'moe_lab_router_config_info');
    expect(info?.labels).toBeDefined();
    for (const label of info!.labels!) expect(router).toHaveProperty([label]);
    expect(router).toEqual(
      expect.objectContaining({ router_type: 'top_k', expert_capacity_factor: '1.25', load_balance_loss_coef: '0.01', num_experts: '8' }),
    );
  });

  it('GIVEN the runbooks WHEN they patch an ML ConfigMap THEN every key they patch exists in that ConfigMap', () => {
    const { byName } = synthMaps(ML_DEFAULTS);
    const patches = RUNBOOKS.flatMap((r) => [...r.diagnosis, ...r.mitigation])
      .map((step) => step.command ?? '')
      .flatMap((command) => [...command.matchAll(/patch configmap -n \S+ (\S+) --type merge[\s\\]+-p '(\{.*\})'/g)]);
    expect(patches.length).toBeGreaterThanOrEqual(2);
    for (const [, name, body] of patches) {
      const keys = Object.keys((JSON.parse(body) as { data: Record<string, string> }).data);
      expect(Object.keys(byName[name]?.data ?? {})).toEqual(expect.arrayContaining(keys));
    }
  });

  it('GIVEN the defaults WHEN synthesized THEN each object is a valid, labelled ConfigMap in moe-lab', () => {
    const { objects } = synthMaps(ML_DEFAULTS);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/inference-config',
      'ConfigMap/router-config',
      'ConfigMap/training-config',
    ]);
    for (const object of objects) {
      expect(() => validateAgainstSchema(object)).not.toThrow();
      expect(object.metadata.namespace).toBe('moe-lab');
      expect(object.metadata.labels).toEqual(
        expect.objectContaining({ 'app.kubernetes.io/part-of': 'gpu-observability', 'app.kubernetes.io/instance': 'moe-lab-test' }),
      );
      for (const value of Object.values(object.data)) expect(typeof value).toBe('string');
    }
  });

  it('GIVEN a component chart WHEN synthesized THEN each ConfigMap is registered as ml-config/<name>.yaml', () => {
    const { files, construct } = synthMaps(ML_DEFAULTS);
    expect([...files.keys()].sort()).toEqual([
      'ml-config/inference-config.yaml',
      'ml-config/router-config.yaml',
      'ml-config/training-config.yaml',
    ]);
    expect(files.get('ml-config/training-config.yaml')).toContain('batch_size: "32"');
    expect(construct.training.checksum).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('ML config: one source of truth for the router settings', () => {
  it('GIVEN a changed router capacity factor and loss weight WHEN synthesized THEN training-config and router-config both carry them', () => {
    const { byName } = synthMaps(resolveMlConfig({ router: { expert_capacity_factor: 1.5, load_balance_loss_coef: 0.02 } }));
    for (const name of ['training-config', 'router-config']) {
      expect(byName[name].data).toEqual(expect.objectContaining({ expert_capacity_factor: '1.5', load_balance_loss_coef: '0.02' }));
    }
  });

  it('GIVEN expert_capacity_factor set under training WHEN validated THEN it is refused and the error points to router', () => {
    const problems = mlConfigProblems(mergeDeep(ML_DEFAULTS, { training: { expert_capacity_factor: 2 } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^training: unknown field\(s\) expert_capacity_factor; allowed: batch_size, .*set under router/);
  });
});

describe('ML config: bad values are rejected with clear errors', () => {
  // Each case: the overrides, then fragments the single problem line must contain (field path and what is allowed).
  const badCases: Array<[string, Record<string, unknown>, string[]]> = [
    ['amp_dtype float8', { training: { amp_dtype: 'float8' } }, ['training.amp_dtype', 'float16, bfloat16']],
    ['batch_size 0', { training: { batch_size: 0 } }, ['training.batch_size', 'at least 1']],
    ['fractional batch_size', { training: { batch_size: 12.5 } }, ['training.batch_size', 'integer']],
    [
      'gradient_accumulation_steps 0',
      { training: { gradient_accumulation_steps: 0 } },
      ['training.gradient_accumulation_steps', 'at least 1'],
    ],
    ['mixed_precision as a string', { training: { mixed_precision: 'yes' } }, ['training.mixed_precision', 'true or false']],
    ['expert_parallel_size 3 with 8 experts', { training: { expert_parallel_size: 3 } }, ['training.expert_parallel_size', '1, 2, 4, 8']],
    ['capacity factor 0.9', { router: { expert_capacity_factor: 0.9 } }, ['router.expert_capacity_factor', 'at least 1']],
    ['negative balance loss', { router: { load_balance_loss_coef: -0.1 } }, ['router.load_balance_loss_coef', 'at least 0']],
    ['unknown router type', { router: { router_type: 'hash' } }, ['router.router_type', 'top_k, switch, expert_choice']],
    ['top_k above num_experts', { router: { top_k: 9 } }, ['router.top_k', 'num_experts 8', '1–8']],
    ['switch router with top_k 2', { router: { router_type: 'switch' } }, ['router.top_k', 'switch', 'allowed: 1']],
    [
      'preload_top_k above num_experts',
      { inference: { expert_cache: { preload_top_k: 12 } } },
      ['inference.expert_cache.preload_top_k', '0–8'],
    ],
    ['cache policy fifo', { inference: { expert_cache: { policy: 'fifo' } } }, ['inference.expert_cache.policy', 'lru, lfu']],
    ['cache size 0', { inference: { expert_cache: { size_gb: 0 } } }, ['inference.expert_cache.size_gb', 'at least 0.5']],
    [
      'max_batch_size 0',
      { inference: { dynamic_batching: { max_batch_size: 0 } } },
      ['inference.dynamic_batching.max_batch_size', 'at least 1'],
    ],
    [
      'batch timeout 0 ms',
      { inference: { dynamic_batching: { batch_timeout_ms: 0 } } },
      ['inference.dynamic_batching.batch_timeout_ms', 'at least 1'],
    ],
    ['quantization int3', { inference: { quantization: { method: 'int3' } } }, ['inference.quantization.method', 'int8, int4, fp8']],
    ['compile backend tvm', { inference: { compilation: { backend: 'tvm' } } }, ['inference.compilation.backend', 'inductor, cudagraphs']],
    [
      'a misspelt key',
      { inference: { compilation: { enable: true } } },
      ['inference.compilation', 'unknown field(s) enable', 'allowed: enabled, backend'],
    ],
  ];

  it.each(badCases)(
    'GIVEN %s WHEN validated THEN exactly one problem names the field and what is allowed',
    (_name, overrides, fragments) => {
      const problems = mlConfigProblems(mergeDeep(ML_DEFAULTS, overrides));
      expect(problems).toHaveLength(1);
      for (const fragment of fragments) expect(problems[0]).toContain(fragment);
    },
  );

  it('GIVEN invalid settings WHEN the construct is built THEN it throws naming the settings path', () => {
    const bad = mergeDeep(ML_DEFAULTS, { training: { amp_dtype: 'float8' } }) as MlConfigSettings;
    expect(() => synthMaps(bad)).toThrow(/MlConfigMaps settings: settings\.training\.amp_dtype: must be one of float16, bfloat16/);
  });

  it('GIVEN a namespace that is no DNS label WHEN the construct is built THEN it throws naming the prop, value and rule', () => {
    expect(() => synthMaps(ML_DEFAULTS, { namespace: 'MoE_Lab' })).toThrow(
      /MlConfigMaps namespace: got "MoE_Lab"; allowed: a DNS-1123 label/,
    );
  });
});

describe('ML config: per-environment overrides', () => {
  it('GIVEN every environment WHEN resolved THEN each passes the schema', () => {
    for (const settings of Object.values(ML_BY_ENVIRONMENT)) expect(mlConfigProblems(settings)).toEqual([]);
  });

  it('GIVEN dev with a single GPU WHEN resolved THEN only its overridden leaves differ from the defaults', () => {
    const dev = ML_BY_ENVIRONMENT.dev;
    expect(dev.training).toEqual({ ...ML_DEFAULTS.training, batch_size: 8, expert_parallel_size: 1 });
    // A nested override replaces one leaf; its siblings keep the default values.
    expect(dev.inference.expert_cache).toEqual({ enabled: true, size_gb: 4, policy: 'lru', preload_top_k: 4 });
    expect(dev.inference.compilation).toEqual({ enabled: false, backend: 'inductor' });
    expect(dev.router).toEqual(ML_DEFAULTS.router);
  });

  it('GIVEN staging and prod WHEN resolved THEN they run the issue defaults', () => {
    expect(ML_BY_ENVIRONMENT.staging).toEqual(ML_DEFAULTS);
    expect(ML_BY_ENVIRONMENT.prod).toEqual(ML_DEFAULTS);
  });

  it('GIVEN an override WHEN merged THEN the defaults object is left unchanged', () => {
    const before = structuredClone(ML_DEFAULTS);
    resolveMlConfig({ training: { batch_size: 64 }, inference: { expert_cache: { policy: 'lfu' } } });
    expect(ML_DEFAULTS).toEqual(before);
  });
});

describe('ML ConfigMaps: determinism and checksums', () => {
  it('GIVEN the same settings twice WHEN synthesized THEN objects, files and checksums are identical', () => {
    const first = synthMaps(ML_DEFAULTS);
    const second = synthMaps(structuredClone(ML_DEFAULTS));
    expect(second.objects).toEqual(first.objects);
    expect([...second.files]).toEqual([...first.files]);
    expect(second.construct.checksum).toBe(first.construct.checksum);
  });

  it('GIVEN settings whose keys are in another order WHEN rendered THEN the key order and checksum do not change', () => {
    const reversed = (o: object): unknown =>
      Object.fromEntries(
        Object.entries(o)
          .reverse()
          .map(([k, v]) => [k, typeof v === 'object' ? reversed(v as object) : v]),
      );
    const a = synthMaps(ML_DEFAULTS).construct;
    const b = synthMaps(reversed(ML_DEFAULTS) as MlConfigSettings).construct;
    expect(Object.keys(b.inference.data)).toEqual(Object.keys(ISSUE_INFERENCE_CONFIG));
    expect(b.inference.text).toBe(a.inference.text);
    expect(b.checksum).toBe(a.checksum);
  });

  it('GIVEN one changed value WHEN rendered THEN only that ConfigMap checksum and the combined one change', () => {
    const base = synthMaps(ML_DEFAULTS).construct;
    const changed = synthMaps(resolveMlConfig({ training: { gradient_checkpointing: true } })).construct;
    expect(changed.training.checksum).not.toBe(base.training.checksum);
    expect(changed.router.checksum).toBe(base.router.checksum);
    expect(changed.inference.checksum).toBe(base.inference.checksum);
    expect(changed.checksum).not.toBe(base.checksum);
  });
});
