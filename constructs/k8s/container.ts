// The one way the stack adds a container: pinned image, explicit pull policy and resources, and a
// hardened security context, so no construct spells these (or forgets one) on its own.
import * as kplus from 'cdk8s-plus-27';
import type { ImageSettings, ResourceSettings } from '../../config';
import { containerResources, restrictedSecurityContext } from './container-defaults';
import { useRuntimeDefaultSeccomp } from './escape-hatches';

/** `<repository>:<tag>`: the one place an image reference is written. */
export function imageReference(image: ImageSettings): string {
  return `${image.repository}:${image.tag}`;
}

/** Container props without the fields the helpers write themselves. */
export interface PinnedContainerProps extends Omit<kplus.ContainerProps, 'image' | 'imagePullPolicy' | 'resources' | 'securityContext'> {
  /** Repository and pinned tag, from the env config. */
  readonly image: ImageSettings;
  /** Requests and limits, from the env config. */
  readonly resources: ResourceSettings;
  /**
   * Override only with a reason: the backup Jobs keep Always, the cdk8s-plus default they were built with.
   * @default IfNotPresent
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;
  /**
   * Adds an init container, which runs to completion before the others start.
   * @default false
   */
  readonly init?: boolean;
}

export interface RestrictedContainerProps extends PinnedContainerProps {
  /**
   * User and group the process runs as: the image's own non-root user where it has one.
   * @default 65534 (nobody)
   */
  readonly user?: number;
}

/**
 * Adds a container (or, with `init`, an init container) running `image` as a non-root `user` with a
 * read-only root filesystem, no privilege escalation and every capability dropped, and gives the
 * pod the RuntimeDefault seccomp profile, as the restricted Pod Security Standard requires.
 *
 * Tags are pinned, so a cached image is the right one and the pull policy is IfNotPresent. Every
 * field is written out because cdk8s-plus otherwise applies its own defaults (pull Always, its own
 * security context); the manifest then says what we mean, not what a library version assumes.
 */
export function addPinnedContainer(workload: kplus.Workload, props: RestrictedContainerProps): kplus.Container {
  const { user, ...rest } = props;
  return addContainerWithSecurityContext(workload, rest, restrictedSecurityContext(user));
}

/**
 * `addPinnedContainer` with the caller's security context: for the host agents only, whose context
 * comes from their host-access entry (`addHostAgentContainer`). Any other container uses `addPinnedContainer`.
 */
export function addContainerWithSecurityContext(
  workload: kplus.Workload,
  props: PinnedContainerProps,
  securityContext: kplus.ContainerSecurityContextProps,
): kplus.Container {
  const { image, resources, imagePullPolicy, init, ...rest } = props;
  const container: kplus.ContainerProps = {
    ...rest,
    image: imageReference(image),
    imagePullPolicy: imagePullPolicy ?? kplus.ImagePullPolicy.IF_NOT_PRESENT,
    resources: containerResources(resources),
    securityContext,
  };
  useRuntimeDefaultSeccomp(workload);
  return init ? workload.addInitContainer(container) : workload.addContainer(container);
}
