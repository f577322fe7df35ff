/**
 * One JSON document → its model values, dispatched on TOP-LEVEL KEYS (never on file names): a document may
 * hold one describe-* output or several merged, or vpcwhy's own snapshot format
 * `{"VpcwhySnapshot": {version, capturedAt, regions, missing}, "Regions": {"us-east-1": {<describe keys>}}}`
 * (describe keys may also sit at the top level next to VpcwhySnapshot).
 */
import type {
  FlowLogDefinition,
  Instance,
  InternetGateway,
  NatGateway,
  VpnConnection,
  NetworkAcl,
  PrefixList,
  RouteTable,
  SecurityGroup,
  Subnet,
  Eni,
  TransitGateway,
  TransitGatewayAttachment,
  TransitGatewayRouteTable,
  Vpc,
  VpcEndpoint,
  VpcPeering,
} from '../../model/snapshot.js';
import {
  type DecodeContext,
  type JsonObject,
  describeValue,
  getField,
  isObject,
  joinPath,
  optionalInteger,
  optionalString,
  stringElements,
} from './common.js';
import { readFlowLogs } from './flow-logs.js';
import { readInstances, readReservations } from './instances.js';
import { readEgressOnlyInternetGateways, readInternetGateways } from './internet-gateways.js';
import { readNatGateways } from './nat-gateways.js';
import { readVpnConnections } from './vpn-connections.js';
import { readNetworkAcls } from './network-acls.js';
import { readNetworkInterfaces } from './network-interfaces.js';
import { readPrefixLists } from './prefix-lists.js';
import { readRouteTables } from './route-tables.js';
import { type DecodedSgRule, readSecurityGroupRules } from './security-group-rules.js';
import { readSecurityGroups } from './security-groups.js';
import { readSubnets } from './subnets.js';
import { readVpcPeeringConnections } from './vpc-peering-connections.js';
import { readVpcs } from './vpcs.js';
import {
  readTransitGatewayAttachments,
  readTransitGatewayRouteTableParts,
  readTransitGatewayRouteTables,
  readTransitGateways,
  readTransitGatewayVpcAttachments,
} from './transit-gateways.js';
import { readVpcEndpoints } from './vpc-endpoints.js';
import { pushAll } from '../../arrays.js';

export interface SnapshotHeader {
  readonly version?: number;
  readonly capturedAt?: string;
  readonly regions: readonly string[];
  readonly missing: readonly string[];
}

/** What one document contributed, before merging with the other documents. */
export interface DocumentContents {
  readonly vpcs: Vpc[];
  readonly subnets: Subnet[];
  readonly enis: Eni[];
  readonly securityGroups: SecurityGroup[];
  readonly securityGroupRules: DecodedSgRule[];
  readonly networkAcls: NetworkAcl[];
  readonly routeTables: RouteTable[];
  readonly prefixLists: PrefixList[];
  readonly internetGateways: InternetGateway[];
  readonly egressOnlyInternetGateways: InternetGateway[];
  readonly natGateways: NatGateway[];
  readonly vpnConnections: VpnConnection[];
  readonly peerings: VpcPeering[];
  readonly transitGateways: TransitGateway[];
  /** Parts of attachments (generic and VPC descriptions), merged by id. */
  readonly transitGatewayAttachments: TransitGatewayAttachment[];
  /** Parts of route tables (description, routes, propagations), merged by id. */
  readonly transitGatewayRouteTables: TransitGatewayRouteTable[];
  readonly vpcEndpoints: VpcEndpoint[];
  readonly instances: Instance[];
  readonly flowLogs: FlowLogDefinition[];
  /** The VpcwhySnapshot header, when the document has one. */
  header?: SnapshotHeader;
  /** Regions named by the document's `Regions` sections. */
  readonly regions: string[];
  /** The describe-* keys the document held (see SnapshotMeta.sections). */
  readonly sections: string[];
}

export function emptyContents(): DocumentContents {
  return {
    vpcs: [],
    subnets: [],
    enis: [],
    securityGroups: [],
    securityGroupRules: [],
    networkAcls: [],
    routeTables: [],
    prefixLists: [],
    internetGateways: [],
    egressOnlyInternetGateways: [],
    natGateways: [],
    vpnConnections: [],
    peerings: [],
    transitGateways: [],
    transitGatewayAttachments: [],
    transitGatewayRouteTables: [],
    vpcEndpoints: [],
    instances: [],
    flowLogs: [],
    regions: [],
    sections: [],
  };
}

type SectionReader = (c: DocumentContents, ctx: DecodeContext, value: unknown, path: string) => void;

/** The describe-* outputs vpcwhy models, by top-level key. */
const SECTION_READERS: Readonly<Record<string, SectionReader>> = {
  SecurityGroups: (c, ctx, v, p) => pushAll(c.securityGroups, readSecurityGroups(ctx, v, p)),
  SecurityGroupRules: (c, ctx, v, p) => pushAll(c.securityGroupRules, readSecurityGroupRules(ctx, v, p)),
  NetworkAcls: (c, ctx, v, p) => pushAll(c.networkAcls, readNetworkAcls(ctx, v, p)),
  RouteTables: (c, ctx, v, p) => pushAll(c.routeTables, readRouteTables(ctx, v, p)),
  NetworkInterfaces: (c, ctx, v, p) => pushAll(c.enis, readNetworkInterfaces(ctx, v, p)),
  Subnets: (c, ctx, v, p) => pushAll(c.subnets, readSubnets(ctx, v, p)),
  Vpcs: (c, ctx, v, p) => pushAll(c.vpcs, readVpcs(ctx, v, p)),
  ManagedPrefixLists: (c, ctx, v, p) => pushAll(c.prefixLists, readPrefixLists(ctx, v, p)),
  PrefixLists: (c, ctx, v, p) => pushAll(c.prefixLists, readPrefixLists(ctx, v, p)),
  InternetGateways: (c, ctx, v, p) => pushAll(c.internetGateways, readInternetGateways(ctx, v, p)),
  EgressOnlyInternetGateways: (c, ctx, v, p) => pushAll(c.egressOnlyInternetGateways, readEgressOnlyInternetGateways(ctx, v, p)),
  NatGateways: (c, ctx, v, p) => pushAll(c.natGateways, readNatGateways(ctx, v, p)),
  VpnConnections: (c, ctx, v, p) => pushAll(c.vpnConnections, readVpnConnections(ctx, v, p)),
  VpcPeeringConnections: (c, ctx, v, p) => pushAll(c.peerings, readVpcPeeringConnections(ctx, v, p)),
  TransitGateways: (c, ctx, v, p) => pushAll(c.transitGateways, readTransitGateways(ctx, v, p)),
  TransitGatewayAttachments: (c, ctx, v, p) => pushAll(c.transitGatewayAttachments, readTransitGatewayAttachments(ctx, v, p)),
  TransitGatewayVpcAttachments: (c, ctx, v, p) => pushAll(c.transitGatewayAttachments, readTransitGatewayVpcAttachments(ctx, v, p)),
  TransitGatewayRouteTables: (c, ctx, v, p) => pushAll(c.transitGatewayRouteTables, readTransitGatewayRouteTables(ctx, v, p)),
  TransitGatewayStaticRoutes: (c, ctx, v, p) => pushAll(c.transitGatewayRouteTables, readTransitGatewayRouteTableParts('routes')(ctx, v, p)),
  TransitGatewayPropagations: (c, ctx, v, p) => pushAll(c.transitGatewayRouteTables, readTransitGatewayRouteTableParts('propagations')(ctx, v, p)),
  VpcEndpoints: (c, ctx, v, p) => pushAll(c.vpcEndpoints, readVpcEndpoints(ctx, v, p)),
  Reservations: (c, ctx, v, p) => pushAll(c.instances, readReservations(ctx, v, p)),
  Instances: (c, ctx, v, p) => pushAll(c.instances, readInstances(ctx, v, p)),
  FlowLogs: (c, ctx, v, p) => pushAll(c.flowLogs, readFlowLogs(ctx, v, p)),
};

export const RECOGNIZED_KEYS: readonly string[] = Object.keys(SECTION_READERS);

/** Pagination and SDK metadata: fine anywhere, silently. */
const SILENT_KEYS = new Set(['NextToken', 'ResponseMetadata', '$metadata']);

/**
 * Outputs of AWS APIs that vpcwhy does not model (many appear in Batfish `aws_configs` snapshots).
 * Each gives one warning per file; any other PascalCase key is reported as unknown.
 */
export const UNMODELLED_AWS_KEYS: ReadonlySet<string> = new Set([
  'AccountAttributes',
  'Addresses',
  'AvailabilityZones',
  'CarrierGateways',
  'ClientVpnEndpoints',
  'CoipPools',
  'CustomerGateways',
  'DBInstances',
  'DhcpOptions',
  'DirectConnectGatewayAssociations',
  'DirectConnectGatewayAttachments',
  'DirectConnectGateways',
  'DomainStatusList',
  'Firewalls',
  'FirewallPolicies',
  'Hosts',
  'Images',
  'InstanceStatuses',
  'InstanceTypes',
  'Ipv6Pools',
  'KeyPairs',
  'LaunchTemplates',
  'Listeners',
  'LoadBalancerAttributes',
  'LoadBalancerDescriptions',
  'LoadBalancerListeners',
  'LoadBalancerTargetHealth',
  'LoadBalancers',
  'LocalGateways',
  'MovingAddressStatuses',
  'NetworkInsightsAnalyses',
  'NetworkInsightsPaths',
  'NetworkInterfacePermissions',
  'PlacementGroups',
  'PublicIpv4Pools',
  'Regions',
  'SecurityGroupReferenceSet',
  'ServiceDetails',
  'ServiceNames',
  'Snapshots',
  'SpotInstanceRequests',
  'StaleSecurityGroupSet',
  'Tags',
  'TargetGroups',
  'TargetHealthDescriptions',
  'TransitGatewayConnects',
  'TransitGatewayPeeringAttachments',
  'VirtualInterfaces',
  'Volumes',
  'VpcEndpointConnections',
  'VpcEndpointServiceConfigurations',
  'VpnGateways',
]);

export const SNAPSHOT_VERSION = 1;

/** Reads a whole document. `ctx.region` (from the directory) applies to VPCs that name none. */
export function readDocument(ctx: DecodeContext, json: unknown): DocumentContents {
  const contents = emptyContents();
  if (!isObject(json)) {
    ctx.error(
      '',
      `expected a JSON object whose keys are describe-* outputs (${RECOGNIZED_KEYS.slice(0, 3).join(', ')}, ...), got ${describeValue(json)}`,
    );
    return contents;
  }
  const warned = new Set<string>();
  const hasHeader = getField(json, 'VpcwhySnapshot') !== undefined;
  for (const key of Object.keys(json)) {
    const value = getField(json, key);
    if (key === 'VpcwhySnapshot') {
      contents.header = readHeader(ctx, value, key);
    } else if (key === 'Regions' && (isObject(value) || (hasHeader && !Array.isArray(value)))) {
      readRegions(ctx, contents, value, key, warned);
    } else {
      readSection(ctx, contents, json, key, key, warned);
    }
  }
  return contents;
}

function readSection(
  ctx: DecodeContext,
  contents: DocumentContents,
  obj: JsonObject,
  key: string,
  path: string,
  warned: Set<string>,
): void {
  const reader = SECTION_READERS[key];
  if (reader !== undefined && Object.prototype.hasOwnProperty.call(SECTION_READERS, key)) {
    if (obj[key] === null) ctx.warn(path, 'null where a list is expected; read as an empty list');
    if (!contents.sections.includes(key)) contents.sections.push(key);
    reader(contents, ctx, getField(obj, key), path);
    return;
  }
  if (SILENT_KEYS.has(key) || warned.has(key)) return;
  warned.add(key);
  if (UNMODELLED_AWS_KEYS.has(key)) ctx.warnings.push({ source: ctx.source(path), message: unknownKeyMessage(key), kind: 'not-modelled' });
  else ctx.warn(path, unknownKeyMessage(key));
}

function unknownKeyMessage(key: string): string {
  if (UNMODELLED_AWS_KEYS.has(key)) return `${key}: not modelled by vpcwhy; ignored`;
  if (key === 'Routes' || key === 'Associations' || key === 'TransitGatewayRouteTablePropagations') {
    return `${key} (search-transit-gateway-routes, get-transit-gateway-route-table-associations or -propagations output) does not say which transit gateway route table it belongs to; ignored. Put it as "${key}" inside its element of TransitGatewayRouteTables`;
  }
  if (key === 'Entries') {
    return 'Entries (get-managed-prefix-list-entries output) does not say which prefix list it belongs to; ignored. Put it as "Entries" inside its element of PrefixLists';
  }
  const lower = key.toLowerCase();
  const near = RECOGNIZED_KEYS.find((k) => k.toLowerCase() === lower || k.toLowerCase() === `${lower}s`);
  const hint = near === undefined ? '' : ` (did you mean ${near}?)`;
  return `unknown top-level key ${JSON.stringify(key)}${hint}; not a describe-* output vpcwhy knows; ignored`;
}

function readRegions(
  ctx: DecodeContext,
  contents: DocumentContents,
  value: unknown,
  path: string,
  warned: Set<string>,
): void {
  if (!isObject(value)) {
    ctx.error(path, `expected an object mapping region names to describe-* outputs, got ${describeValue(value)}`);
    return;
  }
  for (const region of Object.keys(value)) {
    const section = getField(value, region);
    const p = joinPath(path, region);
    if (!contents.regions.includes(region)) contents.regions.push(region);
    if (!isObject(section)) {
      ctx.error(p, `expected an object of describe-* outputs for region ${region}, got ${describeValue(section)}`);
      continue;
    }
    const regionCtx = ctx.withRegion(region);
    // Warnings about unknown keys are once per key per file, across regions too.
    for (const key of Object.keys(section)) readSection(regionCtx, contents, section, key, joinPath(p, key), warned);
  }
}

function readHeader(ctx: DecodeContext, value: unknown, path: string): SnapshotHeader {
  if (!isObject(value)) {
    ctx.error(path, `expected an object {version, capturedAt, regions, missing}, got ${describeValue(value)}`);
    return { regions: [], missing: [] };
  }
  const version = optionalInteger(ctx, value, 'version', path);
  if (version !== undefined && version !== SNAPSHOT_VERSION) {
    ctx.error(joinPath(path, 'version'), `unsupported snapshot version ${version}; this vpcwhy reads version ${SNAPSHOT_VERSION}`);
  }
  const capturedAt = optionalString(ctx, value, 'capturedAt', path);
  const regions = stringElements(ctx, value, 'regions', path).map(([s]) => s);
  const missing = stringElements(ctx, value, 'missing', path).map(([s]) => s);
  return {
    ...(version !== undefined ? { version } : {}),
    ...(capturedAt !== undefined ? { capturedAt } : {}),
    regions,
    missing,
  };
}
