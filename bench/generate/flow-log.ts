/** The generated flow log: conversations on the world's interfaces, REJECTs of many kinds, streamed to a file. */
import { writeSync } from 'node:fs';
import { Rng } from './rng.js';
import { ip4, ip4num, publicIp4, publicIp6 } from './addresses.js';
import { ACCOUNT, type GEni, type GVpc, type Role, type World } from './world.js';

// ---------------------------------------------------------------------------------------------------------
// Flow log

export interface LogStats {
  records: number;
  accept: number;
  reject: number;
  nodata: number;
  ipv6: number;
  unknownInterface: number;
  /** Distinct (interface, srcaddr, dstaddr, srcport, dstport, protocol) tuples among the REJECT records. */
  distinctRejectTuples: number;
  /** REJECT records by the scenario that produced them. */
  rejectsBy: Record<string, number>;
  bytes: number;
}

export const T0 = 1732700000;
export const SPAN = 3600;

export const SERVICE_PORTS: Partial<Record<Role, readonly number[]>> = {
  web: [8080, 8443],
  app: [8080, 8081],
  api: [443, 8443],
  db: [5432, 5432, 5432, 3306],
  cache: [6379],
  kafka: [9092, 9093, 9094],
  endpoint: [443],
};

/** Internal client role → server role edges and their weights. */
export const EDGES: ReadonlyArray<readonly [readonly [Role, Role], number]> = [
  [['lb', 'web'], 20],
  [['lb', 'api'], 8],
  [['lb', 'node'], 5],
  [['web', 'app'], 20],
  [['web', 'api'], 5],
  [['app', 'app'], 8],
  [['app', 'db'], 12],
  [['api', 'db'], 5],
  [['app', 'cache'], 10],
  [['api', 'cache'], 4],
  [['app', 'kafka'], 6],
  [['node', 'kafka'], 3],
  [['node', 'node'], 6],
  [['lambda', 'db'], 3],
  [['lambda', 'cache'], 2],
  [['app', 'endpoint'], 4],
  [['lambda', 'endpoint'], 2],
];

/** Clients the server's tier does not admit (the server's SG or NACL rejects them). */
export const WRONG_EDGES: ReadonlyArray<readonly [readonly [Role, Role, number], number]> = [
  [['web', 'db', 5432], 5],
  [['web', 'cache', 6379], 3],
  [['lb', 'app', 8080], 2],
  [['monitoring', 'db', 9100], 3],
  [['node', 'db', 5432], 2],
  [['api', 'kafka', 9092], 2],
  [['app', 'db', 22], 2],
  [['web', 'api', 22], 2],
  [['app', 'monitoring', 3000], 1],
];

export const NOISE_PORTS = [22, 22, 22, 22, 3389, 3389, 23, 445, 1433, 3306, 5900, 8080, 6379, 9200, 2375, 5432, 8443, 25, 110, 27017];
export const SWEEP_PORTS = [21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1433, 1521, 2049, 2375, 3306, 3389, 5432, 5900, 5985, 6379, 8000, 8080, 8443, 8888, 9000, 9090, 9200, 11211, 27017];

export class LogWriter {
  private readonly window: string[] = [];
  private out: string[] = [];
  private outLen = 0;
  readonly stats: LogStats = { records: 0, accept: 0, reject: 0, nodata: 0, ipv6: 0, unknownInterface: 0, distinctRejectTuples: 0, rejectsBy: {}, bytes: 0 };
  private readonly rejectTuples = new Set<string>();

  constructor(
    private readonly fd: number,
    private readonly rng: Rng,
    private readonly limit: number,
    private readonly windowSize = 1024,
  ) {}

  get full(): boolean {
    return this.stats.records >= this.limit;
  }

  /** Current time: the hour of the log spread evenly over the records. */
  now(): number {
    return T0 + Math.floor((this.stats.records * SPAN) / this.limit);
  }

  record(eni: string, src: string, dst: string, sp: number, dp: number, proto: number, packets: number, bytes: number, action: 'ACCEPT' | 'REJECT', scenario: string, at: number = this.now()): void {
    if (this.full) return;
    const start = at - this.rng.int(50);
    const end = start + 1 + this.rng.int(60);
    this.push(`2 ${ACCOUNT} ${eni} ${src} ${dst} ${sp} ${dp} ${proto} ${packets} ${bytes} ${start} ${end} ${action} OK\n`);
    if (action === 'ACCEPT') this.stats.accept++;
    else {
      this.stats.reject++;
      this.stats.rejectsBy[scenario] = (this.stats.rejectsBy[scenario] ?? 0) + 1;
      this.rejectTuples.add(`${eni} ${src} ${dst} ${sp} ${dp} ${proto}`);
      this.stats.distinctRejectTuples = this.rejectTuples.size;
    }
    if (src.includes(':')) this.stats.ipv6++;
  }

  nodata(eni: string): void {
    if (this.full) return;
    const start = this.now();
    this.push(`2 ${ACCOUNT} ${eni} - - - - - - - ${start} ${start + 60} - NODATA\n`);
    this.stats.nodata++;
  }

  private push(line: string): void {
    this.stats.records++;
    const w = this.window;
    if (w.length < this.windowSize) {
      w.push(line);
      return;
    }
    const j = this.rng.int(w.length);
    this.emit(w[j]!);
    w[j] = line;
  }

  private emit(line: string): void {
    this.out.push(line);
    this.outLen += line.length;
    if (this.outLen >= 1 << 20) this.flushOut();
  }

  private flushOut(): void {
    if (this.out.length === 0) return;
    const buf = Buffer.from(this.out.join(''), 'latin1');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
    this.stats.bytes += buf.length;
    this.out = [];
    this.outLen = 0;
  }

  finish(): void {
    for (const line of this.window) this.emit(line);
    this.window.length = 0;
    this.flushOut();
  }
}

export function generateLog(world: World, fd: number, records: number, seed: number): LogStats {
  const rng = new Rng(seed ^ 0x10910910);
  const w = new LogWriter(fd, rng, records);
  const enis = world.enis;
  const byRole = new Map<string, GEni[]>();
  for (const vpc of world.vpcs) {
    for (const e of vpc.enis) {
      const k = `${vpc.idx}/${e.role}`;
      const list = byRole.get(k);
      if (list) list.push(e);
      else byRole.set(k, [e]);
    }
  }
  const roleIn = (vpc: GVpc, role: Role): GEni[] => byRole.get(`${vpc.idx}/${role}`) ?? [];
  const publicTargets = enis.filter((e) => e.publicIp !== null && e.role !== 'nat');
  const v6Targets = enis.filter((e) => e.ip6 !== null);
  const workloads = enis.filter((e) => e.role !== 'nat' && e.role !== 'lb' && e.role !== 'endpoint');
  const outboundClients = workloads.filter((e) => !e.restrictedEgress);
  const restricted = workloads.filter((e) => e.restrictedEgress);
  // Response-reject candidates: the NACL's inbound ephemeral allow is narrow (IPv4) or missing (IPv6).
  const narrow4 = outboundClients.filter((e) => e.subnet.nacl !== null && e.subnet.nacl.ephLow4 > 1024);
  const narrow6 = outboundClients.filter((e) => e.ip6 !== null && e.subnet.nacl !== null && !e.subnet.nacl.v6Ephemeral);
  const unknownEnis = Array.from({ length: 6 }, () => `eni-0${rng.hex(16)}`);
  const internet4Pool = Array.from({ length: 20000 }, () => ip4(publicIp4(rng)));
  const internet6Pool = Array.from({ length: 4000 }, () => publicIp6(rng));
  const popular4 = Array.from({ length: 300 }, () => ip4(publicIp4(rng))); // SaaS / API endpoints clients call
  const popular6 = Array.from({ length: 60 }, () => publicIp6(rng));
  const scanCursor = world.scanners4.map(() => rng.int(SWEEP_PORTS.length));
  const lbs = publicTargets.filter((e) => e.role === 'lb');
  const privateClients = outboundClients.filter((e) => e.subnet.tier !== 'public');
  const publicClients = publicTargets.filter((e) => e.role !== 'lb');
  const v6Clients = v6Targets.filter((e) => e.role !== 'lb' && !e.restrictedEgress);
  const sshTargets = new Map(world.vpcs.map((v) => [v.idx, v.enis.filter((e) => e.groups.some((g) => g.name.endsWith('ssh-from-bastion')))]));
  const monitoredIn = new Map(world.vpcs.map((v) => [v.idx, v.enis.filter((e) => e.monitored)]));

  const linuxPort = () => rng.range(32768, 60999);
  const clientPort = () => (rng.chance(0.85) ? linuxPort() : rng.range(49152, 65535));
  const flowSize = (): readonly [number, number] => {
    const p = rng.chance(0.7) ? rng.range(1, 20) : rng.range(20, 2000);
    return [p, p * rng.range(52, 1400)];
  };
  const addrOf = (e: GEni, v6: boolean): string => (v6 && e.ip6 ? e.ip6 : e.secondaries.length > 0 && e.role === 'node' && rng.chance(0.8) ? rng.pick(e.secondaries) : e.ip4);

  /** A TCP/UDP conversation seen on the client ENI (request out, response in) and the server ENI. */
  const conversation = (client: GEni | null, cAddr: string, server: GEni | null, sAddr: string, dp: number, proto: number, sp: number, repeats: number) => {
    for (let k = 0; k < repeats && !w.full; k++) {
      const [p, b] = flowSize();
      const [rp, rb] = flowSize();
      if (client) w.record(client.id, cAddr, sAddr, sp, dp, proto, p, b, 'ACCEPT', '');
      if (server) w.record(server.id, cAddr, sAddr, sp, dp, proto, p, b, 'ACCEPT', '');
      if (server) w.record(server.id, sAddr, cAddr, dp, sp, proto, rp, rb, 'ACCEPT', '');
      if (client) w.record(client.id, sAddr, cAddr, dp, sp, proto, rp, rb, 'ACCEPT', '');
    }
  };

  const acceptEvent = () => {
    const kind = rng.weighted<string>([
      ['internal', 40],
      ['internet-in', 15],
      ['nat-out', 12],
      ['direct-out', 3],
      ['v6-out', 5],
      ['dns', 10],
      ['scrape', 8],
      ['ssh', 3],
    ]);
    const repeats = rng.chance(0.3) ? rng.range(2, 4) : 1;
    switch (kind) {
      case 'internal': {
        const vpc = rng.pick(world.vpcs);
        const [cr, sr] = rng.weighted(EDGES);
        const clients = roleIn(vpc, cr);
        const servers = roleIn(vpc, sr);
        if (clients.length === 0 || servers.length === 0) return;
        const c = rng.pick(clients);
        const s = rng.pick(servers);
        if (c === s) return;
        const v6 = c.ip6 !== null && s.ip6 !== null && rng.chance(0.2);
        const dp = sr === 'node' ? (cr === 'lb' ? rng.range(30000, 32767) : rng.pick([443, 10250, 8080])) : rng.pick(SERVICE_PORTS[sr] ?? [443]);
        conversation(c, addrOf(c, v6), s, addrOf(s, v6), dp, 6, clientPort(), repeats);
        return;
      }
      case 'internet-in': {
        const lb = rng.pick(lbs);
        const v6 = lb.ip6 !== null && rng.chance(0.25);
        const client = v6 ? rng.pick(internet6Pool) : rng.pick(internet4Pool);
        conversation(null, client, lb, v6 ? lb.ip6! : lb.ip4, rng.chance(0.9) ? 443 : 80, 6, rng.range(1024, 65535), repeats);
        return;
      }
      case 'nat-out': {
        const c = rng.pick(privateClients);
        const nat = c.vpc.nats[c.subnet.az]!;
        const dst = rng.pick(popular4);
        const sp = clientPort();
        const natPort = rng.range(1024, 65535);
        for (let k = 0; k < repeats && !w.full; k++) {
          const [p, b] = flowSize();
          const [rp, rb] = flowSize();
          w.record(c.id, c.ip4, dst, sp, 443, 6, p, b, 'ACCEPT', '');
          w.record(nat.eni.id, c.ip4, dst, sp, 443, 6, p, b, 'ACCEPT', '');
          w.record(nat.eni.id, nat.eni.ip4, dst, natPort, 443, 6, p, b, 'ACCEPT', '');
          w.record(nat.eni.id, dst, nat.eni.ip4, 443, natPort, 6, rp, rb, 'ACCEPT', '');
          w.record(nat.eni.id, dst, c.ip4, 443, sp, 6, rp, rb, 'ACCEPT', '');
          w.record(c.id, dst, c.ip4, 443, sp, 6, rp, rb, 'ACCEPT', '');
        }
        return;
      }
      case 'direct-out': {
        const c = rng.pick(publicClients);
        conversation(c, c.ip4, null, rng.pick(popular4), rng.pick([443, 443, 80]), 6, clientPort(), repeats);
        return;
      }
      case 'v6-out': {
        const c = rng.pick(v6Clients);
        conversation(c, c.ip6!, null, rng.pick(popular6), 443, 6, clientPort(), repeats);
        return;
      }
      case 'dns': {
        const c = rng.pick(workloads);
        conversation(c, c.ip4, null, c.vpc.resolver, 53, 17, rng.range(1024, 65535), 1);
        return;
      }
      case 'scrape': {
        const vpc = rng.pick(world.vpcs);
        const mons = roleIn(vpc, 'monitoring');
        const targets = monitoredIn.get(vpc.idx) ?? [];
        if (mons.length === 0 || targets.length === 0) return;
        const m = rng.pick(mons);
        const t = rng.pick(targets);
        conversation(m, m.ip4, t, t.ip4, t.role === 'node' ? 10250 : 9100, 6, linuxPort(), repeats);
        return;
      }
      case 'ssh': {
        const vpc = rng.pick(world.vpcs);
        const b = rng.pick(roleIn(vpc, 'bastion'));
        conversation(null, rng.pick(world.officeIps), b, b.ip4, 22, 6, rng.range(49152, 65535), 1);
        const t = rng.pick(sshTargets.get(vpc.idx) ?? []);
        conversation(b, b.ip4, t, t.ip4, 22, 6, linuxPort(), repeats);
        return;
      }
    }
  };

  const rejectEvent = () => {
    const kind = rng.weighted<string>([
      // Weighted per event; a sweep yields ~70 REJECT records, the others 1-3 (scans end up ~half the REJECTs).
      ['scan', 0.8],
      ['noise', 13],
      ['internal', 6],
      ['egress', 2.5],
      ['response', 5],
      ['icmp', 5],
    ]);
    switch (kind) {
      case 'scan': {
        const v6 = rng.chance(0.2);
        const si = rng.int(v6 ? world.scanners6.length : world.scanners4.length);
        const scanner = v6 ? world.scanners6[si]! : world.scanners4[si]!;
        const targets = v6 ? v6Targets : publicTargets;
        const sp = rng.chance(0.5) ? 54321 : rng.range(40000, 65000);
        const udp = rng.chance(0.1);
        const n = rng.range(20, 120);
        const vertical = rng.chance(0.5);
        const fixedTarget = rng.pick(targets);
        let cursor = v6 ? rng.int(1024) : scanCursor[si]!;
        const fixedPort = rng.pick(SWEEP_PORTS);
        const at = w.now();
        for (let k = 0; k < n && !w.full; k++) {
          const t = vertical ? fixedTarget : rng.pick(targets);
          const port = udp ? rng.pick([53, 123, 161, 1900, 11211]) : vertical ? (cursor++ % 1024) + 1 : fixedPort;
          const dst = v6 ? t.ip6! : t.ip4;
          const open = !udp && t.role === 'lb' && (port === 80 || port === 443);
          if (open) {
            w.record(t.id, scanner, dst, sp, port, 6, 1, v6 ? 60 : 44, 'ACCEPT', '', at);
            w.record(t.id, dst, scanner, port, sp, 6, 1, v6 ? 60 : 44, 'ACCEPT', '', at);
          } else {
            w.record(t.id, scanner, dst, sp, port, udp ? 17 : 6, 1, udp ? rng.range(40, 120) : v6 ? 60 : 40, 'REJECT', v6 ? 'scan-v6' : 'scan-v4', at);
          }
        }
        if (!v6) scanCursor[si] = cursor;
        return;
      }
      case 'noise': {
        const v6 = rng.chance(0.2);
        const t = rng.pick(v6 ? v6Targets : publicTargets);
        const src = v6 ? rng.pick(internet6Pool) : rng.pick(internet4Pool);
        const port = rng.pick(NOISE_PORTS);
        const sp = rng.range(1024, 65535);
        const repeats = rng.chance(0.4) ? rng.range(2, 3) : 1;
        for (let k = 0; k < repeats; k++) {
          const pk = rng.range(1, 3);
          w.record(t.id, src, v6 ? t.ip6! : t.ip4, sp, port, 6, pk, pk * (v6 ? 60 : 40), 'REJECT', 'noise');
        }
        return;
      }
      case 'internal': {
        const vpc = rng.pick(world.vpcs);
        const [cr, sr, port] = rng.weighted(WRONG_EDGES);
        const clients = roleIn(vpc, cr);
        const servers = roleIn(vpc, sr);
        if (clients.length === 0 || servers.length === 0) return;
        const c = rng.pick(clients);
        // A scraped server admits the monitoring hosts on 9100 through its monitoring-agent group.
        const eligible = port === 9100 ? servers.filter((e) => !e.monitored) : servers;
        if (eligible.length === 0) return;
        const s = rng.pick(eligible);
        if (c === s) return;
        const sp = clientPort();
        const repeats = rng.range(1, 4);
        for (let k = 0; k < repeats; k++) {
          const pk = rng.range(1, 4);
          w.record(c.id, c.ip4, s.ip4, sp, port, 6, pk, pk * 60, 'ACCEPT', '');
          w.record(s.id, c.ip4, s.ip4, sp, port, 6, pk, pk * 60, 'REJECT', 'internal');
        }
        return;
      }
      case 'egress': {
        // Groups that only allow HTTPS / DNS / the database out, or the NACL's outbound SMTP deny.
        const smtp = rng.chance(0.3);
        const c = smtp ? rng.pick(outboundClients) : rng.pick(restricted);
        const port = smtp ? 25 : rng.pick([80, 8080, 22, 9092, 27017, 8443]);
        const dst = port === 9092 ? rng.pick(roleIn(c.vpc, 'kafka')).ip4 : rng.pick(popular4);
        const sp = clientPort();
        const repeats = rng.range(1, 3);
        for (let k = 0; k < repeats; k++) w.record(c.id, c.ip4, dst, sp, port, 6, 1, 60, 'REJECT', smtp ? 'egress-nacl' : 'egress-sg');
        return;
      }
      case 'response': {
        const v6 = rng.chance(0.3) && narrow6.length > 0;
        const c = v6 ? rng.pick(narrow6) : rng.pick(narrow4);
        const low = c.subnet.nacl!.ephLow4;
        const sp = v6 ? clientPort() : rng.range(1024, low - 1);
        const cAddr = v6 ? c.ip6! : c.ip4;
        const dst = v6 ? rng.pick(popular6) : rng.pick(popular4);
        const repeats = rng.range(1, 3);
        for (let k = 0; k < repeats; k++) {
          w.record(c.id, cAddr, dst, sp, 443, 6, 1, v6 ? 80 : 60, 'ACCEPT', '');
          w.record(c.id, dst, cAddr, 443, sp, 6, 1, v6 ? 80 : 60, 'REJECT', 'response');
        }
        return;
      }
      case 'icmp': {
        const v6 = rng.chance(0.3);
        const t = rng.pick(v6 ? v6Targets : publicTargets);
        const src = v6 ? rng.pick(internet6Pool) : rng.pick(internet4Pool);
        const pk = rng.range(1, 5);
        w.record(t.id, src, v6 ? t.ip6! : t.ip4, 0, 0, v6 ? 58 : 1, pk, pk * 84, 'REJECT', 'icmp');
        return;
      }
    }
  };

  const unknownEvent = () => {
    const eni = rng.pick(unknownEnis);
    const a = ip4(ip4num(10, 200, rng.int(4), rng.range(4, 250)));
    const b = rng.pick(internet4Pool);
    const reject = rng.chance(0.4);
    w.stats.unknownInterface++;
    if (reject) w.record(eni, b, a, rng.range(1024, 65535), rng.pick(NOISE_PORTS), 6, 1, 40, 'REJECT', 'unknown-interface');
    else w.record(eni, a, b, clientPort(), 443, 6, 10, 4000, 'ACCEPT', '');
  };

  const target = 0.1;
  while (!w.full) {
    const x = rng.next();
    if (x < 1 / 1000) w.nodata(rng.pick(enis).id);
    else if (x < 1 / 1000 + 1 / 1500) unknownEvent();
    else if (w.stats.reject < target * w.stats.records) rejectEvent();
    else acceptEvent();
  }
  w.finish();
  return w.stats;
}
