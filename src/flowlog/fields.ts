/**
 * The flow-log field catalogue: every field AWS documents for VPC flow logs (versions 2–8, ref 1.5),
 * the later ones (9–11, ref 1.6) and the transit-gateway flow-log fields (marked `scope: 'transit-gateway'`).
 *
 * Field names are written exactly as AWS spells them (`log-status`, `pkt-srcaddr`). Athena, Parquet and
 * several third-party parsers spell them with underscores (`log_status`); `canonicalFieldName` maps those
 * back. Unknown names are allowed everywhere (ref 1.6): they are kept as opaque strings.
 *
 * `kind` is how a value is typed once parsed: `int` fields are integers (Parquet INT_32 / INT_64), the
 * rest strings. In plain text every field may be `-` (ref 1.1).
 */

export type FieldKind = 'int' | 'string';

/** `vpc`: VPC (ENI) flow logs; `transit-gateway`: transit gateway flow logs; `both`: shared by the two. */
export type FieldScope = 'vpc' | 'transit-gateway' | 'both';

export interface FieldInfo {
  readonly name: string;
  /** The flow-log version that introduced the field (the `version` of a record is the highest one selected, ref 1.4). */
  readonly version: number;
  readonly kind: FieldKind;
  readonly scope: FieldScope;
  readonly description: string;
  /** True when the reference marks the version number or the field itself as unverified (ref 1.5, 1.6, 10). */
  readonly unverified?: true;
}

const f = (
  name: string,
  version: number,
  kind: FieldKind,
  description: string,
  scope: FieldScope = 'vpc',
  unverified = false,
): FieldInfo => (unverified ? { name, version, kind, scope, description, unverified: true } : { name, version, kind, scope, description });

/** Every known field, VPC fields in the order of the AWS field table, then the transit-gateway-only ones. */
export const FIELDS: readonly FieldInfo[] = [
  // version 2: the default format (ref 1.3, 1.5)
  f('version', 2, 'int', 'Flow-log version of the record: 2 for the default format, else the highest version among the selected fields.', 'both'),
  f('account-id', 2, 'string', 'AWS account that owns the source ENI of the traffic; can be "unknown" for ENIs created by AWS services.', 'both'),
  f('interface-id', 2, 'string', 'ID of the ENI on which the traffic was recorded.'),
  f('srcaddr', 2, 'string', 'Source address; for outbound traffic, the ENI\'s own (private) address. See pkt-srcaddr.', 'both'),
  f('dstaddr', 2, 'string', 'Destination address; for inbound traffic, the ENI\'s own (private) address. See pkt-dstaddr.', 'both'),
  f('srcport', 2, 'int', 'Source port.', 'both'),
  f('dstport', 2, 'int', 'Destination port.', 'both'),
  f('protocol', 2, 'int', 'IANA protocol number (1 ICMP, 6 TCP, 17 UDP, 58 ICMPv6).', 'both'),
  f('packets', 2, 'int', 'Packets in the flow during the aggregation interval.', 'both'),
  f('bytes', 2, 'int', 'Bytes in the flow during the aggregation interval.', 'both'),
  f('start', 2, 'int', 'Unix seconds of the first packet seen in the interval.', 'both'),
  f('end', 2, 'int', 'Unix seconds of the last packet seen in the interval.', 'both'),
  f('action', 2, 'string', 'ACCEPT or REJECT; "-" in NODATA/SKIPDATA records.'),
  f('log-status', 2, 'string', 'OK, NODATA (no traffic in the interval) or SKIPDATA (records were skipped).', 'both'),
  // version 3
  f('vpc-id', 3, 'string', 'VPC of the ENI.'),
  f('subnet-id', 3, 'string', 'Subnet of the ENI.'),
  f('instance-id', 3, 'string', 'Instance attached to the ENI if you own it; "-" for requester-managed ENIs.'),
  f('tcp-flags', 3, 'int', 'Bitmask of TCP flags OR-ed over the interval: FIN 1, SYN 2, RST 4, SYN-ACK 18 (ref 1.7).', 'both'),
  f('type', 3, 'string', 'IPv4, IPv6 or EFA.', 'both'),
  f('pkt-srcaddr', 3, 'string', 'Packet-level (original) source address.'),
  f('pkt-dstaddr', 3, 'string', 'Packet-level (original) destination address.'),
  // version 4
  f('region', 4, 'string', 'Region of the ENI.', 'both'),
  f('az-id', 4, 'string', 'Availability Zone ID of the ENI; "-" for sublocation traffic.'),
  f('sublocation-type', 4, 'string', 'wavelength, outpost or localzone; "-" otherwise.'),
  f('sublocation-id', 4, 'string', 'ID of the sublocation; "-" otherwise.'),
  // version 5
  f('pkt-src-aws-service', 5, 'string', 'AWS IP-range subset containing pkt-srcaddr (S3, EC2, ...), if any.', 'both'),
  f('pkt-dst-aws-service', 5, 'string', 'AWS IP-range subset containing pkt-dstaddr, if any.', 'both'),
  f('flow-direction', 5, 'string', 'ingress or egress, relative to the ENI where the traffic was captured.', 'both'),
  f('traffic-path', 5, 'int', 'Path of egress traffic: 1 same VPC, 2 IGW or gateway endpoint, 3 VGW, 4 intra-Region peering, 5 inter-Region peering, 6 local gateway, 7 gateway endpoint (Nitro), 8 IGW (Nitro).'),
  // version 7 (version 6 is transit gateway flow logs, below)
  f('ecs-cluster-arn', 7, 'string', 'ARN of the ECS cluster, if the traffic comes from a running ECS task.', 'vpc', true),
  f('ecs-cluster-name', 7, 'string', 'Name of the ECS cluster.', 'vpc', true),
  f('ecs-container-instance-arn', 7, 'string', 'ARN of the ECS container instance (EC2 capacity only); "-" on Fargate.', 'vpc', true),
  f('ecs-container-instance-id', 7, 'string', 'ID of the ECS container instance; "-" on Fargate.', 'vpc', true),
  f('ecs-container-id', 7, 'string', 'Docker runtime ID of the first container of the task.', 'vpc', true),
  f('ecs-second-container-id', 7, 'string', 'Docker runtime ID of the second container, if the task has more than one.', 'vpc', true),
  f('ecs-service-name', 7, 'string', 'ECS service that started the task; "-" otherwise.', 'vpc', true),
  f('ecs-task-definition-arn', 7, 'string', 'ARN of the ECS task definition.', 'vpc', true),
  f('ecs-task-arn', 7, 'string', 'ARN of the ECS task.', 'vpc', true),
  f('ecs-task-id', 7, 'string', 'ID of the ECS task.', 'vpc', true),
  // version 8
  f('reject-reason', 8, 'string', 'Why the traffic was rejected: BPA (VPC Block Public Access); "-" for every other reason, SG and NACL rejects included.', 'vpc', true),
  // version 9–11 (ref 1.6, versions unverified)
  f('resource-id', 9, 'string', 'ID of the resource the traffic belongs to, e.g. a regional NAT gateway.', 'vpc', true),
  f('encryption-status', 10, 'int', 'VPC Encryption Controls: 0 not encrypted, 1 Nitro-encrypted, 2 application-encrypted, 3 both; "-" unknown or off.', 'vpc', true),
  f('instance-tag', 11, 'string', 'Value of the first configured tag key of the instance.', 'vpc', true),
  f('instance-tag-2', 11, 'string', 'Value of the second configured tag key of the instance.', 'vpc', true),
  f('interface-tag', 11, 'string', 'Value of the first configured tag key of the ENI.', 'vpc', true),
  f('interface-tag-2', 11, 'string', 'Value of the second configured tag key of the ENI.', 'vpc', true),
  f('asg-tag', 11, 'string', 'Value of the first configured tag key of the Auto Scaling group.', 'vpc', true),
  f('asg-tag-2', 11, 'string', 'Value of the second configured tag key of the Auto Scaling group.', 'vpc', true),
  f('interface-type', 11, 'string', 'Type of the ENI (interface, nat_gateway, vpc_endpoint, ...).', 'vpc', true),
  f('next-hop-interface-id', 11, 'string', 'ENI of the next hop.', 'vpc', true),
  f('next-hop-subnet-id', 11, 'string', 'Subnet of the next hop.', 'vpc', true),
  f('next-hop-az-id', 11, 'string', 'Availability Zone ID of the next hop.', 'vpc', true),
  f('next-hop-vpc-id', 11, 'string', 'VPC of the next hop.', 'vpc', true),
  f('next-hop-interface-type', 11, 'string', 'ENI type of the next hop.', 'vpc', true),
  // transit gateway flow logs (version 6; ref 1.5 "no version 6 for VPC ENI flow logs", unverified)
  f('resource-type', 6, 'string', 'Transit gateway flow logs: TransitGateway or TransitGatewayAttachment.', 'transit-gateway', true),
  f('tgw-id', 6, 'string', 'Transit gateway flow logs: ID of the transit gateway.', 'transit-gateway', true),
  f('tgw-attachment-id', 6, 'string', 'Transit gateway flow logs: ID of the attachment.', 'transit-gateway', true),
  f('tgw-src-vpc-account-id', 6, 'string', 'Transit gateway flow logs: account of the source VPC.', 'transit-gateway', true),
  f('tgw-dst-vpc-account-id', 6, 'string', 'Transit gateway flow logs: account of the destination VPC.', 'transit-gateway', true),
  f('tgw-src-vpc-id', 6, 'string', 'Transit gateway flow logs: source VPC.', 'transit-gateway', true),
  f('tgw-dst-vpc-id', 6, 'string', 'Transit gateway flow logs: destination VPC.', 'transit-gateway', true),
  f('tgw-src-subnet-id', 6, 'string', 'Transit gateway flow logs: source subnet.', 'transit-gateway', true),
  f('tgw-dst-subnet-id', 6, 'string', 'Transit gateway flow logs: destination subnet.', 'transit-gateway', true),
  f('tgw-src-eni', 6, 'string', 'Transit gateway flow logs: source attachment ENI.', 'transit-gateway', true),
  f('tgw-dst-eni', 6, 'string', 'Transit gateway flow logs: destination attachment ENI.', 'transit-gateway', true),
  f('tgw-src-az-id', 6, 'string', 'Transit gateway flow logs: source Availability Zone ID.', 'transit-gateway', true),
  f('tgw-dst-az-id', 6, 'string', 'Transit gateway flow logs: destination Availability Zone ID.', 'transit-gateway', true),
  f('tgw-pair-attachment-id', 6, 'string', 'Transit gateway flow logs: the other attachment of the flow.', 'transit-gateway', true),
  f('packets-lost-no-route', 6, 'int', 'Transit gateway flow logs: packets dropped for lack of a route.', 'transit-gateway', true),
  f('packets-lost-blackhole', 6, 'int', 'Transit gateway flow logs: packets dropped by a blackhole route.', 'transit-gateway', true),
  f('packets-lost-mtu-exceeded', 6, 'int', 'Transit gateway flow logs: packets dropped for exceeding the MTU.', 'transit-gateway', true),
  f('packets-lost-ttl-expired', 6, 'int', 'Transit gateway flow logs: packets dropped because their TTL expired.', 'transit-gateway', true),
];

const BY_NAME: ReadonlyMap<string, FieldInfo> = new Map(FIELDS.map((fi) => [fi.name, fi]));

/** The default (version 2) format: exactly these 14 fields, in this order (ref 1.3). */
export const DEFAULT_FORMAT_FIELDS: readonly string[] = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
];

/** The default transit gateway flow-log format (all version-6 TGW fields, AWS order). [unverified] */
export const DEFAULT_TGW_FORMAT_FIELDS: readonly string[] = [
  'version',
  'resource-type',
  'account-id',
  'tgw-id',
  'tgw-attachment-id',
  'tgw-src-vpc-account-id',
  'tgw-dst-vpc-account-id',
  'tgw-src-vpc-id',
  'tgw-dst-vpc-id',
  'tgw-src-subnet-id',
  'tgw-dst-subnet-id',
  'tgw-src-eni',
  'tgw-dst-eni',
  'tgw-src-az-id',
  'tgw-dst-az-id',
  'tgw-pair-attachment-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'log-status',
  'type',
  'packets-lost-no-route',
  'packets-lost-blackhole',
  'packets-lost-mtu-exceeded',
  'packets-lost-ttl-expired',
  'tcp-flags',
  'region',
  'flow-direction',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
];

/** The catalogue entry for a field (canonical name), or undefined for an unknown field. */
export function fieldInfo(name: string): FieldInfo | undefined {
  return BY_NAME.get(name);
}

export function isKnownField(name: string): boolean {
  return BY_NAME.has(name);
}

/** `int` for known integer fields; every other field, unknown ones included, is a string. */
export function fieldKind(name: string): FieldKind {
  return BY_NAME.get(name)?.kind ?? 'string';
}

/**
 * The AWS spelling of a field name. Known fields written with underscores or in upper case
 * (`log_status`, `LOG-STATUS`: Athena/Parquet column names, VRL formats) map to the AWS name; unknown
 * names are returned unchanged.
 */
export function canonicalFieldName(name: string): string {
  if (BY_NAME.has(name)) return name;
  const alt = name.toLowerCase().replace(/_/g, '-');
  return BY_NAME.has(alt) ? alt : name;
}
