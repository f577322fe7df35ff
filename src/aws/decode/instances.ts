/**
 * DescribeInstances: `{"Reservations": [{"Instances": [...]}]}`, or a bare `{"Instances": [...]}`
 * (describe-classic-link-instances, SDK dumps) → Instance[] (id, Name tag, ENI ids), used to name ENIs.
 */
import type { Instance } from '../../model/snapshot.js';
import {
  type DecodeContext,
  compact,
  getField,
  joinPath,
  nameTag,
  objectElements,
  objectField,
  requireString,
  toDecoder,
  unique,
} from './common.js';
import { pushAll } from '../../arrays.js';

export function readInstances(ctx: DecodeContext, value: unknown, path: string): Instance[] {
  const out: Instance[] = [];
  for (const [inst, p] of objectElements(ctx, value, path, 'an instance')) {
    const id = requireString(ctx, inst, 'InstanceId', p);
    const name = nameTag(ctx, inst, p);
    const eniIds: string[] = [];
    for (const [ni, np] of objectField(ctx, inst, 'NetworkInterfaces', p, 'a network interface')) {
      const eniId = requireString(ctx, ni, 'NetworkInterfaceId', np);
      if (eniId !== undefined) eniIds.push(eniId);
    }
    if (id === undefined) continue;
    out.push({ id, ...compact({ name }), eniIds: unique(eniIds), source: ctx.source(p) });
  }
  return out;
}

export function readReservations(ctx: DecodeContext, value: unknown, path: string): Instance[] {
  const out: Instance[] = [];
  for (const [reservation, p] of objectElements(ctx, value, path, 'a reservation')) {
    pushAll(out, readInstances(ctx, getField(reservation, 'Instances'), joinPath(p, 'Instances')));
  }
  return out;
}

export const decodeInstances = toDecoder(readInstances, 'Instances');
export const decodeReservations = toDecoder(readReservations, 'Reservations');
