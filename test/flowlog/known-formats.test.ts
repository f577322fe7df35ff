/** The known formats by field count, and the custom-format advice for a log of lines of one wrong count (ref 1.3-1.5). */
import { describe, expect, it } from 'vitest';
import { parseFlowLogLines } from '../../src/flowlog/reader.js';
import { DEFAULT_FORMAT } from '../../src/flowlog/format.js';
import { KNOWN_FORMATS, customFormatAdvice, formatsWithFieldCount } from '../../src/flowlog/known-formats.js';

describe('known formats', () => {
  it('the default format has the 14 fields of version 2 (ref 1.3); all VPC fields to version 3, 4, 5 are 21, 25, 29 (ref 1.5)', () => {
    expect(formatsWithFieldCount(14).map((f) => f.name)).toEqual(['the default format (version 2)']);
    expect([3, 4, 5].map((v) => KNOWN_FORMATS.find((f) => f.name === `every VPC field of versions 2-${v}`)?.fields.length)).toEqual([21, 25, 29]);
    expect(formatsWithFieldCount(7)).toEqual([]);
  });
});

describe('customFormatAdvice', () => {
  const messagesOf = async (lines: string[]): Promise<string[]> => {
    const out: string[] = [];
    for await (const ev of parseFlowLogLines('f.log', lines, { logFormat: DEFAULT_FORMAT })) {
      if (ev.kind === 'bad-lines') out.push(...ev.errors.map((e) => e.message));
    }
    return out;
  };

  it('reads the messages the line parser writes for a wrong field count', async () => {
    const line = Array.from({ length: 21 }, () => '-').join(' ');
    const advice = customFormatAdvice([`expected 14 fields (default format), got 21`, `expected 14 fields (default format), got 21`], 2);
    expect(advice).toContain('the 2 lines read have 21 fields, not the 14 of the default format: probably a custom format');
    expect(advice).toContain('21 fields fit every VPC field of versions 2-3');
    const parsed = await messagesOf([line, line]);
    expect(parsed).toHaveLength(2);
    expect(customFormatAdvice(parsed)).toContain('21 fields fit every VPC field of versions 2-3');
  });

  it('a --log-format that does not match the lines: says so, and which known format the count fits', () => {
    expect(customFormatAdvice(['expected 1 field (--log-format), got 14'], 13)).toBe(
      "the 13 lines read (the first 1 of them) have 14 fields, not the 1 of the --log-format: the --log-format does not match them. Give the flow log's LogFormat (aws ec2 describe-flow-logs shows it); 14 fields fit the default format (version 2)",
    );
  });

  it('says how many of the bad lines it saw; gives no advice for mixed counts or other errors', () => {
    expect(customFormatAdvice(['expected 14 fields (default format), got 7'], 500)).toContain('the 500 lines read (the first 1 of them) have 7 fields');
    expect(customFormatAdvice(['expected 14 fields (default format), got 7', 'expected 14 fields (default format), got 8'])).toBeNull();
    expect(customFormatAdvice(['dstport: expected an integer 0-65535, got "x"'])).toBeNull();
  });
});
