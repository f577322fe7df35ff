/** Small integer hashes shared by the hot paths (the reverse-flow index, the classifiers, the explainer's lookups). */

/** MurmurHash3's 32-bit finalizer: every input bit reaches every output bit (a bijection, so no collisions of its own). */
export function fmix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** FNV-1a over the characters `t[start, end)`, as a 32-bit signed integer. */
export function fnv1a(t: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ t.charCodeAt(i), 16777619);
  return h;
}
