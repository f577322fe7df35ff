/**
 * DescribeSecurityGroupRules (ref 4.5): `{"SecurityGroupRules": [...]}`, one element per rule with an
 * `sgr-` id. The CIDR keys differ from DescribeSecurityGroups: `CidrIpv4` / `CidrIpv6` / `PrefixListId` /
 * `ReferencedGroupInfo`. The loader attaches these rules to their groups (they replace the groups'
 * IpPermissions, since explanations can then name the rule id).
 */
import type { SgPeer, SgRule } from '../../model/snapshot.js';
import type { SourceRef } from '../../model/warning.js';
import {
  type DecodeContext,
  compact,
  hasField,
  joinPath,
  objectElements,
  optionalInteger,
  optionalObject,
  optionalString,
  requireBoolean,
  requireString,
  toDecoder,
} from './common.js';
import { readPortsAndIcmp, readProtocol } from './rule-values.js';
import { cidrPeer, readGroupPeer } from './security-groups.js';

export interface DecodedSgRule {
  readonly rule: SgRule;
  readonly ruleId: string;
  readonly groupOwnerId?: string;
  readonly source: SourceRef;
}

const PEER_KEYS = ['CidrIpv4', 'CidrIpv6', 'PrefixListId', 'ReferencedGroupInfo'] as const;

export function readSecurityGroupRules(ctx: DecodeContext, value: unknown, path: string): DecodedSgRule[] {
  const out: DecodedSgRule[] = [];
  for (const [r, p] of objectElements(ctx, value, path, 'a security group rule')) {
    const ruleId = requireString(ctx, r, 'SecurityGroupRuleId', p);
    const groupId = requireString(ctx, r, 'GroupId', p);
    const groupOwnerId = optionalString(ctx, r, 'GroupOwnerId', p);
    const isEgress = requireBoolean(ctx, r, 'IsEgress', p);
    const protocol = readProtocol(ctx, r, 'IpProtocol', p);
    const from = optionalInteger(ctx, r, 'FromPort', p);
    const to = optionalInteger(ctx, r, 'ToPort', p);
    const description = optionalString(ctx, r, 'Description', p);

    const present = PEER_KEYS.filter((k) => hasField(r, k));
    if (present.length > 1) {
      ctx.warn(p, `rule has several peers (${present.join(', ')}); AWS gives exactly one; using ${present[0]}`);
    }
    let peer: SgPeer | undefined;
    switch (present[0]) {
      case 'CidrIpv4':
      case 'CidrIpv6': {
        const key = present[0];
        const text = requireString(ctx, r, key, p);
        if (text !== undefined) peer = cidrPeer(ctx, text, joinPath(p, key));
        break;
      }
      case 'PrefixListId': {
        const prefixListId = requireString(ctx, r, 'PrefixListId', p);
        if (prefixListId !== undefined) peer = { kind: 'prefix-list', prefixListId };
        break;
      }
      case 'ReferencedGroupInfo': {
        const info = optionalObject(ctx, r, 'ReferencedGroupInfo', p);
        if (info !== undefined) peer = readGroupPeer(ctx, info, joinPath(p, 'ReferencedGroupInfo'));
        break;
      }
      case undefined:
        ctx.warn(p, 'rule has no peer (CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupInfo); the rule is kept but never matches');
        peer = { kind: 'invalid', text: '(no peer)' };
        break;
    }

    if (ruleId === undefined || groupId === undefined || isEgress === undefined || protocol === undefined || peer === undefined) {
      continue;
    }
    const { ports, icmp } = readPortsAndIcmp(ctx, protocol, from, to, p, { first: 'FromPort', second: 'ToPort' });
    out.push({
      ruleId,
      ...compact({ groupOwnerId }),
      source: ctx.source(p),
      rule: {
        groupId,
        ruleId,
        direction: isEgress ? 'outbound' : 'inbound',
        protocol,
        ports,
        icmp,
        peer,
        ...compact({ description }),
        source: ctx.source(p),
      },
    });
  }
  return out;
}

export const decodeSecurityGroupRules = toDecoder(readSecurityGroupRules, 'SecurityGroupRules');
