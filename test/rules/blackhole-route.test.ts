import { describe, expect, it } from 'vitest';
import { route, routeTable, snapshotOf } from '../builders.js';
import { auditWith } from './support.js';

describe('blackhole-route', () => {
  it('reports a blackhole route of an associated table, medium, naming destination and target (ref 6.1)', () => {
    const rt = routeTable('rtb-1', [route('10.0.0.0/16', 'local'), route('172.16.0.0/12', 'pcx-gone', 'blackhole')], { subnetIds: ['subnet-1'] });
    const f = auditWith(snapshotOf({ routeTables: [rt] }), 'blackhole-route');
    expect(f.map((x) => [x.severity, x.resource, x.entry])).toEqual([['medium', 'rtb-1', { kind: 'route', routeTableId: 'rtb-1', destination: '172.16.0.0/12', target: 'pcx-gone' }]]);
  });

  it('reports a blackhole in a table nothing uses as low', () => {
    const rt = routeTable('rtb-1', [route('0.0.0.0/0', 'nat-gone', 'blackhole')]);
    expect(auditWith(snapshotOf({ routeTables: [rt] }), 'blackhole-route').map((x) => x.severity)).toEqual(['low']);
  });

  it('does not report active routes, even to a gateway the snapshot does not list (ref 6.1)', () => {
    const rt = routeTable('rtb-1', [route('10.0.0.0/16', 'local'), route('0.0.0.0/0', 'igw-unlisted')], { main: true });
    expect(auditWith(snapshotOf({ routeTables: [rt] }), 'blackhole-route')).toEqual([]);
  });
});
