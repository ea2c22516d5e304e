import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_NAMES } from '../../config';
import { buildCdk8sApp } from '../../scripts/cdk8s-app';
import { loadManifests } from '../helpers/manifests';
import { removeDir, synthToTemp, tempDir } from '../helpers/synth-tmp';

describe('cdk8s synth entry point', () => {
  it('GIVEN the cdk8s App WHEN synthesized THEN it writes one file per environment and component with the same objects as npm run synth', () => {
    const cdk8sOut = tempDir('cdk8s-out');
    const dist = synthToTemp();
    try {
      buildCdk8sApp(cdk8sOut).synth();
      const files = readdirSync(cdk8sOut).sort();
      for (const env of ENVIRONMENT_NAMES) {
        const ours = readdirSync(join(dist, env)).filter((f) => f.endsWith('.yaml'));
        expect(files.filter((f) => f.startsWith(`${env}-`)).sort()).toEqual(
          ours.map((f) => `${env}-${f.replace('.yaml', '.k8s.yaml')}`).sort(),
        );
        const key = ({ object }: { object: { kind: string; metadata: { name: string; namespace?: string } } }) =>
          `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
        const cdk8sObjects = loadManifests(cdk8sOut)
          .filter(({ file }) => file.startsWith(`${env}-`))
          .map(key)
          .sort();
        expect(cdk8sObjects).toEqual(loadManifests(join(dist, env)).map(key).sort());
      }
    } finally {
      removeDir(cdk8sOut);
      removeDir(dist);
    }
  });
});
