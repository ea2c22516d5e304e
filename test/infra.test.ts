import * as pulumi from '@pulumi/pulumi';

// Mocks first, then the program: Pulumi programs run at import time.
function useStack(stack: string): void {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
      call: (args) => args.inputs,
    },
    'gpu-observability',
    stack,
  );
}

describe('Pulumi program', () => {
  beforeEach(() => jest.resetModules());

  it('GIVEN the prod stack WHEN the program runs THEN it exports the validated cluster name and region', async () => {
    useStack('prod');
    const program = await import('../infra');
    expect(program).toMatchObject({ environment: 'prod', clusterName: 'moe-lab-prod', region: 'us-west-2' });
  });

  it('GIVEN a stack that is not an environment WHEN the program runs THEN it stops with the allowed names', async () => {
    useStack('qa');
    await expect(import('../infra')).rejects.toThrow('environment "qa": unknown environment; allowed: dev, staging, prod');
  });
});
