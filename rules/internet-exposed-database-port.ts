/**
 * An interface whose database or data-store ports (MySQL, PostgreSQL, SQL Server, Oracle, Redis,
 * Memcached, MongoDB, Elasticsearch/OpenSearch, Kibana, Cassandra, CouchDB, InfluxDB, Neo4j) the internet
 * reaches over the whole path, responses included (reach).
 */
import { DATABASE_PORTS, EXPOSURE_OPTIONS, checkExposedPorts, defineRule } from '../src/audit/rule-api.js';

export default defineRule({
  meta: {
    id: 'internet-exposed-database-port',
    title: 'Database port reachable from the internet',
    severity: 'high',
    rationale:
      'Data stores reachable from the internet leak or lose data to scans, default credentials and known exploits. The finding is exact: the listed sources really connect over the whole path and get their responses.',
    reference: 'ref 4.1, 5.1, 8.12; https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-best-practices.html',
    options: EXPOSURE_OPTIONS,
  },
  check(ctx) {
    checkExposedPorts(ctx, 'database port', DATABASE_PORTS);
  },
});
