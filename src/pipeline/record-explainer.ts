/**
 * The per-record work of explain: attribution once per class of records (classes.ts, a bounded cache),
 * the record's output, and the explained side of the summary. What it writes for a record must equal
 * report/'s renderer of explainRecordOf(record, attributeRecord(record)) (test/equivalence/).
 */
import type { FlowRecord } from '../flowlog/record.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import type { Ip } from '../model/address.js';
import type { Eni } from '../model/snapshot.js';
import { formatIpv6, parseIpRange } from '../net/ip.js';
import { type Attribution, type AttributionContext, type RecordFacts, attributeRecord, directionOf } from '../explain/attribute.js';
import { Policies, type Policy, portClass } from './classes.js';
import { type Slot, type SlotTemplate, fillSlots, hasSlots, slotSay, splitSlotBytes, splitSlots } from './slots.js';
import { eniName } from '../explain/say.js';
import { ExplainSummary, peerDirection, summaryPeer } from '../explain/summary.js';
import { fixPeerGroup } from '../explain/hops.js';
import { MemoryWriter, type Writer } from './writer.js';
import { fnv1a } from './hash.js';

export type { ExplainFormat } from '../report/explain.js';
import type { ExplainFormat } from '../report/explain.js';

/**
 * Classes (cache keys) kept at once. An entry holds the summary facts and, for json and jsonl, the
 * encoded output after `record` in a byte slab outside the JS heap (so the collector never copies it);
 * when either is full, both start over. The bench's 100,083 REJECTs fall in 7,943 classes: this holds
 * them all (5,000 entries and 8 MB took 16,214 attributions, with the classes of that time), for about
 * 8 MB more peak RSS.
 */
const CACHE_LIMIT = 12_000;
const SLAB_BYTES = 16 << 20;
/** The bounds of the class cache (RecordExplainer): entries, bytes of the slab, views of cached ranges. */
export interface ExplainerLimits {
  readonly cacheEntries: number;
  readonly slabBytes: number;
  readonly views: number;
}

/** Ranges of cached output from this long on are copied through a view of their own (shorter ones by hand). */
const VIEW_MIN = 64;
/**
 * Views the cached entries hold at most (about 150 bytes of heap each): the bench's 7,943 entries hold
 * 27,734. Past the limit, until the cache starts over, entries are copied from without views.
 */
const VIEWS_LIMIT = 48_000;
/** Interface-ids whose classes are kept (unknown ids in a hostile log must not grow memory). */
const INTERFACES_LIMIT = 100_000;
/** IPv6 addresses whose text is remembered. */
const IPV6_TEXTS_LIMIT = 50_000;

/**
 * The JSON of an attribution after `record`, without its explanation: `"direction":...,"explanation":`.
 * The explanation (the bulk of it) is written separately, straight into the slab.
 */
function tailHead(a: Attribution): string {
  let s = `"direction":"${a.direction}","traffic":"${a.traffic}","trafficEvidence":"${a.trafficEvidence}","verdict":"${a.verdict}"`;
  if (a.blockedBy) s += `,"blockedBy":${JSON.stringify(a.blockedBy)}`;
  s += `,"alsoBlockedBy":${a.alsoBlockedBy.length === 0 ? '[]' : JSON.stringify(a.alsoBlockedBy)}`;
  if (a.candidates) s += `,"candidates":${JSON.stringify(a.candidates)}`;
  return `${s},"explanation":`;
}

/** What the loop needs of an attribution: no evidence graph, so memory stays flat. */
interface Cached {
  /** For text output, the explanation: as is, or (a template with slots) in `text`. */
  readonly attribution: SlimAttribution;
  /**
   * The encoded tail, in `bytes` (the slab, or a buffer of its own when larger than the slab), as byte
   * ranges `[segs[2i], segs[2i+1])`; between ranges i and i+1 goes the record's value of `slots[i]`.
   */
  readonly bytes: Buffer;
  readonly segs: readonly number[];
  /**
   * A view of each range of VIEW_MIN bytes or more (else null; VIEWS_LIMIT), made once: a view made per
   * record to copy from was most of what a cache hit allocated.
   */
  readonly views: ReadonlyArray<Uint8Array | null>;
  readonly slots: readonly Slot[];
  /**
   * What writeTail makes room for: the bytes of the ranges with room for the port and address slots
   * (5 bytes a port, 39 an address: IPv6 text), and the interface slots by kind (4, 5, 6).
   */
  readonly size: number;
  readonly ids: number;
  readonly names: number;
  readonly peerIds: number;
  /** The explanation of a template, for text output. */
  readonly text: SlotTemplate | null;
}

/** What explain knows of an interface-id (eni and policy null: not in the snapshot). */
interface Iface {
  readonly id: string;
  readonly eni: Eni | null;
  readonly policy: Policy | null;
  /** The values of slots 4 and 5 (slots.ts), as text and as the UTF-8 of their JSON string content. */
  readonly name: string;
  readonly idBytes: Buffer;
  readonly nameBytes: Buffer;
}

/** A string as it goes between the quotes of a JSON string, encoded. */
const jsonContent = (s: string) => Buffer.from(JSON.stringify(s).slice(1, -1));

type SlimAttribution = Pick<Attribution, 'verdict' | 'direction' | 'blockedBy' | 'ruleKey' | 'ruleLabel' | 'explanation'>;

/** The fields the summary needs, plus the explanation when text output renders it. */
function slim(a: Attribution, withText: boolean): SlimAttribution {
  return { verdict: a.verdict, direction: a.direction, blockedBy: a.blockedBy, ruleKey: a.ruleKey, ruleLabel: a.ruleLabel, explanation: withText ? a.explanation : '' };
}

/** What goes before each field's value, encoded (jsonKeys), and the longest of them all added up. */
interface JsonKeys {
  readonly keys: readonly Buffer[];
  readonly bound: number;
}

const keyPrefixes = new WeakMap<FlowRecord['format'], JsonKeys>();

/** `JSON.stringify(r.fields())` without building the object (what writeRecordJson writes, as a string). */
export function recordJson(r: FlowRecord): string {
  const out = new MemoryWriter();
  writeRecordJson(r, out);
  return out.bytes().toString('utf8');
}

/**
 * What goes before each field's value, by whether a string value before it is still open (its closing
 * quote owed) and whether this value is written as a string: `keys[4i + 2 * owed + opens]`; the last
 * four hold the closing brace (with the quote owed, or not).
 */
function jsonKeys(fields: readonly string[]): JsonKeys {
  const keys: Buffer[] = [];
  let bound = 0;
  for (let i = 0; i <= fields.length; i++) {
    let longest = 0;
    for (const owed of ['', '"']) {
      for (const opens of ['', '"']) {
        const key = Buffer.from(i === fields.length ? `${owed}}` : `${owed}${i === 0 ? '{' : ','}${JSON.stringify(fields[i])}:${opens}`);
        keys.push(key);
        longest = Math.max(longest, key.length);
      }
    }
    bound += longest;
  }
  return { keys, bound };
}

/**
 * Writes the record's JSON, values straight from its text (no string per record). An ASCII value with
 * nothing to escape (the usual one) is copied in place; others go through the writer's string methods.
 */
function writeRecordJson(r: FlowRecord, out: Writer): void {
  const f = r.format;
  let jk = keyPrefixes.get(f);
  if (!jk) keyPrefixes.set(f, (jk = jsonKeys(f.fields)));
  const keys = jk.keys;
  const n = f.fields.length;
  if (n === 0) {
    out.write('{}');
    return;
  }
  const text = r.text;
  const offsets = r.offsets;
  // Room for every key, `null` for every value and the text copied as is: what the in-place path writes.
  const bound = jk.bound + 4 * n + text.length;
  let buf = out.room(bound);
  let p = out.at;
  let owed = 0;
  let key: Buffer;
  for (let i = 0; i < n; i++) {
    const k = 4 * i + 2 * owed;
    const s = offsets[2 * i]!;
    const e = offsets[2 * i + 1]!;
    owed = 0;
    if (f.intMask[i] === 1) {
      key = keys[k]!;
      for (let j = 0; j < key.length; j++) buf[p++] = key[j]!;
      // Digits without a leading zero, short enough to be exact, are their own JSON.
      if (plainDigits(text, s, e)) {
        for (let j = s; j < e; j++) buf[p++] = text.charCodeAt(j);
      } else {
        const v = r.int(i);
        out.at = p;
        out.write(v === null ? 'null' : String(v));
        buf = out.room(bound);
        p = out.at;
      }
    } else if (2 * i >= offsets.length || (e - s === 1 && text.charCodeAt(s) === 45 /* - */)) {
      key = keys[k]!;
      for (let j = 0; j < key.length; j++) buf[p++] = key[j]!;
      buf[p++] = 110; // null
      buf[p++] = 117;
      buf[p++] = 108;
      buf[p++] = 108;
    } else {
      // The closing quote goes out with what follows.
      key = keys[k + 1]!;
      const from = p;
      for (let j = 0; j < key.length; j++) buf[p++] = key[j]!;
      let j = s;
      for (; j < e; j++) {
        const c = text.charCodeAt(j);
        if (c < 32 || c === 34 || c === 92 || c >= 0x80) break;
        buf[p++] = c;
      }
      owed = 1;
      if (j < e) {
        // Something to escape, or to encode: the string methods write the field again from its key.
        out.at = from;
        if (rangeNeedsEscape(text, s, e)) {
          out.writeBytes(keys[k]!, 0, keys[k]!.length);
          out.write(JSON.stringify(text.slice(s, e)));
          owed = 0;
        } else {
          out.writeBytes(key, 0, key.length);
          out.writeRange(text, s, e);
        }
        buf = out.room(bound);
        p = out.at;
      }
    }
  }
  key = keys[4 * n + 2 * owed]!;
  for (let j = 0; j < key.length; j++) buf[p++] = key[j]!;
  out.at = p;
}

const RECORD_KEY = Buffer.from(',"record":');

/** Writes the digits of an integer 0-65535 at `p`; returns the end. */
function writeDigits(buf: Uint8Array, p: number, n: number): number {
  if (n >= 10000) buf[p++] = 48 + ((n / 10000) | 0);
  if (n >= 1000) buf[p++] = 48 + (((n / 1000) | 0) % 10);
  if (n >= 100) buf[p++] = 48 + (((n / 100) | 0) % 10);
  if (n >= 10) buf[p++] = 48 + (((n / 10) | 0) % 10);
  buf[p++] = 48 + (n % 10);
  return p;
}

/** 1-15 ASCII digits, the first not 0 unless alone: `String(Number(x))` is x. */
function plainDigits(t: string, s: number, e: number): boolean {
  const n = e - s;
  if (!(n >= 1 && n <= 15) || (n > 1 && t.charCodeAt(s) === 48)) return false;
  for (let k = s; k < e; k++) {
    const c = t.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function rangeNeedsEscape(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

/**
 * How the cache key reads each input of attribution (RecordFacts, explain/attribute.ts). Typed by
 * RecordFacts: an input added there fails to compile here until the key says how it reads it.
 */
export const KEYED_INPUTS: Readonly<Record<keyof RecordFacts, string>> = {
  interfaceId: 'class key: the policy of its interface (id and name are slots); interface key: as is',
  srcaddr: 'class key: the peer by block and membership class, the own address a slot; else as is',
  dstaddr: 'as srcaddr',
  srcport: 'TCP/UDP: by port class (a slot) when the two ports differ, else as is; other protocols: not read',
  dstport: 'as srcport',
  protocol: 'as is',
  tcpFlags: 'as is',
  flowDirection: 'as is',
  pktSrcaddr: 'class key only when absent or equal to srcaddr (presence bit); else as is',
  pktDstaddr: 'as pktSrcaddr',
  rejectReason: 'as is',
  action: 'as is',
};

/** A key part that no other value's part equals: `~` for a missing value, else length-prefixed. */
function part(s: string | null): string {
  return s === null ? '~' : `${s.length}:${s}`;
}

/** The key part of an interface-id and addresses as they are. */
function asIs(id: string | null, src: string | null, dst: string | null, pktSrc: string | null, pktDst: string | null): string {
  return `${part(id)}${part(src)}${part(dst)}${part(pktSrc)}${part(pktDst)}`;
}

/** The key part of what attribution reads as parsed: protocol, tcp-flags and flow-direction (numbers, ingress | egress | null), reject-reason, action. */
function rest(r: FlowRecord, protocol: number | null, reverse: boolean): string {
  return `${protocol}|${r.tcpFlags}|${r.flowDirection}|${part(r.rejectReason)}${r.action}|${reverse ? 1 : 0}`;
}

/**
 * A class key (RecordExplainer.cacheKey): the numbers as UTF-16 code units, a fixed-length head (no
 * digits to write, a short string to hash), then, when any is there (a bit of the head says so), the
 * parts that are text: ports that are not classed, protocol and tcp-flags past 16 bits, the peer
 * interface's part and the reject-reason, each delimited.
 */
/** What a class key says of a record besides its own fields (RecordExplainer.cacheKey fills one in place). */
interface ClassKeyParts {
  /** The interface's policy (classes.ts Policies). */
  policy: number;
  inbound: boolean;
  family: 4 | 6;
  /** The peer's block class (Policy.peerClass). */
  cls: number;
  /** Whether the record has pkt-srcaddr / pkt-dstaddr values. */
  pktSrc: boolean;
  pktDst: boolean;
  /** TCP or UDP: attribution reads the ports. */
  portsRead: boolean;
  /** The ports are keyed by class (spc, dpc) and slotted, not written out. */
  portsClassed: boolean;
  spc: number;
  dpc: number;
  protocol: number;
  reverse: boolean;
  /** `~`, or the peer interface's group memberships and fix group (cacheKey). */
  member: string;
}

function classKey(r: FlowRecord, k: ClassKeyParts): string {
  const { policy, inbound, family, cls, pktSrc, pktDst, portsRead, portsClassed, spc, dpc, protocol, reverse, member } = k;
  const flags = r.tcpFlags;
  const fd = r.flowDirection;
  const action = r.action;
  // Values past 16 bits (not in validated records) are written out instead.
  const wide = (flags !== null && flags > 0xfffe) || protocol > 0xffff;
  const reason = r.rejectReason;
  const ports = portsRead && !portsClassed;
  // The usual record has no text part: its key is the head alone (one string, no concatenation).
  const text = ports || wide || member !== '~' || reason !== null;
  const bits = (inbound ? 1 : 0) | (family === 6 ? 2 : 0) | (pktSrc ? 4 : 0) | (pktDst ? 8 : 0) | (fd === null ? 0 : fd === 'ingress' ? 16 : 32)
    | (action === null ? 0 : action === 'REJECT' ? 64 : 128) | (reverse ? 256 : 0) | (portsRead ? (portsClassed ? 512 : 1024) : 0) | (wide ? 2048 : 0) | (text ? 4096 : 0);
  const head = String.fromCharCode(80 /* P */, bits, policy >>> 16, policy & 0xffff, cls >>> 16, cls & 0xffff, spc >>> 16, spc & 0xffff, dpc >>> 16, dpc & 0xffff, wide ? 0 : protocol, wide ? 0 : flags === null ? 0xffff : flags);
  if (!text) return head;
  return `${head}${ports ? `${r.srcport}|${r.dstport}|` : ''}${wide ? `${protocol}|${flags}|` : ''}${member}${part(reason)}`;
}

/**
 * Does the attribution write a slotted value outside its slots (a rule that names the peer, say), or a
 * slot where every record of the class must read the same (the summary's rule key and label)?
 */
export function leaks(a: Attribution, values: readonly string[]): boolean {
  const key = `${a.ruleKey ?? ''}\0${a.ruleLabel ?? ''}`;
  if (hasSlots(key)) return true;
  // Each text searched as it is (joining them first would copy the explanation).
  const candidates = a.candidates === null ? '' : JSON.stringify(a.candidates);
  return values.some((v) => a.explanation.includes(v) || candidates.includes(v) || key.includes(v));
}

/** Renders one record in the run's format (without separators). */
export type RenderText = (file: string, line: number, a: Pick<Attribution, 'verdict' | 'explanation'>) => string;

/**
 * The per-record work of explain: attribution (once per class of records, through a bounded cache), the
 * output of the record (separators included: a newline after each jsonl line, commas between json
 * array elements), and the explained-side counts of the summary.
 */
export class RecordExplainer {
  readonly summary = new ExplainSummary();
  /** Attributions computed (cache misses): at most one per class still cached. */
  attributions = 0;
  private readonly cache = new Map<string, Cached>();
  /** The parts of the last class key, reused record after record (no allocation per key). */
  private readonly keyParts: ClassKeyParts = { policy: 0, inbound: false, family: 4, cls: 0, pktSrc: false, pktDst: false, portsRead: false, portsClassed: false, spc: 0, dpc: 0, protocol: 0, reverse: false, member: '~' };
  private readonly cacheEntries: number;
  private readonly viewsLimit: number;
  private readonly slab: Buffer;
  private slabUsed = 0;
  /** Views the cached entries hold (VIEWS_LIMIT). */
  private views = 0;
  /** `{"file":<its name>,"line":` per file, encoded. */
  private readonly fileHeads = new Map<string, Buffer>();
  private readonly ifaces = new Map<string, Iface>();
  /** The same interfaces by a hash of their id, so a record's id is looked up without slicing it out. */
  private readonly ifacesByHash = new Map<number, Iface>();
  private readonly ipv6Texts = new Map<bigint, string>();
  private readonly policies: Policies;
  /** What the last cacheKey call slotted: the record's ports, its peer and own addresses, its interface. */
  private portsSlotted = false;
  private slotPeer: Ip | null = null;
  private slotOwn: Ip | null = null;
  /** Where the record's text holds those two addresses: `[peer start, peer end, own start, own end]`. */
  private readonly slotAt = [0, 0, 0, 0];
  private slotIface: Iface | null = null;
  /**
   * The last keyed record's srcaddr, for the summary (an IPv4 address as its number, which is quicker to
   * count than a new string), and its ports (explain writes and counts them: read once).
   */
  private keySrc: string | number | null = null;
  private keySp: number | null = null;
  private keyDp: number | null = null;
  /** The interface whose private address the peer is (slot 6), when the key slotted it. */
  private slotPeerIface: Iface | null = null;
  private reverse = false;
  private first = true;
  private readonly ctx: AttributionContext;

  constructor(
    index: SnapshotIndex,
    private readonly format: ExplainFormat,
    private readonly renderText: RenderText,
    snapshotTime?: string,
    /** The cache's bounds (tests make them small). */
    limits: Partial<ExplainerLimits> = {},
  ) {
    this.cacheEntries = limits.cacheEntries ?? CACHE_LIMIT;
    this.viewsLimit = limits.views ?? VIEWS_LIMIT;
    const slabBytes = limits.slabBytes ?? SLAB_BYTES;
    this.ctx = { index, reverseAccepted: () => this.reverse, ...(snapshotTime ? { snapshotTime } : {}) };
    this.slab = Buffer.allocUnsafe(format === 'text' ? 0 : slabBytes);
    this.policies = new Policies(index);
  }

  private iface(id: string): Iface {
    let f = this.ifaces.get(id);
    if (f === undefined) {
      const index = this.ctx.index;
      const eni = index.eniById.get(id) ?? null;
      const name = eni ? eniName(eni.id, eni.instanceId ? index.instanceNameById.get(eni.instanceId) : eni.name) : id;
      f = { id, eni, policy: eni ? this.policies.of(eni) : null, name, idBytes: jsonContent(id), nameBytes: jsonContent(name) };
      if (this.ifaces.size < INTERFACES_LIMIT) this.ifaces.set(id, f);
    }
    return f;
  }

  /**
   * The interface whose id is `t.slice(s, e)` (iface), found by a hash of the text in place: the usual
   * lookup makes no string.
   */
  private ifaceAt(t: string, s: number, e: number): Iface {
    const h = fnv1a(t, s, e) & 0x3fffffff;
    const c = this.ifacesByHash.get(h);
    if (c !== undefined && c.id.length === e - s && t.startsWith(c.id, s)) return c;
    const f = this.iface(t.slice(s, e));
    // A colliding id takes the place: the one before it is found through `ifaces`.
    if (this.ifacesByHash.size < INTERFACES_LIMIT) this.ifacesByHash.set(h, f);
    return f;
  }

  /**
   * The cache key of a record: what attribution reads of it, one key per distinct input or class
   * (classes.ts). Fields such as reject-reason may hold any text (`|` and `null` included), so every part
   * is delimited by its length. Three kinds of keys:
   * - a class key, for a record of a known interface whose direction is known: the interface's policy,
   *   the direction, the classes of the peer and the ports; the entry's ports, addresses and interface
   *   are slots. A peer that is another interface's private address adds its group memberships and what
   *   a fix would name of it (its first group, when it has groups in the same VPC), and its interface id
   *   is a slot too;
   * - an interface key otherwise: the interface-id and the addresses as they are, the ports by class when
   *   the interface is known (slots);
   * - an exact key (`exact`): everything as it is, no slots.
   */
  private cacheKey(r: FlowRecord, reverse: boolean, exact: boolean): string {
    const f = r.format;
    this.portsSlotted = false;
    this.slotPeer = null;
    this.slotOwn = null;
    this.slotIface = null;
    this.slotPeerIface = null;
    const text = r.text;
    const o = r.offsets;
    // Where the interface-id, srcaddr and dstaddr are in the text (FlowRecord.valueAt), -1 for `-` or no column.
    const ic = r.valueAt(f.interfaceId);
    const sc = r.valueAt(f.srcaddr);
    const dc = r.valueAt(f.dstaddr);
    const pktSrc = r.raw(f.pktSrcaddr);
    const pktDst = r.raw(f.pktDstaddr);
    const protocol = r.protocol;
    const sp = r.srcport;
    const dp = r.dstport;
    this.keySp = sp;
    this.keyDp = dp;
    const portsRead = protocol === 6 || protocol === 17;
    const iface = ic < 0 || exact ? null : this.ifaceAt(text, o[ic]!, o[ic + 1]!);
    const policy = iface?.policy;
    // The direction, as attribution finds it, when the record's own addresses are the packet's (ref 8.4).
    let src: Ip | null = null;
    let dst: Ip | null = null;
    if (policy && sc >= 0 && dc >= 0 && protocol !== null && (pktSrc === null || pktSrc === r.srcaddr) && (pktDst === null || pktDst === r.dstaddr)) {
      src = parseIpRange(text, o[sc]!, o[sc + 1]!);
      dst = parseIpRange(text, o[dc]!, o[dc + 1]!);
    }
    this.keySrc = src !== null && src.family === 4 ? src.value : sc < 0 ? null : text.slice(o[sc]!, o[sc + 1]!);
    if (!policy) return `${asIs(r.interfaceId, r.srcaddr, r.dstaddr, pktSrc, pktDst)}${portsRead ? `${sp}|${dp}` : '*'}|${rest(r, protocol, reverse)}`;

    let direction: 'inbound' | 'outbound' | null = null;
    if (src !== null && dst !== null && src.family === dst.family && src.value !== dst.value) direction = directionOf(iface.eni!, r, src, dst);
    // Port classes clamp rule ranges to 0-65535, where validated records' ports lie.
    let spc = 0;
    let dpc = 0;
    if (portsRead && sp !== null && dp !== null && sp !== dp && sp <= 65535 && dp <= 65535) {
      this.portsSlotted = true;
      if (direction === 'inbound') {
        spc = portClass(null, sp);
        dpc = portClass(policy.ports('inDst'), dp);
      } else if (direction === 'outbound') {
        spc = portClass(policy.ports('outSrc'), sp);
        dpc = portClass(policy.ports('outDst'), dp);
      } else {
        spc = portClass(policy.ports('all'), sp);
        dpc = portClass(policy.ports('all'), dp);
      }
    }
    if (direction !== null) {
      const inbound = direction === 'inbound';
      const peer = inbound ? src! : dst!;
      const peerEni = this.ctx.index.eniByPrivateIp.get(peer.value);
      if (peerEni?.id !== iface.id) {
        let member = '~';
        if (peerEni !== undefined) {
          member = `E${policy.memberClass(direction, peer)}${part(fixPeerGroup(peerEni, iface.eni!.vpcId))}`;
          this.slotPeerIface = this.iface(peerEni.id);
        }
        const cls = policy.peerClass(direction, peer);
        this.slotPeer = peer;
        this.slotOwn = inbound ? dst : src;
        const at = this.slotAt;
        const pc = inbound ? sc : dc;
        const oc = inbound ? dc : sc;
        at[0] = o[pc]!;
        at[1] = o[pc + 1]!;
        at[2] = o[oc]!;
        at[3] = o[oc + 1]!;
        this.slotIface = iface;
        const k = this.keyParts;
        k.policy = policy.id;
        k.inbound = inbound;
        k.family = peer.family;
        k.cls = cls;
        k.pktSrc = pktSrc !== null;
        k.pktDst = pktDst !== null;
        k.portsRead = portsRead;
        k.portsClassed = this.portsSlotted;
        k.spc = spc;
        k.dpc = dpc;
        k.protocol = protocol!;
        k.reverse = reverse;
        k.member = member;
        return classKey(r, k);
      }
    }
    const ports = !portsRead ? '*' : this.portsSlotted ? `${direction === 'inbound' ? 'i' : direction === 'outbound' ? 'o' : 'c'}${spc}:${dpc}` : `${sp}|${dp}`;
    return `${asIs(iface.id, r.srcaddr, r.dstaddr, pktSrc, pktDst)}${ports}|${rest(r, protocol, reverse)}`;
  }

  private attribute(r: FlowRecord, reverse: boolean): Cached {
    let key = this.cacheKey(r, reverse, false);
    const hit = this.cache.get(key);
    if (hit) return hit;
    this.reverse = reverse;
    this.attributions++;
    let attribution: Attribution;
    if (this.portsSlotted || this.slotIface !== null) {
      const peer = this.slotPeer;
      const own = this.slotOwn;
      const iface = this.slotIface;
      const peerIface = this.slotPeerIface;
      const say = slotSay({ ports: this.portsSlotted ? { src: this.keySp!, dst: this.keyDp! } : null, peer, own, eni: iface?.id ?? null, peerEni: peerIface?.id ?? null });
      attribution = attributeRecord({ ...this.ctx, say }, r);
      // A slotted value written without its slot would give every record of the class that value, and a
      // slot in the summary's rule label would make records of one class count under different labels:
      // such records are attributed one by one.
      if (leaks(attribution, iface === null ? [] : [this.slotText(peer!, 0, r), this.slotText(own!, 2, r), iface.id, ...(peerIface === null ? [] : [peerIface.id])])) {
        key = this.cacheKey(r, reverse, true);
        const exact = this.cache.get(key);
        if (exact) return exact;
        attribution = attributeRecord(this.ctx, r);
      }
    } else {
      attribution = attributeRecord(this.ctx, r);
    }
    const text = this.format === 'text';
    // JSON.stringify of a long string is native and quick; a scan for characters to escape first cost more.
    const tail = text ? '' : `${tailHead(attribution)}${JSON.stringify(attribution.explanation)}}`;
    // Text renders the explanation alone; JSON the whole tail, whose candidates may hold slots the
    // explanation does not (an ambiguous answer that names the packet once).
    const templ = text ? hasSlots(attribution.explanation) : hasSlots(tail);
    const textTemplate = text && templ ? splitSlots(attribution.explanation) : null;
    const slimmed = slim(attribution, text && !templ);
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const bound = tail.length * 3;
    if (this.cache.size >= this.cacheEntries || this.slabUsed + bound > this.slab.length) {
      this.cache.clear();
      this.slabUsed = 0;
      this.views = 0;
    }
    const own = bound > this.slab.length;
    // Larger than the whole slab: written from a buffer of its own, not cached.
    const bytes = own ? Buffer.allocUnsafe(bound) : this.slab;
    const from = own ? 0 : this.slabUsed;
    // The tail is encoded whole (natively), then cut at its slot markers.
    const pos = text ? from : from + bytes.write(tail, from);
    const { segs, slots } = text ? { segs: [], slots: [] } : templ ? splitSlotBytes(bytes, from, pos) : { segs: [from, pos], slots: [] };
    const views: Array<Uint8Array | null> = [];
    for (let i = 0; i < segs.length; i += 2) {
      const long = segs[i + 1]! - segs[i]! >= VIEW_MIN && !own && this.views < this.viewsLimit;
      if (long) this.views++;
      views.push(long ? bytes.subarray(segs[i]!, segs[i + 1]!) : null);
    }
    let size = pos - from;
    let ids = 0;
    let names = 0;
    let peerIds = 0;
    for (const k of slots) {
      if (k <= 1) size += 5;
      else if (k <= 3) size += 39;
      else if (k === 4) ids++;
      else if (k === 5) names++;
      else peerIds++;
    }
    const entry: Cached = { attribution: slimmed, bytes, segs, views, slots, size, ids, names, peerIds, text: textTemplate };
    if (!own) {
      this.slabUsed = pos;
      this.cache.set(key, entry);
    }
    return entry;
  }

  /** An IPv6 address as explanations write it (formatIpv6), remembered (scanners and clients repeat). */
  private ipv6Text(value: bigint): string {
    let t = this.ipv6Texts.get(value);
    if (t === undefined) {
      if (this.ipv6Texts.size >= IPV6_TEXTS_LIMIT) this.ipv6Texts.clear();
      this.ipv6Texts.set(value, (t = formatIpv6(value)));
    }
    return t;
  }

  /**
   * The text of slot 2 (at 0) or 3 (at 2) for the record just keyed. An IPv4 address is written as it was
   * (parseIp takes only the canonical dotted quad).
   */
  private slotText(ip: Ip, at: number, r: FlowRecord): string {
    return ip.family === 4 ? r.text.slice(this.slotAt[at]!, this.slotAt[at + 1]!) : this.ipv6Text(ip.value);
  }

  /**
   * The value of a slot for the record just keyed (a class entry's slots are the ones its key set), as
   * text output writes it; writeTail writes the same values into JSON.
   */
  private slotValue(slot: Slot, r: FlowRecord): string {
    switch (slot) {
      case 0:
        return String(this.keySp);
      case 1:
        return String(this.keyDp);
      case 2:
        return this.slotText(this.slotPeer!, 0, r);
      case 3:
        return this.slotText(this.slotOwn!, 2, r);
      case 4:
        return this.slotIface!.id;
      case 5:
        return this.slotIface!.name;
      case 6:
        return this.slotPeerIface!.id;
    }
  }

  /**
   * Writes `,`, then a cached entry's ranges with the record's slot values between them (slotValue's, as
   * JSON string content), then a newline for jsonl: in place, one room check for it all, no string made
   * for a port, an IPv4 address or an interface.
   */
  private writeTail(hit: Cached, r: FlowRecord, out: Writer, newline: boolean): void {
    const iface = this.slotIface;
    const peerIface = this.slotPeerIface;
    const bound = 2 + hit.size + (hit.ids === 0 ? 0 : hit.ids * iface!.idBytes.length) + (hit.names === 0 ? 0 : hit.names * iface!.nameBytes.length)
      + (hit.peerIds === 0 ? 0 : hit.peerIds * peerIface!.idBytes.length);
    const buf = out.room(bound);
    let p = out.at;
    const segs = hit.segs;
    const views = hit.views;
    const bytes = hit.bytes;
    const slots = hit.slots;
    const text = r.text;
    buf[p++] = 44; // ,
    for (let i = 0; ; i++) {
      const v = views[i]!;
      if (v !== null) {
        buf.set(v, p);
        p += v.length;
      } else {
        const e = segs[2 * i + 1]!;
        for (let j = segs[2 * i]!; j < e; j++) buf[p++] = bytes[j]!;
      }
      if (i === slots.length) break;
      const slot = slots[i]!;
      if (slot === 0 || slot === 1) {
        p = writeDigits(buf, p, slot === 0 ? this.keySp! : this.keyDp!);
      } else if (slot === 2 || slot === 3) {
        const ip = slot === 2 ? this.slotPeer! : this.slotOwn!;
        if (ip.family === 4) {
          // As the record wrote it (slotText).
          const at = slot === 2 ? 0 : 2;
          const e = this.slotAt[at + 1]!;
          for (let j = this.slotAt[at]!; j < e; j++) buf[p++] = text.charCodeAt(j);
        } else {
          const t = this.ipv6Text(ip.value);
          for (let j = 0; j < t.length; j++) buf[p++] = t.charCodeAt(j);
        }
      } else {
        const b = slot === 4 ? iface!.idBytes : slot === 5 ? iface!.nameBytes : peerIface!.idBytes;
        for (let j = 0; j < b.length; j++) buf[p++] = b[j]!;
      }
    }
    if (newline) buf[p++] = 10;
    out.at = p;
  }

  /** Writes the output of one record: a JSON object (json, jsonl) or a paragraph (text). */
  explain(r: FlowRecord, reverse: boolean, out: Writer): void {
    const hit = this.attribute(r, reverse);
    const a = hit.attribution;
    // The summary's peer (summaryPeer): the source as keyed (a number for IPv4) when the rule judges sources and the record has no pkt-srcaddr.
    const counted = a.ruleKey !== null && (a.verdict === 'blocked' || a.verdict === 'config-denies');
    const peer = !counted ? null : peerDirection(a) === 'inbound' && r.pktSrcaddr === null ? this.keySrc : summaryPeer(r, a);
    this.summary.addExplained(a, peer, this.keyDp, r.action === 'ACCEPT', r.protocol);
    if (this.format === 'text') {
      const a = hit.text ? { verdict: hit.attribution.verdict, explanation: fillSlots(hit.text, (k) => this.slotValue(k, r)) } : hit.attribution;
      out.write(this.renderText(r.file, r.line, a));
      return;
    }
    let head = this.fileHeads.get(r.file);
    if (head === undefined) {
      // Files come one after another: a few are enough (a walk of thousands of S3 objects must not grow this).
      if (this.fileHeads.size >= 64) this.fileHeads.clear();
      this.fileHeads.set(r.file, (head = Buffer.from(`{"file":${JSON.stringify(r.file)},"line":`)));
    }
    if (this.format === 'json' && !this.first) out.write(',');
    this.first = false;
    out.writeBytes(head, 0, head.length);
    out.writeInt(r.line);
    out.writeBytes(RECORD_KEY, 0, RECORD_KEY.length);
    writeRecordJson(r, out);
    this.writeTail(hit, r, out, this.format === 'jsonl');
  }
}
