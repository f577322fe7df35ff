import { describe, expect, it } from 'vitest';
import { E } from '../../src/fp.js';
import {
  DEFAULT_FORMAT,
  DEFAULT_FORMAT_FIELDS,
  formatFromHeader,
  isHeaderLine,
  makeFormat,
  parseLogFormat,
  type FlowLogFormat,
  type LogFormatError,
} from '../../src/flowlog/index.js';

function ok(e: E.Either<LogFormatError, FlowLogFormat>): FlowLogFormat {
  if (E.isLeft(e)) throw new Error(`expected a format, got: ${e.left.message}`);
  return e.right;
}
function err(e: E.Either<LogFormatError, FlowLogFormat>): LogFormatError {
  if (E.isRight(e)) throw new Error(`expected an error, got format ${e.right.fields.join(' ')}`);
  return e.left;
}

const S3_EXAMPLE = '${version} ${vpc-id} ${subnet-id} ${instance-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr}';

describe('DEFAULT_FORMAT', () => {
  it('is the 14-field version-2 format with precomputed columns (ref 1.3)', () => {
    expect(DEFAULT_FORMAT.fields).toEqual(DEFAULT_FORMAT_FIELDS);
    expect(DEFAULT_FORMAT.label).toBe('default format');
    expect(DEFAULT_FORMAT.interfaceId).toBe(2);
    expect(DEFAULT_FORMAT.srcaddr).toBe(3);
    expect(DEFAULT_FORMAT.dstport).toBe(6);
    expect(DEFAULT_FORMAT.action).toBe(12);
    expect(DEFAULT_FORMAT.logStatus).toBe(13);
    expect(DEFAULT_FORMAT.tcpFlags).toBe(-1);
    expect(DEFAULT_FORMAT.pktSrcaddr).toBe(-1);
    expect(DEFAULT_FORMAT.flowDirection).toBe(-1);
  });
});

describe('parseLogFormat', () => {
  it('reads a CreateFlowLogs LogFormat (ref 1.4)', () => {
    const f = ok(parseLogFormat(S3_EXAMPLE));
    expect(f.fields).toEqual(['version', 'vpc-id', 'subnet-id', 'instance-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr']);
    expect(f.index.get('tcp-flags')).toBe(9);
    expect(f.tcpFlags).toBe(9);
    expect(f.pktDstaddr).toBe(12);
    expect(f.interfaceId).toBe(-1);
    expect(f.action).toBe(-1);
  });

  it("accepts Terraform's $${field} escaping (ref 1.4)", () => {
    const f = ok(parseLogFormat('$${version} $${account-id} $${interface-id} $${srcaddr}'));
    expect(f.fields).toEqual(['version', 'account-id', 'interface-id', 'srcaddr']);
  });

  it('accepts runs of whitespace, newlines and surrounding shell quotes (ref 1.4)', () => {
    expect(ok(parseLogFormat("  '${srcaddr}   ${dstaddr}\n\t${action}'  ")).fields).toEqual(['srcaddr', 'dstaddr', 'action']);
  });

  it('accepts a bare list of names, like a header line (ref 1.9)', () => {
    expect(ok(parseLogFormat('instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr')).fields).toHaveLength(6);
  });

  it('keeps unknown field names as string columns (ref 1.6)', () => {
    const f = ok(parseLogFormat('${version} ${future-field} ${srcaddr}'));
    expect(f.fields).toEqual(['version', 'future-field', 'srcaddr']);
    expect(f.kinds).toEqual(['int', 'string', 'string']);
  });

  it('maps underscore spellings (VRL, Athena) to AWS names', () => {
    expect(ok(parseLogFormat('${version} ${log_status} ${pkt_srcaddr}')).fields).toEqual(['version', 'log-status', 'pkt-srcaddr']);
  });

  it('names the bad token in errors', () => {
    const e1 = err(parseLogFormat('${version} ${srcaddr ${dstaddr}'));
    expect(e1.token).toBe('${srcaddr');
    expect(e1.message).toContain('"${srcaddr"');
    expect(e1.message).toContain('field 2');
    const e2 = err(parseLogFormat('${version} srcaddr'));
    expect(e2.token).toBe('srcaddr');
    const e3 = err(parseLogFormat('${version}${srcaddr}'));
    expect(e3.token).toBe('${version}${srcaddr}');
    const e4 = err(parseLogFormat('${ver sion}'));
    expect(e4.token).toBe('${ver');
    const e5 = err(parseLogFormat('${}'));
    expect(e5.token).toBe('${}');
  });

  it('rejects duplicates and empty formats', () => {
    const dup = err(parseLogFormat('${srcaddr} ${dstaddr} ${srcaddr}'));
    expect(dup.message).toContain('"srcaddr" appears twice');
    expect(err(parseLogFormat('   ')).message).toContain('empty');
    expect(err(parseLogFormat('${log_status} ${log-status}')).message).toContain('appears twice');
  });
});

describe('formatFromHeader', () => {
  it('reads the header line of an S3 file (ref 1.9)', () => {
    const f = ok(formatFromHeader('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'));
    expect(f.fields).toEqual(DEFAULT_FORMAT.fields);
    expect(f.label).toBe('header line');
  });

  it('splits on runs of whitespace and ignores a byte-order mark', () => {
    expect(ok(formatFromHeader('\ufeffversion  srcaddr\tdstaddr\r')).fields).toEqual(['version', 'srcaddr', 'dstaddr']);
  });

  it('rejects duplicates', () => {
    expect(err(formatFromHeader('version srcaddr srcaddr')).token).toBe('srcaddr');
  });
});

describe('isHeaderLine', () => {
  it('recognises header lines whatever field comes first (ref 1.9)', () => {
    expect(isHeaderLine('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status')).toBe(true);
    expect(isHeaderLine('instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr')).toBe(true);
    expect(isHeaderLine('srcaddr')).toBe(true);
    expect(isHeaderLine('version vpc-id some-new-field')).toBe(true);
    expect(isHeaderLine('account_id action az_id bytes dstaddr')).toBe(true);
  });

  it('does not take records for headers (ref 2.1, 2.3, 2.7)', () => {
    expect(isHeaderLine('2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK')).toBe(false);
    expect(isHeaderLine('2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA')).toBe(false);
    expect(isHeaderLine('- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5')).toBe(false);
    expect(isHeaderLine('i-01234567890123456 eni-1111aaaa2222bbbb3 10.0.1.5 203.0.113.5 10.0.1.5 203.0.113.5')).toBe(false);
    // custom formats whose values have the shape of names
    expect(isHeaderLine('eni-1235b8ca123456789 vpc-abcdefab012345678')).toBe(false);
    expect(isHeaderLine('us-east-1 use1-az1')).toBe(false);
    expect(isHeaderLine('ingress egress')).toBe(false);
    expect(isHeaderLine('ap-southeast-2 apse2-az3 ingress')).toBe(false);
    expect(isHeaderLine('interface nat_gateway')).toBe(false);
    expect(isHeaderLine('IPv4 ACCEPT OK')).toBe(false);
    expect(isHeaderLine('')).toBe(false);
    expect(isHeaderLine('   ')).toBe(false);
    expect(isHeaderLine('Phony unsupported log format.')).toBe(false);
  });

  it('needs more than half of the names to be known', () => {
    expect(isHeaderLine('version foo-bar')).toBe(false);
    expect(isHeaderLine('version srcaddr foo-bar')).toBe(true);
  });
});

describe('makeFormat', () => {
  it('rejects names that are not identifiers', () => {
    expect(err(makeFormat(['srcaddr', '10.0.0.1'], 'x')).token).toBe('10.0.0.1');
    expect(err(makeFormat([], 'x')).message).toContain('at least one field');
  });
});
