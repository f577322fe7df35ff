/** A route in state blackhole: its target (NAT gateway, interface, peering, ...) is gone. */
import { defineRule } from '../src/audit/rule-api.js';

export default defineRule({
  meta: {
    id: 'blackhole-route',
    title: 'Route to a deleted target (blackhole)',
    severity: 'medium',
    rationale: 'Packets to the destination are dropped silently: flow logs show nothing blocked by a group or NACL, and the longer-prefix blackhole hides any broader working route.',
    reference: 'ref 6.1; https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html',
  },
  check(ctx) {
    for (const rt of ctx.snapshot.routeTables) {
      const users = rt.subnetIds.length + (rt.isMain ? 1 : 0) + rt.gatewayIds.length;
      for (const route of rt.routes) {
        if (route.state !== 'blackhole') continue;
        const dest = route.destination.kind === 'cidr' ? route.destination.cidr.text : route.destination.kind === 'prefix-list' ? route.destination.prefixListId : route.destination.text;
        ctx.report({
          // A table nothing uses drops nothing: still worth cleaning, at a lower severity.
          ...(users === 0 ? { severity: 'low' as const } : {}),
          resource: rt.id,
          message: `route ${dest} -> ${route.target.id} in ${rt.id} is a blackhole: traffic to ${dest} from ${rt.isMain ? `${rt.subnetIds.length ? `${rt.subnetIds.join(', ')} and ` : ''}the subnets without an explicit association (main table)` : rt.subnetIds.length ? rt.subnetIds.join(', ') : 'no subnet (the table is not associated)'} is dropped`,
          location: route.source,
          entry: { kind: 'route', routeTableId: rt.id, destination: dest, target: route.target.id },
          details: { destination: dest, target: route.target.id, subnetIds: rt.subnetIds, main: rt.isMain },
        });
      }
    }
  },
});
