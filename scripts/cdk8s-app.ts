// Entry point for `cdk8s synth` (see cdk8s.yaml): every environment's charts in one cdk8s App,
// chart ids prefixed with the environment. `npm run synth` is the main path; this one keeps the
// standard cdk8s tooling (synth, validation plugins) working on the same constructs.
import { App, YamlOutputType } from 'cdk8s';
import { ConfigError, loadEnvironments } from '../config';
import { buildEnvironment } from '../constructs/assembly/environment';

export function buildCdk8sApp(outdir?: string): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  for (const env of loadEnvironments()) buildEnvironment(app, env, `${env.name}-`);
  return app;
}

if (require.main === module) {
  try {
    buildCdk8sApp().synth();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
}
