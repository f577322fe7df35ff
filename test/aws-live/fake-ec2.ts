/**
 * A small fake of the EC2 Query API for tests: a node:http server on 127.0.0.1 that answers the describe
 * calls of the snapshot taker from an in-memory account per region (AWS CLI JSON shapes, PascalCase),
 * serialised as EC2 XML (`<DescribeVpcsResponse><requestId/><vpcSet><item>…`), with NextToken/MaxResults
 * pagination, EC2's MaxResults limits, injected errors (throttling, UnauthorizedOperation) and a log of calls.
 *
 * The region of a request is read from its SigV4 credential scope (`Credential=AKID/date/REGION/ec2/...`),
 * so one server can stand for several regions.
 *
 * XML element names: EC2 answers with each member's `locationName`; most are the member name in lowerCamel
 * case, lists usually end in `Set`, and the exceptions below are taken from the EC2 service model
 * (botocore ec2-2016-11-15 service-2.json, ../shared/corpus/botocore/ec2-model).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonItem = { [key: string]: Json };

/**
 * One region's resources, by describe output key. `ManagedPrefixLists` elements may carry `Entries`;
 * `TransitGatewayRouteTables` elements may carry `Routes` (SearchTransitGatewayRoutes) and
 * `TransitGatewayRouteTablePropagations` (GetTransitGatewayRouteTablePropagations).
 */
export type FakeAccount = Partial<Record<
  | 'Vpcs'
  | 'Subnets'
  | 'SecurityGroups'
  | 'SecurityGroupRules'
  | 'NetworkAcls'
  | 'RouteTables'
  | 'NetworkInterfaces'
  | 'ManagedPrefixLists'
  | 'PrefixLists'
  | 'InternetGateways'
  | 'EgressOnlyInternetGateways'
  | 'TransitGateways'
  | 'TransitGatewayAttachments'
  | 'TransitGatewayVpcAttachments'
  | 'TransitGatewayRouteTables'
  | 'VpcEndpoints'
  | 'NatGateways'
  | 'VpcPeeringConnections'
  | 'VpnConnections'
  | 'FlowLogs'
  | 'Reservations',
  JsonItem[]
>>;

export interface Fault {
  /** The action it applies to (all actions when absent). */
  readonly action?: string;
  readonly region?: string;
  readonly code: string;
  readonly message?: string;
  readonly status: number;
  /** How many matching calls get the error (every one when absent). */
  readonly times?: number;
}

export interface FakeEc2Options {
  readonly regions: Readonly<Record<string, FakeAccount>>;
  readonly faults?: readonly Fault[];
  /** Serve at most this many items per page whatever MaxResults says (Infinity: every item on one page). */
  readonly pageLimit?: number;
  /** Ignore MaxResults altogether and answer everything at once (some EC2 look-alikes do). */
  readonly ignoreMaxResults?: boolean;
  /** Milliseconds to wait before answering, to make concurrency observable. */
  readonly delayMs?: number;
  /** Fixed XML bodies by action (real EC2 responses from the corpus), served as they are. */
  readonly rawResponses?: Readonly<Record<string, string>>;
}

export interface Call {
  readonly action: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly params: Readonly<Record<string, string>>;
  readonly status: number;
}

export interface FakeEc2 {
  readonly url: string;
  readonly calls: Call[];
  /** Most requests in flight at once, per region. */
  readonly maxInFlight: Map<string, number>;
  /** Every request's raw body and headers, to check that nothing leaks. */
  readonly rawRequests: string[];
  close(): Promise<void>;
}

interface ActionSpec {
  /** Section of the account it reads. */
  readonly section: keyof FakeAccount;
  /** XML name of the result list. */
  readonly set: string;
  /** MaxResults range (botocore model); undefined: any integer. */
  readonly min?: number;
  readonly max?: number;
}

const ACTIONS: Readonly<Record<string, ActionSpec>> = {
  DescribeVpcs: { section: 'Vpcs', set: 'vpcSet', min: 5, max: 1000 },
  DescribeSubnets: { section: 'Subnets', set: 'subnetSet', min: 5, max: 1000 },
  DescribeSecurityGroups: { section: 'SecurityGroups', set: 'securityGroupInfo', min: 5, max: 1000 },
  DescribeSecurityGroupRules: { section: 'SecurityGroupRules', set: 'securityGroupRuleSet', min: 5, max: 1000 },
  DescribeNetworkAcls: { section: 'NetworkAcls', set: 'networkAclSet', min: 5, max: 1000 },
  DescribeRouteTables: { section: 'RouteTables', set: 'routeTableSet', min: 5, max: 100 },
  DescribeNetworkInterfaces: { section: 'NetworkInterfaces', set: 'networkInterfaceSet', min: 5, max: 1000 },
  DescribeManagedPrefixLists: { section: 'ManagedPrefixLists', set: 'prefixListSet', min: 1, max: 100 },
  GetManagedPrefixListEntries: { section: 'ManagedPrefixLists', set: 'entrySet', min: 1, max: 100 },
  DescribePrefixLists: { section: 'PrefixLists', set: 'prefixListSet' },
  DescribeInternetGateways: { section: 'InternetGateways', set: 'internetGatewaySet', min: 5, max: 1000 },
  DescribeEgressOnlyInternetGateways: { section: 'EgressOnlyInternetGateways', set: 'egressOnlyInternetGatewaySet', min: 5, max: 255 },
  DescribeTransitGateways: { section: 'TransitGateways', set: 'transitGatewaySet', min: 5, max: 1000 },
  DescribeTransitGatewayAttachments: { section: 'TransitGatewayAttachments', set: 'transitGatewayAttachments', min: 5, max: 1000 },
  DescribeTransitGatewayVpcAttachments: { section: 'TransitGatewayVpcAttachments', set: 'transitGatewayVpcAttachments', min: 5, max: 1000 },
  DescribeTransitGatewayRouteTables: { section: 'TransitGatewayRouteTables', set: 'transitGatewayRouteTables', min: 5, max: 1000 },
  SearchTransitGatewayRoutes: { section: 'TransitGatewayRouteTables', set: 'routeSet', min: 5, max: 1000 },
  GetTransitGatewayRouteTablePropagations: { section: 'TransitGatewayRouteTables', set: 'transitGatewayRouteTablePropagations', min: 5, max: 1000 },
  DescribeVpcEndpoints: { section: 'VpcEndpoints', set: 'vpcEndpointSet', min: 5, max: 1000 },
  DescribeNatGateways: { section: 'NatGateways', set: 'natGatewaySet', min: 5, max: 1000 },
  DescribeVpcPeeringConnections: { section: 'VpcPeeringConnections', set: 'vpcPeeringConnectionSet', min: 5, max: 1000 },
  DescribeVpnConnections: { section: 'VpnConnections', set: 'vpnConnectionSet' },
  DescribeFlowLogs: { section: 'FlowLogs', set: 'flowLogSet' },
  DescribeInstances: { section: 'Reservations', set: 'reservationSet' },
};

/** locationName of members whose name is not simply the member name in lowerCamel case. */
const XML_NAMES: Readonly<Record<string, string>> = {
  AssociatedSubnets: 'associatedSubnetSet',
  Associations: 'associationSet',
  AttachedAppliances: 'attachedApplianceSet',
  Attachments: 'attachmentSet',
  BlockDeviceMappings: 'blockDeviceMapping',
  Cidrs: 'cidrSet',
  Entries: 'entrySet',
  Groups: 'groupSet',
  Instances: 'instancesSet',
  Ipv4Prefixes: 'ipv4PrefixSet',
  Ipv6Addresses: 'ipv6AddressesSet',
  Ipv6Prefixes: 'ipv6PrefixSet',
  NatGatewayAddresses: 'natGatewayAddressSet',
  NetworkInterfaces: 'networkInterfaceSet',
  PrivateIpAddresses: 'privateIpAddressesSet',
  PropagatingVgws: 'propagatingVgwSet',
  Routes: 'routeSet',
  Tags: 'tagSet',
  UserIdGroupPairs: 'groups',
};

/** Names that depend on the shape they are in: the elements of these lists. */
const ITEM_SHAPE: Readonly<Record<string, string>> = {
  SecurityGroups: 'SecurityGroup',
  NetworkAcls: 'NetworkAcl',
  Instances: 'Instance',
  VpnConnections: 'VpnConnection',
  VpcEndpoints: 'VpcEndpoint',
};
const XML_NAMES_IN: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  SecurityGroup: { Description: 'groupDescription' },
  NetworkAcl: { IsDefault: 'default' },
  VpnConnection: { Routes: 'routes' },
  VpcEndpoint: { SubnetIds: 'subnetIdSet', RouteTableIds: 'routeTableIdSet', NetworkInterfaceIds: 'networkInterfaceIdSet', DnsEntries: 'dnsEntrySet' },
  Instance: {
    State: 'instanceState',
    PublicIpAddress: 'ipAddress',
    PublicDnsName: 'dnsName',
    StateTransitionReason: 'reason',
    SecurityGroups: 'groupSet',
  },
};

function xmlName(key: string, shape: string | undefined): string {
  const inShape = shape === undefined ? undefined : XML_NAMES_IN[shape]?.[key];
  return inShape ?? XML_NAMES[key] ?? key.charAt(0).toLowerCase() + key.slice(1);
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The inside of an element for a JSON value whose elements are of `shape`. */
function xmlBody(value: Json, shape: string | undefined): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.map((v) => `<item>${xmlBody(v, shape)}</item>`).join('');
  if (typeof value === 'object') {
    let out = '';
    for (const [k, v] of Object.entries(value)) {
      if (v === null) continue;
      const name = xmlName(k, shape);
      out += `<${name}>${xmlBody(v, Array.isArray(v) ? ITEM_SHAPE[k] : undefined)}</${name}>`;
    }
    return out;
  }
  if (typeof value === 'string' && TIMESTAMP.test(value)) return new Date(value.replace(' ', 'T')).toISOString();
  return escapeXml(String(value));
}

/** AWS CLI timestamps (`2020-05-09 05:01:39+00:00`, `2020-05-09T05:01:39.000Z`): EC2 XML has ISO 8601 UTC. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

export function ec2Response(action: string, setName: string, items: readonly Json[], shape: string | undefined, nextToken: string | undefined): string {
  const token = nextToken === undefined ? '' : `<nextToken>${escapeXml(nextToken)}</nextToken>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
    `<requestId>${requestId()}</requestId><${setName}>${xmlBody([...items], shape)}</${setName}>${token}</${action}Response>`
  );
}

export function ec2Error(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId()}</RequestID></Response>`;
}

let counter = 0;
function requestId(): string {
  counter++;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

/** The region and access key id of the SigV4 credential scope. */
function credentialScope(authorization: string | undefined): { accessKeyId: string; region: string } {
  const m = /Credential=([^/]+)\/\d{8}\/([^/]+)\/ec2\/aws4_request/.exec(authorization ?? '');
  return { accessKeyId: m?.[1] ?? '', region: m?.[2] ?? '' };
}

const TOKEN_PREFIX = 'fake-ec2-token:';

function itemsFor(action: string, account: FakeAccount, params: Record<string, string>): { items: Json[]; shape: string | undefined } | { error: [number, string, string] } {
  const spec = ACTIONS[action] as ActionSpec;
  if (action === 'GetManagedPrefixListEntries') {
    const id = params.PrefixListId;
    const list = (account.ManagedPrefixLists ?? []).find((pl) => pl.PrefixListId === id);
    if (list === undefined) return { error: [400, 'InvalidPrefixListID.NotFound', `The prefix list ID '${id}' does not exist`] };
    const entries = list.Entries;
    return { items: Array.isArray(entries) ? entries : [], shape: undefined };
  }
  const items = account[spec.section] ?? [];
  if (action === 'SearchTransitGatewayRoutes' || action === 'GetTransitGatewayRouteTablePropagations') {
    const id = params.TransitGatewayRouteTableId;
    if (action === 'SearchTransitGatewayRoutes' && params['Filter.1.Name'] === undefined) return { error: [400, 'MissingParameter', 'The request must contain the parameter Filters'] };
    const rt = items.find((t) => t.TransitGatewayRouteTableId === id);
    if (rt === undefined) return { error: [400, 'InvalidRouteTableID.NotFound', `The transitGatewayRouteTable ID '${id}' does not exist`] };
    const list = action === 'SearchTransitGatewayRoutes' ? rt.Routes : rt.TransitGatewayRouteTablePropagations;
    return { items: Array.isArray(list) ? list : [], shape: undefined };
  }
  if (action === 'DescribeTransitGatewayRouteTables') {
    return { items: items.map(({ Routes: _r, TransitGatewayRouteTablePropagations: _p, ...rest }) => rest), shape: undefined };
  }
  if (action === 'DescribeManagedPrefixLists') {
    // The describe call does not return the entries: GetManagedPrefixListEntries does.
    return { items: items.map(({ Entries: _entries, ...rest }) => rest), shape: undefined };
  }
  return { items, shape: ITEM_SHAPE[spec.section] };
}

export async function startFakeEc2(options: FakeEc2Options): Promise<FakeEc2> {
  const calls: Call[] = [];
  const rawRequests: string[] = [];
  const maxInFlight = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const faultsLeft = (options.faults ?? []).map((f) => ({ fault: f, left: f.times ?? Number.POSITIVE_INFINITY }));

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      rawRequests.push(`${JSON.stringify(req.headers)}\n${body}`);
      const params = Object.fromEntries(new URLSearchParams(body));
      const action = params.Action ?? '';
      const { accessKeyId, region } = credentialScope(req.headers.authorization);
      const n = (inFlight.get(region) ?? 0) + 1;
      inFlight.set(region, n);
      maxInFlight.set(region, Math.max(maxInFlight.get(region) ?? 0, n));
      const send = (status: number, xml: string): void => {
        calls.push({ action, region, accessKeyId, params, status });
        const finish = (): void => {
          inFlight.set(region, (inFlight.get(region) ?? 1) - 1);
          res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8' });
          res.end(xml);
        };
        if (options.delayMs) setTimeout(finish, options.delayMs);
        else finish();
      };

      if (req.method !== 'POST' || params.Version !== '2016-11-15') {
        send(400, ec2Error('InvalidAction', `expected POST with Version=2016-11-15, got ${req.method} ${params.Version}`));
        return;
      }
      if (accessKeyId === '') {
        send(401, ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials'));
        return;
      }
      const fault = faultsLeft.find((f) => f.left > 0 && (f.fault.action === undefined || f.fault.action === action) && (f.fault.region === undefined || f.fault.region === region));
      if (fault !== undefined) {
        fault.left--;
        send(fault.fault.status, ec2Error(fault.fault.code, fault.fault.message ?? `${fault.fault.code} (injected by the test)`));
        return;
      }
      const raw = options.rawResponses?.[action];
      if (raw !== undefined) {
        send(200, raw);
        return;
      }
      const spec = ACTIONS[action];
      if (spec === undefined) {
        send(400, ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`));
        return;
      }
      const account = options.regions[region];
      if (account === undefined) {
        send(401, ec2Error('AuthFailure', `AWS was not able to validate the provided access credentials (unknown region ${region})`));
        return;
      }
      let maxResults: number | undefined;
      if (params.MaxResults !== undefined) {
        maxResults = Number(params.MaxResults);
        if (!Number.isInteger(maxResults) || (spec.min !== undefined && maxResults < spec.min) || (spec.max !== undefined && maxResults > spec.max)) {
          send(400, ec2Error('InvalidParameterValue', `Value ( ${params.MaxResults} ) for parameter maxResults is invalid. Expecting a value between ${spec.min} and ${spec.max}.`));
          return;
        }
      }
      let start = 0;
      if (params.NextToken !== undefined) {
        const m = params.NextToken.startsWith(TOKEN_PREFIX) ? /^([A-Za-z]+):(\d+)$/.exec(params.NextToken.slice(TOKEN_PREFIX.length)) : null;
        if (m === null || m[1] !== action) {
          send(400, ec2Error('InvalidNextToken', 'The token is invalid'));
          return;
        }
        start = Number(m[2]);
      }
      const found = itemsFor(action, account, params);
      if ('error' in found) {
        send(found.error[0], ec2Error(found.error[1], found.error[2]));
        return;
      }
      const size = Math.min(options.ignoreMaxResults ? Number.POSITIVE_INFINITY : maxResults ?? Number.POSITIVE_INFINITY, options.pageLimit ?? Number.POSITIVE_INFINITY);
      const page = found.items.slice(start, start + size);
      const end = start + page.length;
      const next = end < found.items.length ? `${TOKEN_PREFIX}${action}:${end}` : undefined;
      send(200, ec2Response(action, spec.set, page, found.shape, next));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    maxInFlight,
    rawRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
