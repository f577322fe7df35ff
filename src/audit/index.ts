/**
 * `vpcwhy/audit`: the exact packet-space analysis (issue 15) as a library: the packet-set algebra, what
 * NACLs and security groups admit, and (with reach) what a whole path admits. The rules of rules/ are
 * exported from here too when they land.
 */
export * from '../net/packet-set.js';
export * from './admit.js';
export * from './reach.js';
