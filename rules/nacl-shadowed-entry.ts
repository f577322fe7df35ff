/**
 * A NACL entry that decides no packet: the entries before it (ascending rule number, first match wins,
 * ref 5.1) already decide every packet it matches. Exact over the packet space, per direction and address
 * family; the covering entries are named. Packets SGs and NACLs never filter (Amazon DNS, IMDS, Time Sync,
 * DHCP, ref 3) are left out first, so an entry that only they would reach is not judged on them.
 *
 * Severity: a deny whose packets earlier entries allow (the deny was meant to block them and does not)
 * is high; an allow whose packets earlier entries deny is medium; an entry whose packets earlier entries
 * decide the same way (pure redundancy) is low. A deny only partly covered by an allow decides the rest:
 * it is not shadowed. The `*` rules (32767, 32768) are never reported.
 */
import {
  NACL_DEFAULT_RULE_IPV4,
  NACL_DEFAULT_RULE_IPV6,
  defineRule,
  describePortPart,
  intersect,
  isEmpty,
  naclEntriesFor,
  naclEntryName,
  naclEntryRef,
  naclEntrySet,
  subtract,
  unfilterableSet,
  universe,
  type NaclEntry,
  type PacketSet,
  type Severity,
} from '../src/audit/rule-api.js';

export default defineRule({
  meta: {
    id: 'nacl-shadowed-entry',
    title: 'Network ACL entry shadowed by earlier entries',
    severity: 'medium',
    rationale:
      'Entries are evaluated in ascending rule number and the first match wins: an entry whose packets all match earlier entries never takes effect. A shadowed deny means traffic someone meant to block is allowed.',
    reference: 'ref 5.1; https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html',
  },
  check(ctx) {
    for (const acl of ctx.snapshot.networkAcls) {
      for (const direction of ['inbound', 'outbound'] as const) {
        for (const family of [4, 6] as const) {
          const filterable = subtract(universe(family), unfilterableSet(ctx.index, acl.vpcId, direction, family));
          let undecided: PacketSet = filterable;
          // What each earlier entry decided (disjoint pieces).
          const decidedBy: { entry: NaclEntry; set: PacketSet }[] = [];
          for (const entry of naclEntriesFor(acl, direction, family)) {
            const matched = intersect(naclEntrySet(entry, family), filterable);
            if (isEmpty(matched)) continue;
            const fresh = intersect(matched, undecided);
            if (!isEmpty(fresh)) {
              decidedBy.push({ entry, set: fresh });
              undecided = subtract(undecided, matched);
              continue;
            }
            if (entry.ruleNumber === NACL_DEFAULT_RULE_IPV4 || entry.ruleNumber === NACL_DEFAULT_RULE_IPV6) continue;
            const covering = decidedBy.filter((d) => !isEmpty(intersect(d.set, matched))).map((d) => d.entry);
            const opposite = covering.some((c) => c.action !== entry.action);
            const severity: Severity = !opposite ? 'low' : entry.action === 'deny' ? 'high' : 'medium';
            const names = covering.map((c) => `${c.ruleNumber} (${c.action} ${describePortPart(c)} ${c.cidr?.text ?? ''})`.trimEnd());
            ctx.report({
              severity,
              resource: acl.id,
              message:
                `${acl.id} ${naclEntryName(entry)} (${entry.action} ${describePortPart(entry)} ${entry.direction === 'inbound' ? 'from' : 'to'} ${entry.cidr?.text ?? '?'}, IPv${family}) never takes effect: ` +
                `every packet it matches is decided first by rule${covering.length > 1 ? 's' : ''} ${names.join(', ')}` +
                (opposite && entry.action === 'deny' ? '; traffic it was meant to deny is allowed' : opposite ? '; traffic it was meant to allow is denied' : ''),
              location: entry.source,
              entry: naclEntryRef(acl, entry),
              details: {
                family,
                action: entry.action,
                coveredBy: covering.map((c) => ({ ruleNumber: c.ruleNumber, action: c.action, jsonPath: c.source.path })),
              },
            });
          }
        }
      }
    }
  },
});
