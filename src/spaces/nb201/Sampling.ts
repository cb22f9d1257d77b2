/**
 * Enumeration, the integer id, NASLib's random valid sampling rule and single-edge mutation
 * (docs/search.md).
 */
import type { Arch } from "../../../schemas/Nb201.ts"
import type { Rng } from "../../core/Rng.ts"
import { NONE } from "./Ops.ts"

/** id = o0 + 5·o1 + 25·o2 + 125·o3 + 625·o4 + 3125·o5 (not NB201's official index). */
export const id = (arch: Arch): number => arch.reduceRight((acc, op) => acc * 5 + op, 0)

export const fromId = (n: number): Arch => {
  const ops = new Array<number>(6)
  for (let p = 0; p < 6; p++) {
    ops[p] = n % 5
    n = Math.floor(n / 5)
  }
  return ops as unknown as Arch
}

/** All 15,625 architectures, in id order. */
export const enumerate = (): ReadonlyArray<Arch> => Array.from({ length: 15_625 }, (_, n) => fromId(n))

/**
 * The sampling rule: reject when all three edges leaving the input (positions 0, 1, 2) or all three
 * entering the output (positions 2, 4, 5) are `none`. 15,380 architectures pass.
 */
export const isSampleable = (arch: Arch): boolean =>
  !(arch[0] === NONE && arch[1] === NONE && arch[2] === NONE) && !(arch[2] === NONE && arch[4] === NONE && arch[5] === NONE)

/** A uniformly random architecture among those the rule accepts: redraw all six ops on rejection. */
export const sample = (rng: Rng): Arch => {
  while (true) {
    const arch = Array.from({ length: 6 }, () => rng.int(5)) as unknown as Arch
    if (isSampleable(arch)) return arch
  }
}

/** One position chosen uniformly, its op replaced by one of the 4 others uniformly. */
export const mutate = (arch: Arch, rng: Rng): Arch => {
  const position = rng.int(6)
  const offset = 1 + rng.int(4)
  const child = [...arch]
  child[position] = (arch[position]! + offset) % 5
  return child as unknown as Arch
}

/** The 24 architectures at Hamming distance 1, by position then op. */
export const neighbours = (arch: Arch): Array<Arch> => {
  const out: Array<Arch> = []
  for (let p = 0; p < 6; p++) {
    for (let op = 0; op < 5; op++) {
      if (op === arch[p]) continue
      const child = [...arch]
      child[p] = op
      out.push(child as unknown as Arch)
    }
  }
  return out
}
