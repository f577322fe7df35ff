/**
 * Two entries of one NACL direction with the same rule number. AWS refuses them, so a snapshot that has
 * them was edited by hand or merged badly; the decoder keeps every entry (ref 5.5), and the evaluators
 * then take them in input order, which AWS would not.
 */
import { defineRule, naclEntryRef, type NaclEntry } from '../src/audit/rule-api.js';

export default defineRule({
  meta: {
    id: 'nacl-duplicate-rule-number',
    title: 'Network ACL rule number used twice in one direction',
    severity: 'medium',
    rationale: 'Rule numbers order a NACL (first match wins); two entries with one number make the order, and so the verdict, depend on how the input was written. AWS never returns this: the snapshot does not describe a real NACL.',
    reference: 'ref 5.1, 5.5; https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html',
  },
  check(ctx) {
    for (const acl of ctx.snapshot.networkAcls) {
      const groups = new Map<string, NaclEntry[]>();
      for (const e of acl.entries) {
        const k = `${e.direction}/${e.ruleNumber}`;
        const g = groups.get(k);
        if (g) g.push(e);
        else groups.set(k, [e]);
      }
      for (const entries of groups.values()) {
        if (entries.length < 2) continue;
        const [first, ...rest] = entries as [NaclEntry, ...NaclEntry[]];
        for (const dup of rest) {
          ctx.report({
            resource: acl.id,
            message: `${acl.id} has ${entries.length} ${first.direction} entries numbered ${first.ruleNumber}; this one (${dup.action}) and the one at ${first.source.path} (${first.action}) are ordered only by their place in the input`,
            location: dup.source,
            entry: naclEntryRef(acl, dup),
            details: { duplicates: entries.map((e) => ({ jsonPath: e.source.path, action: e.action })) },
          });
        }
      }
    }
  },
});
