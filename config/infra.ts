// Checks between the AWS side (config/schema/infra.ts, values in Pulumi.<env>.yaml) and the rest of
// an environment, and the workload IAM roles the Pulumi program creates.
import { GPU_INSTANCE_TYPES, type InfraSettings } from './schema/infra';

export type { InfraSettings } from './schema/infra';

const accountOf = (arn: string) => arn.split(':')[4];

/** The IAM roles the Pulumi program creates for workloads (IRSA), with the config path naming each. */
export function workloadRoleArns(settings: {
  storage: { backups: { roleArn: string } };
  logging: { loki: { objectStorage: { type: string; roleArn?: string } } };
}): Array<{ path: string; arn: string }> {
  const loki = settings.logging.loki.objectStorage;
  return [
    { path: 'storage.backups.roleArn', arn: settings.storage.backups.roleArn },
    ...(loki.roleArn ? [{ path: 'logging.loki.objectStorage.roleArn', arn: loki.roleArn }] : []),
  ];
}

/** The AWS account an environment deploys to: the one its workload role ARNs name. */
export function deploymentAccount(settings: Parameters<typeof workloadRoleArns>[0]): string {
  return accountOf(workloadRoleArns(settings)[0].arn);
}

/**
 * Problems between the node groups and the rest of the environment: every GPU instance type must
 * have `fleet.gpusPerNode` GPUs (the workloads and the capacity model size GPU pods by it), and the
 * expected fleet must fit the node groups' maximum, and the workload roles share one account.
 */
export function infraProblems(settings: {
  infra: InfraSettings;
  fleet: { cpuNodes: number; gpuNodes: number; gpusPerNode: number };
  storage: { backups: { roleArn: string } };
  logging: { loki: { objectStorage: { type: string; roleArn?: string } } };
}): Array<{ path: string; message: string }> {
  const { infra, fleet } = settings;
  const problems: Array<{ path: string; message: string }> = [];
  // The program creates these roles in the account it deploys to, so their ARNs must agree on it.
  const roles = workloadRoleArns(settings);
  const account = accountOf(roles[0].arn);
  for (const role of roles.filter((r) => accountOf(r.arn) !== account))
    problems.push({
      path: role.path,
      message: `account ${accountOf(role.arn)} differs from ${account} of ${roles[0].path}; the program creates both roles in one account`,
    });
  const { gpu, system, cpuWorkers } = infra.nodeGroups;
  gpu.instanceTypes.forEach((type, i) => {
    if (GPU_INSTANCE_TYPES[type].gpus !== fleet.gpusPerNode)
      problems.push({
        path: `infra.nodeGroups.gpu.instanceTypes.${i}`,
        message: `${type} has ${GPU_INSTANCE_TYPES[type].gpus} GPU(s) but fleet.gpusPerNode is ${fleet.gpusPerNode}; pick types with ${fleet.gpusPerNode}`,
      });
  });
  if (fleet.gpuNodes > gpu.scaling.max)
    problems.push({ path: 'infra.nodeGroups.gpu.scaling.max', message: `${gpu.scaling.max} is below fleet.gpuNodes ${fleet.gpuNodes}` });
  const cpuMax = system.scaling.max + cpuWorkers.scaling.max;
  if (fleet.cpuNodes > cpuMax)
    problems.push({
      path: 'infra.nodeGroups.cpuWorkers.scaling.max',
      message: `system and cpuWorkers reach ${cpuMax} nodes at most, below fleet.cpuNodes ${fleet.cpuNodes}`,
    });
  return problems;
}
