// Subnet layout: every zone gets one eighth of the VPC for its private (node and pod) subnet, since
// the VPC CNI gives pods VPC addresses; public subnets only hold load balancers and NAT gateways, so
// they share the last eighth in 1/64 slices. The seventh eighth stays free for later use.

function toNumber(address: string): number {
  return address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

function toAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** The `index`-th subnet of prefix length `prefix` inside `cidr`; throws when it does not fit. */
export function subnetOf(cidr: string, prefix: number, index: number): string {
  const [address, bits] = cidr.split('/');
  const parentPrefix = Number(bits);
  if (prefix < parentPrefix || prefix > 28) throw new Error(`subnet /${prefix} does not fit in ${cidr} (allowed /${parentPrefix} to /28)`);
  const count = 2 ** (prefix - parentPrefix);
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new Error(`${cidr} has ${count} subnets of /${prefix}; index ${index} is out of range`);
  const size = 2 ** (32 - parentPrefix);
  const base = toNumber(address) - (toNumber(address) % size);
  return `${toAddress(base + index * 2 ** (32 - prefix))}/${prefix}`;
}

/** Private (node) and public (load balancer) subnet CIDRs for `zones` availability zones (at most 6). */
export function subnetLayout(vpcCidr: string, zones: number): { private: string[]; public: string[] } {
  // Six private eighths; a seventh zone's subnet would overlap the public ones in the last eighth.
  if (!Number.isInteger(zones) || zones < 1 || zones > 6) throw new Error(`zones must be 1 to 6, got ${zones}`);
  const prefix = Number(vpcCidr.split('/')[1]);
  const indexes = [...Array(zones).keys()];
  return {
    private: indexes.map((i) => subnetOf(vpcCidr, prefix + 3, i)),
    public: indexes.map((i) => subnetOf(vpcCidr, prefix + 6, 56 + i)),
  };
}
