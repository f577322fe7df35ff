/**
 * `vpcwhy/testing`: for users' own property tests (issue 16). fast-check arbitraries of valid model values
 * (snapshots, security groups, NACLs, routes, flows), and helpers over a real snapshot: reachableFrom,
 * assertNeverReachable, admits, returnPathProblems. fast-check is a peer dependency: bring your own.
 */
export * from './arbitraries.js';
export * from './helpers.js';
export type { PacketSpec, PortSpec, ProtocolSpec, SourceSpec } from './inputs.js';
export { indexSnapshot, type SnapshotIndex } from '../engine/snapshot-index.js';
export { tracePath, resolveEndpoint, type PathResult } from '../engine/path.js';
export type { ReachResult, ReachRow, AllowedBy } from '../audit/reach.js';
export type * from '../model/snapshot.js';
export type * from '../model/flow.js';
export type * from '../model/address.js';
