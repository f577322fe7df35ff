/**
 * `target.push(...items)` for arrays of any length. A spread passes every item as an argument, and past
 * about 120,000 of them V8 throws `Maximum call stack size exceeded`: a describe-* file of that many
 * interfaces, or as many problems in a garbage one, would fail to load.
 */
export function pushAll<T>(target: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) target.push(items[i]!);
}
