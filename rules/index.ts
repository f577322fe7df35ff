/**
 * The rule catalogue, listed explicitly (no directory scanning): one import per file of rules/, in the
 * order `vpcwhy audit` runs and lists them. test/rules/meta.test.ts checks that every file is listed,
 * that ids equal file names and that each rule has its doc in rules/docs/<id>.md.
 */
import type { Rule } from '../src/audit/rule-api.js';
import blackholeRoute from './blackhole-route.js';
import defaultSecurityGroupHasRules from './default-security-group-has-rules.js';
import intent from './intent.js';
import internetExposedAdminPort from './internet-exposed-admin-port.js';
import internetExposedAllPorts from './internet-exposed-all-ports.js';
import internetExposedDatabasePort from './internet-exposed-database-port.js';
import naclDuplicateRuleNumber from './nacl-duplicate-rule-number.js';
import naclMissingReturnPath from './nacl-missing-return-path.js';
import naclShadowedEntry from './nacl-shadowed-entry.js';
import naclAdminPortOpenToInternet from './nacl-admin-port-open-to-internet.js';
import naclAllPortsOpenToInternet from './nacl-all-ports-open-to-internet.js';
import sgAdminPortOpenToInternet from './sg-admin-port-open-to-internet.js';
import sgAllPortsOpenToInternet from './sg-all-ports-open-to-internet.js';
import sgDatabasePortOpenToInternet from './sg-database-port-open-to-internet.js';
import defaultSecurityGroupInUse from './default-security-group-in-use.js';
import sgEgressOpenToInternet from './sg-egress-open-to-internet.js';
import sgOverlyWideCidr from './sg-overly-wide-cidr.js';
import sgRuleWithoutDescription from './sg-rule-without-description.js';
import quotaNear from './quota-near.js';
import sgRedundantRule from './sg-redundant-rule.js';
import unusedNetworkAcl from './unused-network-acl.js';
import unusedSecurityGroup from './unused-security-group.js';

export const RULES: readonly Rule[] = [
  // Exposure, judged on whole-path reachability (src/audit/reach.ts)
  internetExposedAllPorts,
  internetExposedAdminPort,
  internetExposedDatabasePort,
  // Exposure rule by rule, effective or latent (src/audit/rule-exposure.ts)
  sgAllPortsOpenToInternet,
  sgAdminPortOpenToInternet,
  sgDatabasePortOpenToInternet,
  naclAllPortsOpenToInternet,
  naclAdminPortOpenToInternet,
  // Network ACLs
  naclShadowedEntry,
  naclDuplicateRuleNumber,
  naclMissingReturnPath,
  unusedNetworkAcl,
  // Security groups
  sgRedundantRule,
  defaultSecurityGroupHasRules,
  defaultSecurityGroupInUse,
  unusedSecurityGroup,
  sgOverlyWideCidr,
  sgEgressOpenToInternet,
  sgRuleWithoutDescription,
  // Routes
  blackholeRoute,
  // Quotas
  quotaNear,
  // Intents (vpcwhy audit --intents FILE; nothing without one)
  intent,
];

export {
  defaultSecurityGroupInUse,
  sgEgressOpenToInternet,
  sgOverlyWideCidr,
  sgRuleWithoutDescription,
  naclAdminPortOpenToInternet,
  naclAllPortsOpenToInternet,
  sgAdminPortOpenToInternet,
  sgAllPortsOpenToInternet,
  sgDatabasePortOpenToInternet,
  blackholeRoute,
  defaultSecurityGroupHasRules,
  intent,
  internetExposedAdminPort,
  internetExposedAllPorts,
  internetExposedDatabasePort,
  naclDuplicateRuleNumber,
  naclMissingReturnPath,
  naclShadowedEntry,
  quotaNear,
  sgRedundantRule,
  unusedNetworkAcl,
  unusedSecurityGroup,
};
