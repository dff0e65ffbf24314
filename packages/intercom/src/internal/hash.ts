/**
 * FNV-1a 64-bit over the UTF-8 bytes of a string, with 16-bit limbs (no BigInt): deterministic ids for tags
 * and, optionally, for Intercom ids that are not decimal Drift ids.
 *
 * @internal
 */

const encoder = new TextEncoder()

/** The four 16-bit limbs (least significant first) of FNV-1a 64 of `s`'s UTF-8 bytes. */
const fnv1a64Limbs = (s: string): readonly [number, number, number, number] => {
  const bytes = encoder.encode(s)
  // offset basis 0xcbf29ce484222325
  let h0 = 0x2325
  let h1 = 0x8422
  let h2 = 0x9ce4
  let h3 = 0xcbf2
  for (let i = 0; i < bytes.length; i++) {
    h0 ^= bytes[i]!
    // multiply by the prime 0x100000001b3 = 2^40 + 0x1b3 (limbs: 0x1b3, 0, 0x100, 0)
    const t0 = h0 * 0x1b3
    const t1 = h1 * 0x1b3 + (t0 >>> 16)
    const t2 = h2 * 0x1b3 + h0 * 0x100 + (t1 >>> 16)
    const t3 = h3 * 0x1b3 + h1 * 0x100 + (t2 >>> 16)
    h0 = t0 & 0xffff
    h1 = t1 & 0xffff
    h2 = t2 & 0xffff
    h3 = t3 & 0xffff
  }
  return [h0, h1, h2, h3]
}

const hex4 = (n: number): string => n.toString(16).padStart(4, "0")

/** FNV-1a 64 of `s` as 16 lowercase hex digits. */
export const fnv1a64Hex = (s: string): string => {
  const [h0, h1, h2, h3] = fnv1a64Limbs(s)
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0)
}

/** The low 53 bits of FNV-1a 64 of `s`: a non-negative safe integer. */
export const fnv1a53 = (s: string): number => {
  const [h0, h1, h2, h3] = fnv1a64Limbs(s)
  return (h3 & 0x1f) * 2 ** 48 + h2 * 2 ** 32 + h1 * 2 ** 16 + h0
}
