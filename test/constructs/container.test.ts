import { Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { ImageSettings, ResourceSettings } from '../../config';
import { addPinnedContainer, imageReference } from '../../constructs/k8s/container';
import { HOST_ACCESS } from '../../constructs/k8s/host-access';
import { addHostAgentContainer } from '../../constructs/k8s/host-agent';
import { podSpecOf, type KubeObject } from '../helpers/manifests';

const IMAGE: ImageSettings = { repository: 'registry.example/team/app', tag: 'v1.2.3' };
const RESOURCES: ResourceSettings = { cpu: { request: '250m', limit: '1' }, memory: { request: '128Mi', limit: '1Gi' } };

interface ContainerJson {
  name: string;
  image: string;
  imagePullPolicy: string;
  args?: string[];
  resources: unknown;
  securityContext: {
    runAsUser?: number;
    runAsGroup?: number;
    runAsNonRoot?: boolean;
    privileged?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
}
interface PodJson {
  containers: ContainerJson[];
  initContainers?: ContainerJson[];
  securityContext: { seccompProfile?: { type: string } };
}

/** Synthesizes the one workload `build` adds to a fresh chart and returns its pod spec. */
function podOf(build: (chart: ReturnType<typeof Testing.chart>) => void): PodJson {
  const chart = Testing.chart();
  build(chart);
  const workload = (Testing.synth(chart) as KubeObject[]).find((o) => podSpecOf(o));
  return podSpecOf(workload!) as unknown as PodJson;
}

const RESTRICTED = { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] } };
const EXPECTED_RESOURCES = { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '1000m', memory: '1024Mi' } };

describe('addPinnedContainer', () => {
  const pod = podOf((chart) => {
    const deployment = new kplus.Deployment(chart, 'Deployment');
    addPinnedContainer(deployment, { name: 'app', image: IMAGE, resources: RESOURCES, args: ['--flag'] });
  });
  const [container] = pod.containers;

  test('writes the pinned image from the settings, pulled only if not present', () => {
    expect(imageReference(IMAGE)).toBe('registry.example/team/app:v1.2.3');
    expect(container.image).toBe('registry.example/team/app:v1.2.3');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
  });

  test('runs as nobody, non-root, read-only, without privilege escalation or capabilities', () => {
    expect(container.securityContext).toEqual({ ...RESTRICTED, runAsUser: 65534, runAsGroup: 65534, runAsNonRoot: true });
  });

  test('takes resources from the settings and passes the other container props through', () => {
    expect(container.resources).toEqual(EXPECTED_RESOURCES);
    expect(container.args).toEqual(['--flag']);
  });

  test('gives the pod the RuntimeDefault seccomp profile', () => {
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  test('takes a user, a pull policy and adds init containers on request', () => {
    const job = podOf((chart) => {
      const cronJob = new kplus.CronJob(chart, 'CronJob', { schedule: Cron.daily() });
      addPinnedContainer(cronJob, { name: 'main', image: IMAGE, resources: RESOURCES });
      addPinnedContainer(cronJob, {
        init: true,
        name: 'first',
        image: IMAGE,
        resources: RESOURCES,
        user: 999,
        imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      });
    });
    const init = job.initContainers![0];
    expect(init.name).toBe('first');
    expect(init.imagePullPolicy).toBe('Always');
    expect(init.securityContext).toEqual({ ...RESTRICTED, runAsUser: 999, runAsGroup: 999, runAsNonRoot: true });
    expect(job.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });
});

describe('addHostAgentContainer', () => {
  const agent = (name: keyof typeof HOST_ACCESS): ContainerJson =>
    podOf((chart) => {
      const daemonSet = new kplus.DaemonSet(chart, 'DaemonSet');
      addHostAgentContainer(daemonSet, name, { name, image: IMAGE, resources: RESOURCES });
    }).containers[0];

  test('keeps the image, pull policy and resources handling', () => {
    const container = agent('node-exporter');
    expect(container.image).toBe('registry.example/team/app:v1.2.3');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.resources).toEqual(EXPECTED_RESOURCES);
  });

  test('runs as the user and with the capabilities its host-access entry grants', () => {
    expect(HOST_ACCESS['dcgm-exporter'].runAsRoot).toBe(true);
    expect(agent('dcgm-exporter').securityContext).toEqual({
      ...RESTRICTED,
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] },
    });
    expect(agent('node-exporter').securityContext).toEqual({ ...RESTRICTED, runAsUser: 65534, runAsGroup: 65534, runAsNonRoot: true });
  });
});
