/**
 * Seeded random streams. Each stream is named (`Rng.make(seed, "init-sampling")`), its state derived by
 * hashing the seed with the name, so that adding or swapping one stochastic component never shifts the
 * numbers another one sees. The generator is sfc32: small, fast, and statistically sound for this use.
 */
import { createHash } from "node:crypto"

export interface Rng {
  /** Uniform in [0, 1) with 32 bits of resolution. */
  readonly next: () => number
  /** Uniform integer in [0, n). */
  readonly int: (n: number) => number
  /** Standard normal (Box–Muller). */
  readonly normal: () => number
}

export const make = (seed: number, ...stream: ReadonlyArray<string>): Rng => {
  const digest = createHash("sha256").update(JSON.stringify([seed, ...stream])).digest()
  let a = digest.readUInt32LE(0), b = digest.readUInt32LE(4), c = digest.readUInt32LE(8), d = digest.readUInt32LE(12)
  const u32 = () => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  for (let i = 0; i < 12; i++) u32()
  const next = () => u32() / 4294967296
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      const u = 1 - next()
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next())
    }
  }
}
