import { describe, expect, it } from 'vitest';
import { E } from '../../src/fp.js';
import {
  DEFAULT_FORMAT,
  FlowRecord,
  isLineError,
  parseLogFormat,
  parseRecordBytes,
  parseRecordLine,
  recordFromTokens,
  type FlowLogFormat,
  type LineError,
} from '../../src/flowlog/index.js';

function fmt(text: string): FlowLogFormat {
  const f = parseLogFormat(text);
  if (E.isLeft(f)) throw new Error(f.left.message);
  return f.right;
}

function rec(format: FlowLogFormat, text: string, line = 1): FlowRecord {
  const r = parseRecordLine(format, text, 'test.log', line);
  if (isLineError(r)) throw new Error(r.message);
  return r;
}

function bad(format: FlowLogFormat, text: string, line = 1): LineError {
  const r = parseRecordLine(format, text, 'test.log', line);
  if (!isLineError(r)) throw new Error(`expected a bad line: ${text}`);
  return r;
}

/** Both parsers (string and bytes) must agree; returns the string parser's answer. */
function both(format: FlowLogFormat, text: string): FlowRecord | LineError {
  const a = parseRecordLine(format, text, 'f', 7);
  const buf = Buffer.from(`xx${text}yy`);
  const b = parseRecordBytes(format, buf, 2, buf.length - 2, 'f', 7);
  if (isLineError(a)) expect(b).toEqual(a);
  else {
    expect(isLineError(b)).toBe(false);
    expect((b as FlowRecord).fields()).toEqual(a.fields());
  }
  return a;
}

const TCP_FLAGS_FORMAT = fmt(
  'version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status',
);

describe('FlowRecord from the documented examples', () => {
  it('reads an accepted SSH record in the default format (ref 2.1)', () => {
    const r = rec(DEFAULT_FORMAT, '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK');
    expect(r.interfaceId).toBe('eni-1235b8ca123456789');
    expect(r.srcaddr).toBe('172.31.16.139');
    expect(r.dstaddr).toBe('172.31.16.21');
    expect(r.srcport).toBe(20641);
    expect(r.dstport).toBe(22);
    expect(r.protocol).toBe(6);
    expect(r.action).toBe('ACCEPT');
    expect(r.logStatus).toBe('OK');
    expect(r.version).toBe(2);
    expect(r.packets).toBe(20);
    expect(r.bytes).toBe(4249);
    expect(r.start).toBe(1418530010);
    expect(r.end).toBe(1418530070);
    expect(r.tcpFlags).toBeNull(); // not in the default format
    expect(r.flowDirection).toBeNull();
    expect(r.pktSrcaddr).toBeNull();
    expect(r.type).toBeNull();
    expect(r.line).toBe(1);
    expect(r.file).toBe('test.log');
  });

  it('reads a rejected RDP record (ref 2.2)', () => {
    const r = rec(DEFAULT_FORMAT, '2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK');
    expect(r.action).toBe('REJECT');
    expect(r.dstport).toBe(3389);
  });

  it('reads NODATA and SKIPDATA records with nulls and no action (ref 2.3)', () => {
    const nodata = rec(DEFAULT_FORMAT, '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA');
    expect(nodata.action).toBeNull();
    expect(nodata.logStatus).toBe('NODATA');
    expect(nodata.srcaddr).toBeNull();
    expect(nodata.srcport).toBeNull();
    expect(nodata.protocol).toBeNull();
    expect(nodata.packets).toBeNull();
    expect(nodata.start).toBe(1431280876);
    const skip = rec(DEFAULT_FORMAT, '2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA');
    expect(skip.logStatus).toBe('SKIPDATA');
    expect(skip.action).toBeNull();
    expect(skip.interfaceId).toBe('eni-11111111aaaaaaaaa');
  });

  it('reads ICMP with ports 0 0 (ref 2.4)', () => {
    const r = rec(DEFAULT_FORMAT, '2 123456789010 eni-1235b8ca123456789 172.31.16.139 203.0.113.12 0 0 1 4 336 1432917094 1432917142 REJECT OK');
    expect(r.protocol).toBe(1);
    expect(r.srcport).toBe(0);
    expect(r.dstport).toBe(0);
  });

  it('reads IPv6 addresses, whose colons are not separators (ref 2.5)', () => {
    const r = rec(DEFAULT_FORMAT, '2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK');
    expect(r.srcaddr).toBe('2001:db8:1234:a100:8d6e:3477:df66:f105');
    expect(r.dstaddr).toBe('2001:db8:1234:a102:3304:8879:34cf:4071');
  });

  it('splits on runs of whitespace (ref 2.6)', () => {
    const r = rec(
      TCP_FLAGS_FORMAT,
      '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 52.213.180.42 5001 43638  10.0.0.62 52.213.180.42 6 967 14 1566933133 1566933193 ACCEPT 19 OK',
    );
    expect(r.dstport).toBe(43638);
    expect(r.pktSrcaddr).toBe('10.0.0.62');
    expect(r.tcpFlags).toBe(19);
    expect(r.type).toBe('IPv4');
    expect(r.subnetId).toBe('subnet-aaaaaaaa012345678');
    expect(r.vpcId).toBe('vpc-abcdefab012345678');
    // tabs, leading/trailing blanks and a CR are whitespace too
    const t = rec(DEFAULT_FORMAT, ' \t2 123456789010\teni-1 - - - - - - - 1 2 - NODATA \r');
    expect(t.logStatus).toBe('NODATA');
    expect(t.interfaceId).toBe('eni-1');
  });

  it('reads the NAT gateway custom format, instance-id "-" (ref 2.7)', () => {
    const f = fmt('${instance-id} ${interface-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr}');
    const r = rec(f, '- eni-1235b8ca123456789 10.0.0.220 10.0.1.5 203.0.113.5 10.0.1.5');
    expect(r.fields()).toEqual({
      'instance-id': null,
      'interface-id': 'eni-1235b8ca123456789',
      srcaddr: '10.0.0.220',
      dstaddr: '10.0.1.5',
      'pkt-srcaddr': '203.0.113.5',
      'pkt-dstaddr': '10.0.1.5',
    });
    expect(r.action).toBeNull();
    expect(r.srcport).toBeNull();
  });

  it('reads version-5 fields: flow-direction and traffic-path (ref 2.9)', () => {
    const f = fmt(
      'version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id subnet-id instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction log-status',
    );
    const r = rec(f, '5 10.0.0.71 52.95.128.179 34210 80 6 1616729292 1616729349 IPv4 7 471 123456789012 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 3 10.0.0.71 52.95.128.179 - S3 8 egress OK');
    expect(r.flowDirection).toBe('egress');
    expect(r.get('traffic-path')).toBe(8);
    expect(r.get('pkt-dst-aws-service')).toBe('S3');
    expect(r.get('pkt-src-aws-service')).toBeNull();
    expect(r.get('region')).toBe('ap-southeast-2');
    expect(r.get('no-such-field')).toBeNull();
  });

  it('reads reject-reason BPA (ref 1.5)', () => {
    const f = fmt('${version} ${srcaddr} ${dstaddr} ${action} ${reject-reason}');
    expect(rec(f, '8 10.0.0.1 10.0.0.2 REJECT BPA').rejectReason).toBe('BPA');
    expect(rec(f, '8 10.0.0.1 10.0.0.2 REJECT -').rejectReason).toBeNull();
  });
});

describe('fields()', () => {
  it('gives every field under its AWS name, ints as numbers, "-" as null (ref 1.1)', () => {
    const r = rec(DEFAULT_FORMAT, '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA');
    expect(r.fields()).toEqual({
      version: 2,
      'account-id': '123456789010',
      'interface-id': 'eni-1235b8ca123456789',
      srcaddr: null,
      dstaddr: null,
      srcport: null,
      dstport: null,
      protocol: null,
      packets: null,
      bytes: null,
      start: 1431280876,
      end: 1431280934,
      action: null,
      'log-status': 'NODATA',
    });
  });

  it('accepts "-" in every field (ref 1.1)', () => {
    const r = rec(DEFAULT_FORMAT, Array(14).fill('-').join(' '));
    expect(Object.values(r.fields()).every((v) => v === null)).toBe(true);
    expect(r.action).toBeNull();
    expect(r.logStatus).toBeNull();
  });

  it('keeps unknown fields as strings, even numeric ones (ref 1.6)', () => {
    const f = fmt('${srcaddr} ${future-count} ${x-tag}');
    const r = rec(f, '10.0.0.1 42 -');
    expect(r.fields()).toEqual({ srcaddr: '10.0.0.1', 'future-count': '42', 'x-tag': null });
  });

  it('reads account-id "unknown" as a string (ref 1.5)', () => {
    expect(rec(DEFAULT_FORMAT, '2 unknown eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK').fields()['account-id']).toBe('unknown');
  });

  it('reads 64-bit counts exactly up to 2^53', () => {
    const r = rec(DEFAULT_FORMAT, '2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 9007199254740991 123456789012345 1 2 ACCEPT OK');
    expect(r.packets).toBe(9007199254740991);
    expect(r.bytes).toBe(123456789012345);
  });

  it('exposes raw tokens and the text', () => {
    const r = rec(DEFAULT_FORMAT, '2  1 eni-1 - - - - - - - 1 2 - NODATA');
    expect(r.tokens).toEqual(['2', '1', 'eni-1', '-', '-', '-', '-', '-', '-', '-', '1', '2', '-', 'NODATA']);
    expect(r.raw(-1)).toBeNull();
    expect(r.raw(99)).toBeNull();
    expect(r.int(-1)).toBeNull();
    expect(r.raw(0)).toBe('2');
  });
});

describe('validation', () => {
  it('names the field count and the format when the count is wrong', () => {
    const e = bad(DEFAULT_FORMAT, '2 123456789010 eni-1 1.2.3.4 5.6.7.8 1 2 6 ACCEPT', 9);
    expect(e.message).toBe('expected 14 fields (default format), got 9');
    expect(e.line).toBe(9);
    expect(e.file).toBe('test.log');
    expect(e.text).toBe('2 123456789010 eni-1 1.2.3.4 5.6.7.8 1 2 6 ACCEPT');
    expect(bad(fmt('${srcaddr}'), '').message).toBe('expected 1 field (log format), got 0');
  });

  it('requires integers or "-" in int fields', () => {
    expect(bad(DEFAULT_FORMAT, '2 1 eni-1 10.0.0.1 10.0.0.2 ssh 22 6 1 1 1 2 ACCEPT OK').message).toBe('srcport (field 6) is not an integer: "ssh"');
    expect(bad(DEFAULT_FORMAT, '2 1 eni-1 10.0.0.1 10.0.0.2 -1 22 6 1 1 1 2 ACCEPT OK').message).toContain('srcport');
    expect(bad(DEFAULT_FORMAT, '2 1 eni-1 10.0.0.1 10.0.0.2 1 22 tcp 1 1 1 2 ACCEPT OK').message).toContain('protocol (field 8)');
    expect(bad(DEFAULT_FORMAT, '2.0 1 eni-1 10.0.0.1 10.0.0.2 1 22 6 1 1 1 2 ACCEPT OK').message).toContain('version (field 1)');
    expect(bad(DEFAULT_FORMAT, '2 1 eni-1 10.0.0.1 10.0.0.2 1 22 6 1 1 -- 2 ACCEPT OK').message).toContain('start (field 11)');
    expect(bad(DEFAULT_FORMAT, '2 1 eni-1 10.0.0.1 10.0.0.2 1 22 6 1 123456789012345678901 1 2 ACCEPT OK').message).toContain('bytes');
  });

  it('requires action ACCEPT, REJECT or - (ref 1.5)', () => {
    expect(bad(DEFAULT_FORMAT, '2 1 eni-1 10.0.0.1 10.0.0.2 1 22 6 1 1 1 2 DENY OK').message).toBe('action (field 13) must be ACCEPT, REJECT or -, got "DENY"');
    expect(bad(DEFAULT_FORMAT, '2 1 eni-1 10.0.0.1 10.0.0.2 1 22 6 1 1 1 2 accept OK').message).toContain('action');
  });

  it('requires log-status OK, NODATA, SKIPDATA or - (ref 1.5)', () => {
    expect(bad(DEFAULT_FORMAT, '2 1 eni-1 10.0.0.1 10.0.0.2 1 22 6 1 1 1 2 ACCEPT FINE').message).toBe(
      'log-status (field 14) must be OK, NODATA, SKIPDATA or -, got "FINE"',
    );
  });

  it('cuts long lines in errors', () => {
    const e = bad(DEFAULT_FORMAT, 'x'.repeat(1000));
    expect(e.text.length).toBeLessThanOrEqual(200);
  });
});

describe('parseRecordBytes (the hot path)', () => {
  it('agrees with parseRecordLine on good and bad lines', () => {
    for (const line of [
      '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK',
      '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA',
      '2  123456789010\teni-1 - - - - - - - 1 2 - SKIPDATA\r',
      '2 1 eni-1 10.0.0.1 10.0.0.2 ssh 22 6 1 1 1 2 ACCEPT OK',
      '2 1 eni-1 10.0.0.1 10.0.0.2 1 22 6 1 1 1 2 DENY OK',
      '2 1 eni-1 10.0.0.1 10.0.0.2 1 22 6 1 1 1 2 ACCEPT NOPE',
      '2 1 eni-1 10.0.0.1 10.0.0.2 1 22 6 1 1 1 2 ACCEPT',
      '2 1 eni-1 10.0.0.1 10.0.0.2 1 22 6 1 1 1 2 ACCEPT OK extra',
      '2 1 eni-ü 10.0.0.1 10.0.0.2 1 22 6 1 1 1 2 ACCEPT OK',
      '2 1 eni-1 10.0.0.1 10.0.0.2 -5 22 6 1 1 1 2 ACCEPT OK',
      '2 1 eni-1 10.0.0.1 10.0.0.2 - 22 6 1 1 1 2 - -',
      '',
    ]) {
      both(DEFAULT_FORMAT, line);
    }
  });

  it('reads non-ASCII values (tags) as UTF-8', () => {
    const f = fmt('${srcaddr} ${instance-tag}');
    const buf = Buffer.from('10.0.0.1 héllo-wörld-☃');
    const r = parseRecordBytes(f, buf, 0, buf.length, 'f', 1);
    expect(isLineError(r)).toBe(false);
    expect((r as FlowRecord).get('instance-tag')).toBe('héllo-wörld-☃');
  });
});

describe('recordFromTokens', () => {
  it('builds a record from split values with the same validation', () => {
    const r = recordFromTokens(fmt('${srcaddr} ${dstport} ${interface-tag}'), ['10.0.0.1', '443', 'web tier'], 'p.parquet', 3);
    expect(isLineError(r)).toBe(false);
    expect((r as FlowRecord).fields()).toEqual({ srcaddr: '10.0.0.1', dstport: 443, 'interface-tag': 'web tier' });
    const e = recordFromTokens(fmt('${srcaddr} ${dstport}'), ['10.0.0.1', 'https'], 'p.parquet', 4);
    expect(isLineError(e) && e.message).toBe('dstport (field 2) is not an integer: "https"');
  });
});

describe('values out of their domain are bad lines, on the string and the byte path (ref 1.5)', () => {
  const line = (src: string, dst: string, sport: string, dport: string, proto: string) =>
    `2 123456789010 eni-1235b8ca123456789 ${src} ${dst} ${sport} ${dport} ${proto} 20 4249 1418530010 1418530070 REJECT OK`;
  const byBytes = (text: string) => {
    const buf = Buffer.from(`\n${text}\n`);
    return parseRecordBytes(DEFAULT_FORMAT, buf, 1, buf.length - 1, 'test.log', 7);
  };
  const cases: Array<[string, string]> = [
    [line('10.0.1.999', '10.0.1.5', '40000', '22', '6'), 'srcaddr (field 4) is not an IPv4 or IPv6 address: "10.0.1.999"'],
    [line('10.0.1.9', 'eni-1', '40000', '22', '6'), 'dstaddr (field 5) is not an IPv4 or IPv6 address: "eni-1"'],
    [line('10.0.1.9', '2001:db8::1::2', '40000', '22', '6'), 'dstaddr (field 5) is not an IPv4 or IPv6 address: "2001:db8::1::2"'],
    [line('10.0.1.9', '10.0.1.5', '40000', '70000', '6'), 'dstport (field 7) is not a port number (0-65535): 70000'],
    [line('10.0.1.9', '10.0.1.5', '65536', '22', '6'), 'srcport (field 6) is not a port number (0-65535): 65536'],
    [line('10.0.1.9', '10.0.1.5', '40000', '22', '300'), 'protocol (field 8) is not a protocol number (0-255): 300'],
  ];
  it.each(cases)('%s', (text, message) => {
    expect(bad(DEFAULT_FORMAT, text).message).toBe(message);
    const r = byBytes(text);
    expect(r !== null && isLineError(r) ? r.message : 'parsed').toBe(message);
  });

  it('accepts the edges: port 65535, protocol 255, leading zeros, IPv6 and `-`', () => {
    for (const text of [line('10.0.1.9', '10.0.1.5', '0', '65535', '255'), line('2001:db8::1', '::ffff:10.0.0.1', '00022', '0443', '006'), line('-', '-', '-', '-', '-')]) {
      expect(rec(DEFAULT_FORMAT, text).text).toBe(text); // rec throws on a bad line
      const r = byBytes(text);
      expect(r !== null && !isLineError(r)).toBe(true);
    }
  });
});

import fc from 'fast-check';
import { fcParams } from '../arbitraries/fc-params.js';

describe('the byte path validates addresses, ports and protocols exactly as the string path (parseIp) does (ref 1.5)', () => {
  const addressLike = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.ipV4Extended(),
    fc.stringMatching(/^[0-9a-fA-F:.]{1,41}$/),
    fc.tuple(fc.nat(999), fc.nat(999), fc.nat(999), fc.nat(999)).map((p) => p.join('.')),
  );
  it('accepts and rejects the same lines, with the same message', () => {
    fc.assert(
      fc.property(addressLike, addressLike, fc.nat(99999), fc.nat(999), (src, dst, port, proto) => {
        const text = `2 123456789010 eni-1 ${src} ${dst} 40000 ${port} ${proto} 1 40 1 2 REJECT OK`;
        const buf = Buffer.from(text);
        const byBytes = parseRecordBytes(DEFAULT_FORMAT, buf, 0, buf.length, 'f', 1);
        const byString = parseRecordLine(DEFAULT_FORMAT, text, 'f', 1);
        expect(isLineError(byBytes) ? byBytes.message : 'ok').toBe(isLineError(byString) ? byString.message : 'ok');
      }),
      fcParams(3000),
    );
  });
});
