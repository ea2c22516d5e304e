// The VPC: private subnets for nodes and pods in every zone, public subnets for load balancers and
// NAT, one NAT gateway (dev) or one per zone (prod, so losing a zone leaves the others online),
// and VPC flow logs to CloudWatch where the environment asks for them.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { InfraSettings } from '../config/infra';
import { subnetLayout } from './cidr';
import { policyDocument, serviceTrust } from './policies';

export interface NetworkArgs {
  /** The EKS cluster's name: subnets carry its discovery tag. */
  readonly clusterName: string;
  readonly settings: InfraSettings['network'];
  /** Days CloudWatch keeps the flow logs. */
  readonly logRetentionDays: number;
  readonly region: string;
  /** The deploying account: the flow-log service may act for this account only. */
  readonly accountId: string;
}

export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly privateSubnetIds: pulumi.Output<string>[];
  public readonly publicSubnetIds: pulumi.Output<string>[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('moe:infra:Network', name, {}, opts);
    const parent = { parent: this };
    const { settings, clusterName } = args;
    const zones = aws.getAvailabilityZonesOutput(
      { state: 'available', filters: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }] },
      parent,
    );
    const layout = subnetLayout(settings.vpcCidr, settings.availabilityZones);
    const clusterTag = { [`kubernetes.io/cluster/${clusterName}`]: 'shared' };

    const vpc = new aws.ec2.Vpc(
      name,
      { cidrBlock: settings.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: name } },
      parent,
    );
    // The default security group admits all traffic between its members: empty it so nothing relies on it.
    new aws.ec2.DefaultSecurityGroup(`${name}-default`, { vpcId: vpc.id, tags: { Name: `${name}-default-unused` } }, parent);
    const gateway = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags: { Name: name } }, parent);

    const subnet = (kind: 'public' | 'private', index: number, roleTag: string) =>
      new aws.ec2.Subnet(
        `${name}-${kind}-${index}`,
        {
          vpcId: vpc.id,
          cidrBlock: layout[kind][index],
          availabilityZone: zones.names[index],
          mapPublicIpOnLaunch: false,
          // EKS and the AWS Load Balancer Controller pick subnets by these tags.
          tags: { Name: `${name}-${kind}-${index}`, [roleTag]: '1', ...clusterTag },
        },
        parent,
      );
    const publicSubnets = layout.public.map((_, i) => subnet('public', i, 'kubernetes.io/role/elb'));
    const privateSubnets = layout.private.map((_, i) => subnet('private', i, 'kubernetes.io/role/internal-elb'));

    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public`,
      { vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: gateway.id }], tags: { Name: `${name}-public` } },
      parent,
    );
    publicSubnets.forEach(
      (s, i) => new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: s.id, routeTableId: publicRoutes.id }, parent),
    );

    const natCount = settings.natGateways === 'per-az' ? publicSubnets.length : 1;
    const nats = publicSubnets.slice(0, natCount).map((s, i) => {
      const ip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: 'vpc', tags: { Name: `${name}-nat-${i}` } }, parent);
      return new aws.ec2.NatGateway(
        `${name}-nat-${i}`,
        { allocationId: ip.id, subnetId: s.id, tags: { Name: `${name}-nat-${i}` } },
        { ...parent, dependsOn: [gateway] },
      );
    });
    const privateRouteTables = privateSubnets.map((s, i) => {
      const routes = new aws.ec2.RouteTable(
        `${name}-private-${i}`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: nats[i % nats.length].id }],
          tags: { Name: `${name}-private-${i}` },
        },
        parent,
      );
      new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: s.id, routeTableId: routes.id }, parent);
      return routes;
    });
    // Backups, Loki chunks and image layers from ECR's S3 go to S3 directly instead of through (paid) NAT.
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${args.region}.s3`,
        vpcEndpointType: 'Gateway',
        routeTableIds: privateRouteTables.map((t) => t.id),
      },
      parent,
    );

    if (settings.flowLogs) this.flowLogs(name, vpc, args.logRetentionDays, args.accountId);

    this.vpcId = vpc.id;
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds });
  }

  /** Flow logs of every ENI to a log group; the delivery role may write to that group only. */
  private flowLogs(name: string, vpc: aws.ec2.Vpc, retentionInDays: number, accountId: string): void {
    const parent = { parent: this };
    const group = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, { name: `/aws/vpc/${name}/flow-logs`, retentionInDays }, parent);
    const role = new aws.iam.Role(
      `${name}-flow-logs`,
      { assumeRolePolicy: serviceTrust('vpc-flow-logs.amazonaws.com', ['sts:AssumeRole'], accountId) },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        role: role.id,
        policy: policyDocument([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: [group.arn, pulumi.interpolate`${group.arn}:*`],
          },
        ]),
      },
      parent,
    );
    new aws.ec2.FlowLog(
      `${name}-flow-logs`,
      {
        vpcId: vpc.id,
        trafficType: 'ALL',
        logDestinationType: 'cloud-watch-logs',
        logDestination: group.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
      },
      parent,
    );
  }
}
