// The Pulumi program, run as `pulumi up --stack <env>` with env one of dev, staging, prod.
// It starts from the same validated environment config as the cdk8s synth, so a bad value
// stops the deployment before any resource is touched. AWS resources come in infra/ components.
import * as pulumi from '@pulumi/pulumi';
import { loadEnvironments } from '../config';

const [env] = loadEnvironments([pulumi.getStack()]);

export const environment = env.name;
export const clusterName = env.cluster.name;
export const region = env.cluster.region;
