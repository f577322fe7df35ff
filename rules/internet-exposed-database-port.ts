/**
 * An interface whose database or data-store ports (MySQL, PostgreSQL, SQL Server, Oracle, Redis,
 * Memcached, MongoDB, Elasticsearch/OpenSearch, Kibana, Cassandra, CouchDB, InfluxDB, Neo4j) the internet
 * reaches over the whole path, responses included (reach).
 */
import { EXPOSURE_OPTIONS, checkExposedPorts, defineRule } from '../src/audit/rule-api.js';

/** tcp and udp destination ports. */
export const DATABASE_PORTS = [
  { lo: 1433, hi: 1434 }, // SQL Server
  { lo: 1521, hi: 1521 }, // Oracle
  { lo: 3306, hi: 3306 }, // MySQL / MariaDB / Aurora
  { lo: 5432, hi: 5432 }, // PostgreSQL
  { lo: 5601, hi: 5601 }, // Kibana / OpenSearch Dashboards
  { lo: 5984, hi: 5984 }, // CouchDB
  { lo: 6379, hi: 6380 }, // Redis
  { lo: 7474, hi: 7474 }, // Neo4j
  { lo: 8086, hi: 8086 }, // InfluxDB
  { lo: 9042, hi: 9042 }, // Cassandra
  { lo: 9200, hi: 9200 }, // Elasticsearch / OpenSearch
  { lo: 9300, hi: 9300 }, // Elasticsearch transport
  { lo: 11211, hi: 11211 }, // Memcached
  { lo: 27017, hi: 27019 }, // MongoDB
] as const;

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
