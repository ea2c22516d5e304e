// A kubeconfig that authenticates with `aws eks get-token`, so it holds no credential of its own:
// whoever runs it (Pulumi, kubectl) needs AWS credentials with an EKS access entry.

export interface KubeconfigArgs {
  readonly clusterName: string;
  readonly region: string;
  readonly endpoint: string;
  /** Base64 certificate authority data, as EKS returns it. */
  readonly certificateAuthority: string;
}

export function execKubeconfig(args: KubeconfigArgs): string {
  const user = `aws-${args.clusterName}`;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: args.clusterName, cluster: { server: args.endpoint, 'certificate-authority-data': args.certificateAuthority } }],
    contexts: [{ name: args.clusterName, context: { cluster: args.clusterName, user } }],
    'current-context': args.clusterName,
    users: [
      {
        name: user,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: 'aws',
            args: ['eks', 'get-token', '--cluster-name', args.clusterName, '--region', args.region, '--output', 'json'],
            interactiveMode: 'Never',
          },
        },
      },
    ],
  });
}
