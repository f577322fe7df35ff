/**
 * Interfaces of one subnet with the same groups and kinds of address share their exposure analysis
 * (src/audit/exposure.ts): the shared answer (sources, ports, rules) equals each interface's own, on random
 * worlds where interfaces share subnets and groups (issue 15, performance: "ENIs with the same groups and
 * subnet share their analysis").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exposedServices } from '../../src/audit/exposure.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { fcParams } from '../arbitraries/fc-params.js';
import { buildSnapshot, snapArb } from '../arbitraries/explain-world.js';

const ALL = [{ lo: 0, hi: 65535 }];
const strip = (xs: ReturnType<typeof exposedServices>) => xs.map((x) => ({ ...x, sourceCount: x.sourceCount.toString() }));

describe('shared exposure analysis', () => {
  it('equals the analysis of each interface on its own', () => {
    fc.assert(
      fc.property(snapArb, (spec) => {
        const s = buildSnapshot(spec);
        const shared = indexSnapshot(s);
        const own = indexSnapshot(s);
        for (const eni of s.enis) expect(strip(exposedServices(shared, eni, ALL, true))).toEqual(strip(exposedServices(own, eni, ALL, false)));
      }),
      fcParams(40),
    );
  }, 120_000);
});
