import { describe, expect, it } from 'vitest';
import { decodeNetworkInterfaces } from '../../src/aws/decode/network-interfaces.js';
import { formatIp } from '../../src/net/ip.js';
import { awsCliSection, expectDecoded, expectProblems } from './support.js';

const FILE = 'eni.json';

describe('decodeNetworkInterfaces (DescribeNetworkInterfaces, ref 6.3)', () => {
  it('decodes the AWS CLI example 1: EIP and public IP associations, SGs and the instance attachment', () => {
    const { value, warnings } = expectDecoded(
      decodeNetworkInterfaces(awsCliSection('describe-network-interfaces.example1.json', 'NetworkInterfaces'), FILE),
    );
    expect(value).toHaveLength(2);
    const [a, b] = value;
    expect(a).toMatchObject({
      id: 'eni-e5aa89a3',
      subnetId: 'subnet-b61f49f0',
      vpcId: 'vpc-a01106c2',
      description: 'my network interface',
      interfaceType: 'interface',
      requesterManaged: false,
      sourceDestCheck: true,
      instanceId: 'i-1234567890abcdef0',
      groupIds: ['sg-8637d3e3'],
    });
    expect(a?.privateIps.map(formatIp)).toEqual(['10.0.1.17']);
    expect(a?.primaryPrivateIp && formatIp(a.primaryPrivateIp)).toBe('10.0.1.17');
    // The same EIP appears in PrivateIpAddresses[0].Association and the top-level Association: one mapping.
    expect(a?.publicIps.map((p) => [formatIp(p.publicIp), formatIp(p.privateIp)])).toEqual([['203.0.113.12', '10.0.1.17']]);
    expect(b?.publicIps.map((p) => [formatIp(p.publicIp), formatIp(p.privateIp)])).toEqual([['198.51.100.0', '10.0.1.149']]);
    expect(a?.name).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('keeps the primary private IP first, then the secondaries (example 2)', () => {
    const { value: [eni] } = expectDecoded(
      decodeNetworkInterfaces(awsCliSection('describe-network-interfaces.example2.json', 'NetworkInterfaces'), FILE),
    );
    expect(eni?.privateIps.map(formatIp)).toEqual(['10.0.1.55', '10.0.1.117']);
    expect(eni?.publicIps).toEqual([]);
    expect(eni?.groupIds).toEqual(['sg-905002f5']);
  });

  it('reads the Name tag from TagSet, not Tags (ref 6.3)', () => {
    const eni = {
      NetworkInterfaceId: 'eni-1',
      SubnetId: 'subnet-1',
      VpcId: 'vpc-1',
      PrivateIpAddress: '10.0.0.5',
      TagSet: [{ Key: 'Purpose', Value: 'x' }, { Key: 'Name', Value: 'web-eni' }],
    };
    const { value: [d] } = expectDecoded(decodeNetworkInterfaces([eni], FILE));
    expect(d?.name).toBe('web-eni');
  });

  it('reads IPv6 addresses, delegated prefixes, secondary public IPs and service ENIs (ref 6.3, 8.11)', () => {
    const eni = {
      NetworkInterfaceId: 'eni-2',
      SubnetId: 'subnet-1',
      VpcId: 'vpc-1',
      InterfaceType: 'nat_gateway',
      RequesterManaged: true,
      SourceDestCheck: false,
      PrivateIpAddress: '10.0.0.10',
      PrivateIpAddresses: [
        { PrivateIpAddress: '10.0.0.10', Primary: true },
        { PrivateIpAddress: '10.0.0.11', Primary: false, Association: { PublicIp: '198.51.100.7' } },
      ],
      Ipv6Addresses: [{ Ipv6Address: '2001:db8::10' }, { Ipv6Address: '2001:db8::11', IsPrimaryIpv6: true }],
      Ipv4Prefixes: [{ Ipv4Prefix: '10.0.0.32/28' }],
      Ipv6Prefixes: [{ Ipv6Prefix: '2001:db8:0:0:1::/80' }],
      Groups: [],
    };
    const { value: [d], warnings } = expectDecoded(decodeNetworkInterfaces([eni], FILE));
    expect(d).toMatchObject({ interfaceType: 'nat_gateway', requesterManaged: true, sourceDestCheck: false, groupIds: [] });
    expect(d?.privateIps.map(formatIp)).toEqual(['10.0.0.10', '10.0.0.11']);
    expect(d?.publicIps.map((p) => [formatIp(p.publicIp), formatIp(p.privateIp)])).toEqual([['198.51.100.7', '10.0.0.11']]);
    expect(d?.ipv6Addresses.map(formatIp)).toEqual(['2001:db8::10', '2001:db8::11']);
    expect(d?.ipv4Prefixes.map((c) => c.text)).toEqual(['10.0.0.32/28']);
    expect(d?.ipv6Prefixes.map((c) => c.text)).toEqual(['2001:db8:0:0:1::/80']);
    expect(warnings).toEqual([]);
  });

  it('requires NetworkInterfaceId, SubnetId and VpcId', () => {
    expect(expectProblems(decodeNetworkInterfaces([{ Groups: [{}] }], FILE)).map((p) => `${p.path}: ${p.message}`)).toEqual([
      'NetworkInterfaces[0].NetworkInterfaceId: expected a string, but the field is missing',
      'NetworkInterfaces[0].SubnetId: expected a string, but the field is missing',
      'NetworkInterfaces[0].VpcId: expected a string, but the field is missing',
      'NetworkInterfaces[0].Groups[0].GroupId: expected a string, but the field is missing',
    ]);
  });
});
