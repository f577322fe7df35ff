/**
 * CloudFormation's intrinsic functions and conditions, evaluated as far as they can be before deployment.
 *
 * - `Ref` / `Fn::GetAtt` of a resource of the template give that resource's id (its logical id, see
 *   ResourceId); attributes that mirror a property (a VPC's CidrBlock, a subnet's VpcId, an interface's
 *   PrimaryPrivateIpAddress when PrivateIpAddress is set) give that property's value; the implicit default
 *   network ACL and security group of a VPC of the template are `<Vpc>.DefaultNetworkAcl` and
 *   `<Vpc>.DefaultSecurityGroup`.
 * - `Ref` of a parameter gives its Default (a list for CommaDelimitedList and List<...> types).
 * - Everything known only at deployment (a parameter without a default, an SSM parameter, pseudo
 *   parameters such as AWS::AccountId, Fn::GetAZs, an import no given template exports, a physical id
 *   inside a string, an Elastic IP's address) is an Unknown with the reason: never guessed.
 * - A malformed function, or a Ref to a name the template does not have, is a problem (CloudFormation
 *   would reject the template).
 */
import { type JsonObject, getField, isObject, joinPath } from '../aws/decode/common.js';
import { formatIpv4, formatIpv6, parseCidr } from '../net/ip.js';
import type { CfnProblem, CfnResource, CfnTemplate } from './cfn-template.js';

/** A value known only once the stack is deployed. */
export class Unknown {
  constructor(readonly why: string) {}
}

/** The id of a resource (or implicit default object) of a template: the model id it is known by. */
export class ResourceId {
  constructor(
    readonly logicalId: string,
    readonly id: string,
    /** The CloudFormation type of what it names (`AWS::EC2::SecurityGroup` for a VPC's default group). */
    readonly type: string,
  ) {}
}

/** `AWS::NoValue`: the property (or list element) is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);

/** Attributes that name the resource itself, by type. */
const ID_ATTRIBUTES: Record<string, readonly string[]> = {
  'AWS::EC2::SecurityGroup': ['GroupId'],
  'AWS::EC2::VPC': ['VpcId'],
  'AWS::EC2::Subnet': ['SubnetId'],
  'AWS::EC2::NetworkAcl': ['Id'],
  'AWS::EC2::RouteTable': ['RouteTableId'],
  'AWS::EC2::InternetGateway': ['InternetGatewayId'],
  'AWS::EC2::NatGateway': ['NatGatewayId'],
  'AWS::EC2::NetworkInterface': ['Id'],
  'AWS::EC2::Instance': ['InstanceId'],
  'AWS::EC2::EIP': ['AllocationId'],
  'AWS::EC2::TransitGateway': ['Id'],
  'AWS::EC2::VPCEndpoint': ['Id'],
  'AWS::EC2::EgressOnlyInternetGateway': ['Id'],
  'AWS::EC2::PrefixList': ['PrefixListId'],
};

/** Attributes that are the value of a property, by type: attribute → property path. */
const PROPERTY_ATTRIBUTES: Record<string, Record<string, readonly (string | number)[]>> = {
  'AWS::EC2::VPC': { CidrBlock: ['CidrBlock'] },
  'AWS::EC2::Subnet': { VpcId: ['VpcId'], CidrBlock: ['CidrBlock'], AvailabilityZone: ['AvailabilityZone'] },
  'AWS::EC2::SecurityGroup': { VpcId: ['VpcId'] },
  'AWS::EC2::NetworkInterface': { PrimaryPrivateIpAddress: ['PrivateIpAddress'] },
  'AWS::EC2::Instance': { PrivateIp: ['PrivateIpAddress'], AvailabilityZone: ['AvailabilityZone'] },
};

/** The implicit objects of a VPC the template creates: GetAtt attribute → the type of what it names. */
export const VPC_IMPLICIT: Record<string, string> = {
  DefaultNetworkAcl: 'AWS::EC2::NetworkAcl',
  DefaultSecurityGroup: 'AWS::EC2::SecurityGroup',
};

/** Where an export is defined, for Fn::ImportValue across the given templates. */
export interface ExportSource {
  readonly resolver: TemplateResolver;
  readonly value: unknown;
  readonly path: string;
}

function isIntrinsic(v: unknown): v is JsonObject {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0]!.startsWith('Fn::'));
}

function describe(v: unknown): string {
  if (v instanceof Unknown) return 'a value unknown before deployment';
  if (v instanceof ResourceId) return `the id of ${v.logicalId}`;
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (isObject(v)) return 'an object';
  return JSON.stringify(v) ?? String(v);
}

export class TemplateResolver {
  private readonly conditionMemo = new Map<string, boolean | Unknown>();
  private readonly conditionStack = new Set<string>();
  private readonly attrStack = new Set<string>();

  constructor(
    readonly template: CfnTemplate,
    /** Model ids of the template's resources, by logical id. */
    readonly ids: ReadonlyMap<string, string>,
    readonly problems: CfnProblem[],
    /** The export of another given template (or this one), by export name. */
    readonly exportNamed: (name: string) => ExportSource | undefined,
  ) {}

  problem(path: string, message: string): Unknown {
    const line = this.template.line(path);
    if (!this.problems.some((p) => p.path === path && p.message === message)) {
      this.problems.push({ file: this.template.file, path, message, ...(line !== null ? { line } : {}) });
    }
    return new Unknown(message);
  }

  private section(name: string): JsonObject {
    const s = getField(this.template.body, name);
    return isObject(s) ? s : {};
  }

  /** A resource's value with its intrinsics evaluated; NO_VALUE members and elements removed. */
  resolve(node: unknown, path: string, depth = 0): unknown {
    if (depth > 100) return this.problem(path, 'intrinsic functions nested more than 100 deep');
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      node.forEach((x, i) => {
        const v = this.resolve(x, joinPath(path, i), depth + 1);
        if (v !== NO_VALUE) out.push(v);
      });
      return out;
    }
    if (isIntrinsic(node)) {
      const [name, arg] = Object.entries(node)[0]!;
      return this.intrinsic(name, arg, joinPath(path, name), depth + 1);
    }
    if (isObject(node)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(node)) {
        const v = this.resolve(x, joinPath(path, k), depth + 1);
        if (v !== NO_VALUE && v !== undefined) out[k] = v;
      }
      return out;
    }
    return node === null ? undefined : node;
  }

  private intrinsic(name: string, arg: unknown, path: string, depth: number): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(arg, path);
      case 'Condition': {
        if (typeof arg !== 'string') return this.problem(path, `expected the name of a condition, got ${describe(arg)}`);
        return this.condition(arg, path);
      }
      case 'Fn::GetAtt':
        return this.getAtt(arg, path, depth);
      case 'Fn::Sub':
        return this.sub(arg, path, depth);
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.problem(path, 'expected [delimiter, [values...]]');
        const delim = this.resolve(arg[0], joinPath(path, 0), depth);
        const list = this.resolve(arg[1], joinPath(path, 1), depth);
        if (typeof delim !== 'string') return delim instanceof Unknown ? delim : this.problem(joinPath(path, 0), `expected a delimiter string, got ${describe(delim)}`);
        if (list instanceof Unknown) return list;
        if (!Array.isArray(list)) return this.problem(joinPath(path, 1), `expected a list of values, got ${describe(list)}`);
        const parts: string[] = [];
        for (const x of list) {
          if (x instanceof Unknown) return x;
          if (x instanceof ResourceId) return list.length === 1 ? x : new Unknown(`it joins the id of ${x.logicalId} into a string, which is known only after deployment`);
          if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') parts.push(String(x));
          else return this.problem(joinPath(path, 1), `expected strings to join, got ${describe(x)}`);
        }
        return parts.join(delim);
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.problem(path, 'expected [index, [values...]]');
        const idx = this.resolve(arg[0], joinPath(path, 0), depth);
        const list = this.resolve(arg[1], joinPath(path, 1), depth);
        if (idx instanceof Unknown) return idx;
        const i = typeof idx === 'number' ? idx : typeof idx === 'string' && /^\d+$/.test(idx) ? Number(idx) : NaN;
        if (!Number.isInteger(i) || i < 0) return this.problem(joinPath(path, 0), `expected an index (an integer from 0), got ${describe(idx)}`);
        if (list instanceof Unknown) return list;
        if (!Array.isArray(list)) return this.problem(joinPath(path, 1), `expected a list, got ${describe(list)}`);
        if (i >= list.length) return this.problem(joinPath(path, 0), `index ${i} is outside the list of ${list.length}`);
        return list[i];
      }
      case 'Fn::Split': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.problem(path, 'expected [delimiter, string]');
        const delim = this.resolve(arg[0], joinPath(path, 0), depth);
        const s = this.resolve(arg[1], joinPath(path, 1), depth);
        if (typeof delim !== 'string' || delim === '') return this.problem(joinPath(path, 0), `expected a delimiter string, got ${describe(delim)}`);
        if (s instanceof Unknown) return s;
        if (typeof s !== 'string') return this.problem(joinPath(path, 1), `expected a string to split, got ${describe(s)}`);
        return s.split(delim);
      }
      case 'Fn::If': {
        if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') return this.problem(path, 'expected [condition name, value if true, value if false]');
        const c = this.condition(arg[0], joinPath(path, 0));
        if (c instanceof Unknown) return new Unknown(`it depends on condition ${arg[0]}, which is unknown before deployment (${c.why})`);
        return c ? this.resolve(arg[1], joinPath(path, 1), depth) : this.resolve(arg[2], joinPath(path, 2), depth);
      }
      case 'Fn::Equals': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.problem(path, 'expected [value, value]');
        const a = this.resolve(arg[0], joinPath(path, 0), depth);
        const b = this.resolve(arg[1], joinPath(path, 1), depth);
        if (a instanceof Unknown) return a;
        if (b instanceof Unknown) return b;
        if (a instanceof ResourceId || b instanceof ResourceId) return new Unknown('it compares the physical id of a resource, known only after deployment');
        return JSON.stringify(scalarText(a)) === JSON.stringify(scalarText(b));
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10) return this.problem(path, 'expected a list of 2 to 10 conditions');
        const vals = arg.map((x, i) => this.resolve(x, joinPath(path, i), depth));
        const decisive = name === 'Fn::And' ? false : true;
        if (vals.some((v) => v === decisive)) return decisive;
        const unknown = vals.find((v): v is Unknown => v instanceof Unknown);
        if (unknown) return unknown;
        const bad = vals.findIndex((v) => typeof v !== 'boolean');
        if (bad >= 0) return this.problem(joinPath(path, bad), `expected a condition, got ${describe(vals[bad])}`);
        return !decisive;
      }
      case 'Fn::Not': {
        if (!Array.isArray(arg) || arg.length !== 1) return this.problem(path, 'expected [condition]');
        const v = this.resolve(arg[0], joinPath(path, 0), depth);
        if (v instanceof Unknown) return v;
        if (typeof v !== 'boolean') return this.problem(joinPath(path, 0), `expected a condition, got ${describe(v)}`);
        return !v;
      }
      case 'Fn::FindInMap': {
        if (!Array.isArray(arg) || arg.length < 3 || arg.length > 4) return this.problem(path, 'expected [map name, top-level key, second-level key]');
        const keys = arg.slice(0, 3).map((x, i) => this.resolve(x, joinPath(path, i), depth));
        const unknown = keys.find((k): k is Unknown => k instanceof Unknown);
        if (unknown) return unknown;
        const [m, k1, k2] = keys.map((k) => (typeof k === 'string' || typeof k === 'number' ? String(k) : undefined));
        if (m === undefined || k1 === undefined || k2 === undefined) return this.problem(path, 'expected string keys');
        const map = getField(this.section('Mappings'), m);
        const top = isObject(map) ? getField(map, k1) : undefined;
        const v = isObject(top) ? getField(top, k2) : undefined;
        if (v === undefined) {
          const dflt = arg[3];
          if (isObject(dflt) && getField(dflt, 'DefaultValue') !== undefined) return this.resolve(getField(dflt, 'DefaultValue'), joinPath(joinPath(path, 3), 'DefaultValue'), depth);
          return this.problem(path, map === undefined ? `no mapping ${m} in Mappings` : `mapping ${m} has no ${k1}.${k2}`);
        }
        return this.resolve(v, joinPath(joinPath(joinPath('Mappings', m), k1), k2), depth);
      }
      case 'Fn::GetAZs':
        return new Unknown('Fn::GetAZs gives the Availability Zones of the region the stack is deployed in');
      case 'Fn::ImportValue': {
        const n = this.resolve(arg, path, depth);
        if (n instanceof Unknown) return n;
        if (typeof n !== 'string') return this.problem(path, `expected an export name, got ${describe(n)}`);
        const exp = this.exportNamed(n);
        if (exp === undefined) return new Unknown(`it is imported from export ${n}, which no given template exports (give that stack's template with another --cfn)`);
        return exp.resolver.resolve(exp.value, exp.path, depth);
      }
      case 'Fn::Base64': {
        const s = this.resolve(arg, path, depth);
        if (s instanceof Unknown || typeof s !== 'string') return s instanceof Unknown ? s : new Unknown('Fn::Base64 of a value that is not a known string');
        return Buffer.from(s, 'utf8').toString('base64');
      }
      case 'Fn::Cidr':
        return this.cidr(arg, path, depth);
      case 'Fn::Length': {
        const l = this.resolve(arg, path, depth);
        if (l instanceof Unknown) return l;
        if (!Array.isArray(l)) return this.problem(path, `expected a list, got ${describe(l)}`);
        return l.length;
      }
      case 'Fn::ToJsonString':
      case 'Fn::Transform':
        return new Unknown(`${name} is evaluated by CloudFormation at deployment`);
      default:
        return this.problem(path, `unknown intrinsic function ${name}`);
    }
  }

  /** The value of a parameter: its Default, typed. */
  parameter(name: string, path: string): unknown {
    const p = getField(this.section('Parameters'), name);
    if (!isObject(p)) return undefined;
    const type = String(getField(p, 'Type') ?? 'String');
    if (type.startsWith('AWS::SSM::Parameter::Value')) return new Unknown(`parameter ${name} is read from SSM Parameter Store at deployment`);
    const d = getField(p, 'Default');
    if (d === undefined) return new Unknown(`parameter ${name} has no Default; its value is given at deployment`);
    const text = Array.isArray(d) ? d.map(String).join(',') : typeof d === 'object' ? undefined : String(d);
    if (text === undefined) return this.problem(joinPath(joinPath(joinPath('Parameters', name), 'Default'), ''), `expected a default value, got ${describe(d)}`);
    if (type === 'CommaDelimitedList' || type.startsWith('List<')) return text === '' ? [] : text.split(',').map((s) => s.trim());
    void path;
    return text;
  }

  private resource(logicalId: string): CfnResource | undefined {
    return this.template.resources.get(logicalId);
  }

  private ref(arg: unknown, path: string): unknown {
    if (typeof arg !== 'string') return this.problem(path, `expected the name of a parameter or resource, got ${describe(arg)}`);
    if (arg === 'AWS::NoValue') return NO_VALUE;
    if (PSEUDO.has(arg)) return new Unknown(`${arg} is known only when the stack is deployed`);
    const param = this.parameter(arg, path);
    if (param !== undefined) return param;
    const r = this.resource(arg);
    if (r === undefined) return this.problem(path, `Ref to ${arg}, which is neither a parameter nor a resource of the template`);
    if (r.type === 'AWS::EC2::EIP') return new Unknown(`Ref of ${arg} is the Elastic IP address, allocated at deployment`);
    return this.resourceId(r);
  }

  resourceId(r: CfnResource): ResourceId {
    return new ResourceId(r.logicalId, this.ids.get(r.logicalId) ?? r.logicalId, r.type);
  }

  private getAtt(arg: unknown, path: string, depth: number): unknown {
    let parts: unknown[];
    if (typeof arg === 'string') {
      const dot = arg.indexOf('.');
      parts = dot > 0 ? [arg.slice(0, dot), arg.slice(dot + 1)] : [arg];
    } else parts = Array.isArray(arg) ? arg : [];
    if (parts.length !== 2 || typeof parts[0] !== 'string') return this.problem(path, 'expected [logical id, attribute] or "LogicalId.Attribute"');
    const attr = this.resolve(parts[1], joinPath(path, 1), depth);
    if (attr instanceof Unknown) return attr;
    if (typeof attr !== 'string') return this.problem(joinPath(path, 1), `expected an attribute name, got ${describe(attr)}`);
    return this.attribute(parts[0], attr, path, depth);
  }

  /** `Fn::GetAtt [logicalId, attr]`. */
  attribute(logicalId: string, attr: string, path: string, depth: number): unknown {
    const r = this.resource(logicalId);
    if (r === undefined) return this.problem(path, `Fn::GetAtt of ${logicalId}, which is not a resource of the template`);
    if (ID_ATTRIBUTES[r.type]?.includes(attr)) return this.resourceId(r);
    if (r.type === 'AWS::EC2::VPC' && VPC_IMPLICIT[attr] !== undefined) {
      const vpc = this.resourceId(r);
      return new ResourceId(logicalId, `${vpc.id}.${attr}`, VPC_IMPLICIT[attr]);
    }
    const prop = PROPERTY_ATTRIBUTES[r.type]?.[attr];
    if (prop !== undefined) {
      const key = `${logicalId}.${attr}`;
      if (this.attrStack.has(key)) return this.problem(path, `${key} refers to itself`);
      let node: unknown = r.properties;
      for (const step of prop) node = isObject(node) ? getField(node, String(step)) : undefined;
      if (node === undefined) return new Unknown(`${logicalId}.${attr} is assigned at deployment (the template does not set it)`);
      this.attrStack.add(key);
      try {
        let p = joinPath(r.path, 'Properties');
        for (const step of prop) p = joinPath(p, step);
        return this.resolve(node, p, depth);
      } finally {
        this.attrStack.delete(key);
      }
    }
    return new Unknown(`${logicalId}.${attr} is known only after deployment`);
  }

  /** A condition of the Conditions section: true, false, or unknown before deployment. */
  condition(name: string, path: string): boolean | Unknown {
    const memo = this.conditionMemo.get(name);
    if (memo !== undefined) return memo;
    const def = getField(this.section('Conditions'), name);
    if (def === undefined) return this.problem(path, `no condition ${name} in Conditions`);
    if (this.conditionStack.has(name)) return this.problem(path, `condition ${name} refers to itself`);
    this.conditionStack.add(name);
    let v: unknown;
    try {
      v = this.resolve(def, joinPath('Conditions', name));
    } finally {
      this.conditionStack.delete(name);
    }
    const out = v instanceof Unknown || typeof v === 'boolean' ? v : this.problem(joinPath('Conditions', name), `expected a condition (Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition), got ${describe(v)}`);
    this.conditionMemo.set(name, out);
    return out;
  }

  private sub(arg: unknown, path: string, depth: number): unknown {
    let text: unknown;
    let vars: JsonObject = {};
    if (typeof arg === 'string') text = arg;
    else if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && isObject(arg[1])) {
      text = arg[0];
      vars = arg[1];
    } else return this.problem(path, 'expected a string, or [string, {variables}]');
    const s = text as string;
    const pieces: unknown[] = [];
    let i = 0;
    let literal = '';
    while (i < s.length) {
      const open = s.indexOf('${', i);
      if (open < 0) {
        literal += s.slice(i);
        break;
      }
      literal += s.slice(i, open);
      const close = s.indexOf('}', open);
      if (close < 0) return this.problem(path, `unclosed \${ in ${JSON.stringify(s)}`);
      const name = s.slice(open + 2, close);
      i = close + 1;
      if (name.startsWith('!')) {
        literal += `\${${name.slice(1)}}`;
        continue;
      }
      if (literal !== '') pieces.push(literal);
      literal = '';
      const trimmed = name.trim();
      let v: unknown;
      if (getField(vars, trimmed) !== undefined) v = this.resolve(getField(vars, trimmed), joinPath(joinPath(path, 1), trimmed), depth);
      else if (trimmed.includes('.') && !trimmed.startsWith('AWS::') && this.resource(trimmed.slice(0, trimmed.indexOf('.'))) !== undefined) {
        const dot = trimmed.indexOf('.');
        v = this.attribute(trimmed.slice(0, dot), trimmed.slice(dot + 1), path, depth);
      } else v = this.ref(trimmed, path);
      pieces.push(v);
    }
    if (literal !== '') pieces.push(literal);
    if (pieces.length === 1 && !(typeof pieces[0] === 'string')) return pieces[0];
    let out = '';
    for (const p of pieces) {
      if (p instanceof Unknown) return p;
      if (p instanceof ResourceId) return new Unknown(`it puts the id of ${p.logicalId} into a string, which is known only after deployment`);
      if (typeof p === 'string' || typeof p === 'number' || typeof p === 'boolean') out += String(p);
      else if (Array.isArray(p)) out += p.map(String).join(',');
      else return this.problem(path, `a \${} of Fn::Sub gives ${describe(p)}, not a string`);
    }
    return out;
  }

  private cidr(arg: unknown, path: string, depth: number): unknown {
    if (!Array.isArray(arg) || arg.length !== 3) return this.problem(path, 'expected [ipBlock, count, cidrBits]');
    const [block, count, bits] = arg.map((x, i) => this.resolve(x, joinPath(path, i), depth));
    for (const v of [block, count, bits]) if (v instanceof Unknown) return v;
    const c = typeof block === 'string' ? parseCidr(block.trim()) : null;
    if (c === null) return this.problem(joinPath(path, 0), `expected a CIDR block, got ${describe(block)}`);
    const n = Number(count);
    const b = Number(bits);
    const width = c.family === 4 ? 32 : 128;
    if (!Number.isInteger(n) || n < 1 || n > 256) return this.problem(joinPath(path, 1), `expected a count from 1 to 256, got ${describe(count)}`);
    if (!Number.isInteger(b) || b < 1 || width - b < c.prefix) return this.problem(joinPath(path, 2), `expected cidrBits from 1 to ${width - c.prefix} for ${c.text}, got ${describe(bits)}`);
    const prefix = width - b;
    const room = BigInt(prefix - c.prefix);
    if (room < 63n && BigInt(n) > 1n << room) return this.problem(joinPath(path, 1), `${c.text} holds only ${2 ** Number(room)} blocks of /${prefix}, not ${n}`);
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      if (c.family === 4) out.push(`${formatIpv4((c.network + i * 2 ** b) >>> 0)}/${prefix}`);
      else out.push(`${formatIpv6(c.network + (BigInt(i) << BigInt(b)))}/${prefix}`);
    }
    return out;
  }
}

function scalarText(v: unknown): unknown {
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
}
