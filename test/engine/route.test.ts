import { describe, expect, it } from 'vitest';
import { evaluateRoute } from '../../src/engine/route.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { cidr, ip, route, routeTable, snapshotOf, subnet } from '../builders.js';

const table = routeTable('rtb-1', [
  route('10.0.0.0/16', 'local'),
  route('172.31.0.0/16', 'pcx-1'),
  route('0.0.0.0/0', 'nat-0dead', 'blackhole'),
  route('pl-s3', 'vpce-1'),
  route('::/0', 'eigw-1'),
  route('172.31.5.0/24', 'tgw-1'),
]);
const index = indexSnapshot(
  snapshotOf({ prefixLists: [{ id: 'pl-s3', entries: [cidr('52.216.0.0/15')], source: { file: 't', path: '$' } }], subnets: [subnet('subnet-1', '10.0.1.0/24')] }),
);

describe('evaluateRoute', () => {
  it('picks the longest prefix (ref 6.1)', () => {
    expect(evaluateRoute(index, table, ip('172.31.5.9')).target?.id).toBe('tgw-1');
    expect(evaluateRoute(index, table, ip('172.31.6.9')).target?.id).toBe('pcx-1');
    expect(evaluateRoute(index, table, ip('10.0.9.9')).target?.kind).toBe('local');
  });
  it('reports a blackhole route as a drop (ref 6.1)', () => {
    expect(evaluateRoute(index, table, ip('8.8.8.8'))).toMatchObject({ outcome: 'blackhole', target: { id: 'nat-0dead' } });
  });
  it('matches prefix-list destinations by their entries (ref 6.1)', () => {
    expect(evaluateRoute(index, table, ip('52.217.1.1'))).toMatchObject({ outcome: 'forward', target: { id: 'vpce-1' }, prefixLength: 15 });
    const t2 = routeTable('rtb-2', [route('pl-s3', 'vpce-1'), route('0.0.0.0/0', 'igw-1')]);
    expect(evaluateRoute(index, t2, ip('52.217.1.1')).target?.id).toBe('vpce-1');
  });
  it('routes IPv6 independently: 0.0.0.0/0 never covers IPv6 (ref 6.1)', () => {
    expect(evaluateRoute(index, table, ip('2600::1')).target?.id).toBe('eigw-1');
    const v4only = routeTable('rtb-3', [route('0.0.0.0/0', 'igw-1')]);
    expect(evaluateRoute(index, v4only, ip('2600::1')).outcome).toBe('no-route');
  });
  it('prefers a CIDR route over a prefix-list route of equal length (ref 6.1)', () => {
    const t = routeTable('rtb-4', [route('pl-s3', 'vpce-1'), route('52.216.0.0/15', 'igw-1')]);
    expect(evaluateRoute(index, t, ip('52.216.1.1')).target?.id).toBe('igw-1');
  });
});
