/**
 * DescribeFlowLogs: `{"FlowLogs": [...]}` → FlowLogDefinition[]. The LogFormat tells how to read the
 * records of a CloudWatch Logs group, which carry no header line.
 */
import type { FlowLogDefinition } from '../../model/snapshot.js';
import { type DecodeContext, compact, objectElements, optionalString, requireString, toDecoder } from './common.js';

export function readFlowLogs(ctx: DecodeContext, value: unknown, path: string): FlowLogDefinition[] {
  const out: FlowLogDefinition[] = [];
  for (const [fl, p] of objectElements(ctx, value, path, 'a flow log')) {
    const id = requireString(ctx, fl, 'FlowLogId', p);
    const fields = compact({
      resourceId: optionalString(ctx, fl, 'ResourceId', p),
      logFormat: optionalString(ctx, fl, 'LogFormat', p),
      logGroupName: optionalString(ctx, fl, 'LogGroupName', p),
      logDestination: optionalString(ctx, fl, 'LogDestination', p),
      destinationType: optionalString(ctx, fl, 'LogDestinationType', p),
      trafficType: optionalString(ctx, fl, 'TrafficType', p),
    });
    if (id === undefined) continue;
    out.push({ id, ...fields, source: ctx.source(p) });
  }
  return out;
}

export const decodeFlowLogs = toDecoder(readFlowLogs, 'FlowLogs');
