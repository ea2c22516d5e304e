// The import rules that keep the layers honest (README "Layout"). Lowest first:
//   contracts → config → rules → dashboards → constructs → infra, scripts
// A file may import from its own layer and the layers below it, never from one above; no circles.
// When a rule fails, move the shared name down to contracts/ rather than adding an exception.
const LAYERS = ['contracts', 'config', 'rules', 'dashboards', 'constructs', ['infra', 'scripts']];

const folders = (layer) => (Array.isArray(layer) ? layer : [layer]);
const pattern = (names) => `^(${names.join('|')})/`;

/** For each layer, a rule forbidding imports of every layer above it. */
const upwardImports = LAYERS.slice(0, -1).map((layer, index) => {
  const above = LAYERS.slice(index + 1).flatMap(folders);
  return {
    name: `no-upward-import-from-${folders(layer).join('-')}`,
    comment: `${folders(layer).join(', ')} may not import ${above.join(', ')}: they sit above it`,
    severity: 'error',
    from: { path: pattern(folders(layer)) },
    to: { path: pattern(above) },
  };
});

/** infra/ and scripts/ share the top layer but are separate programs: neither imports the other. */
const siblings = [
  {
    name: 'no-import-of-scripts-from-infra',
    comment: 'the Pulumi program may not depend on the CLI entry points',
    severity: 'error',
    from: { path: '^infra/' },
    to: { path: '^scripts/' },
  },
  {
    name: 'no-import-of-infra-from-scripts',
    comment: 'the CLI entry points may not load the Pulumi program',
    severity: 'error',
    from: { path: '^scripts/' },
    to: { path: '^infra/' },
  },
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...upwardImports,
    ...siblings,
    {
      name: 'no-environment-values-outside-defaults',
      comment:
        'environment files take values only from each other (defaults.ts) and the schema, so each value of an environment is in <env>.ts or defaults.ts',
      severity: 'error',
      from: { path: '^config/environments/' },
      to: { path: '^config/', pathNot: '^config/(environments/|merge\\.ts$|stack-files\\.ts$|schema/)' },
    },
    {
      name: 'no-values-in-schema',
      comment: 'config/schema/ holds the zod fragments only; values live in config/environments/',
      severity: 'error',
      from: { path: '^config/schema/' },
      to: { path: '^config/environments/' },
    },
    {
      name: 'no-circular',
      comment: 'an import circle: the files depend on each other, so neither can be read or changed alone',
      severity: 'error',
      from: { path: pattern(LAYERS.flatMap(folders)) },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: they couple the layers just the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|build|dist|cdk8s.out)/' },
  },
};
