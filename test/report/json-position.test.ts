import { describe, expect, it } from 'vitest';
import { jsonPathSegments, jsonPositionFinder, positionOfOffset } from '../../src/report/json-position.js';

describe('json positions for SARIF regions', () => {
  it('splits the JSON paths the decoders write', () => {
    expect(jsonPathSegments('NetworkAcls[2].Entries[5]')).toEqual(['NetworkAcls', 2, 'Entries', 5]);
    expect(jsonPathSegments('SecurityGroups[0].IpPermissions[1].IpRanges[0]')).toEqual(['SecurityGroups', 0, 'IpPermissions', 1, 'IpRanges', 0]);
    expect(jsonPathSegments('Tags["odd key.x"][0]')).toEqual(['Tags', 'odd key.x', 0]);
    expect(jsonPathSegments('')).toEqual([]);
    expect(jsonPathSegments('A[x]')).toBeNull();
  });

  it('finds the line and column (1-based) of the value at a path', () => {
    const text = '{\n  "NetworkAcls": [\n    { "Entries": [\n      {"RuleNumber": 100},\n      {"RuleNumber": 200}\n    ] }\n  ]\n}\n';
    const find = jsonPositionFinder(text);
    expect(find('NetworkAcls[0].Entries[1]')).toEqual({ line: 5, column: 7 });
    expect(find('NetworkAcls[0]')).toEqual({ line: 3, column: 5 });
    expect(find('')).toEqual({ line: 1, column: 1 });
    expect(find('NetworkAcls[3]')).toBeNull();
    expect(positionOfOffset('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
