/**
 * Service ports: the port heuristic of attribution (ref 8.5) reads a flow to one as probably a request.
 */
export const SERVICE_PORTS: ReadonlySet<number> = new Set([20, 21, 22, 23, 25, 53, 80, 88, 110, 111, 123, 135, 137, 138, 139, 143, 161, 389, 443, 445, 465, 514, 587, 636, 993, 995, 1433, 1521, 2049, 2379, 3306, 3389, 5432, 5439, 5671, 5672, 5900, 5984, 6379, 6443, 7000, 7001, 8080, 8443, 9042, 9092, 9200, 9300, 11211, 27017]);

/** Ports below 1024 and well-known service ports above it: a flow to one is probably a request. */
export function isServicePort(p: number): boolean {
  return p < 1024 || SERVICE_PORTS.has(p);
}
