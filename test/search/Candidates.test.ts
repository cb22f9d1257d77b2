import { describe, expect, it } from "vitest"
import * as Rng from "../../src/core/Rng.ts"
import * as Candidates from "../../src/search/Candidates.ts"
import { presets } from "../../src/search/Presets.ts"
import { nb201 as Nb201 } from "../../src/spaces/nb201/Nb201.ts"
import type { Arch } from "../../schemas/Nb201.ts"

const distance = (a: Arch, b: Arch) => a.filter((op, i) => op !== b[i]).length

const history = (n: number) => {
  const rng = Rng.make(5, "history")
  const archs = Array.from({ length: n }, () => Nb201.sample(rng))
  return { archs, values: archs.map((_, i) => (i * 37) % 11) }
}

describe("candidate generation (docs/search.md)", () => {
  it("naslib-default: 2 parents × 50 = 100 candidates; cole-paper: 16 parents × ⌊100/16/3⌋ = 2 → 32", () => {
    const { archs, values } = history(30)
    expect(Candidates.generate(Nb201, presets["naslib-default"].candidates, archs, values, Rng.make(0, "c"))).toHaveLength(100)
    expect(Candidates.generate(Nb201, presets["cole-paper"].candidates, archs, values, Rng.make(0, "c"))).toHaveLength(32)
    expect(Candidates.perParent({ kind: "mutation", parents: 16, mutations: 3, candidates: 100, mode: "star" }, 20)).toBe(2)
  })

  it("parents: the best by a stable sort (earlier evaluation first on ties)", () => {
    expect(Candidates.parents([3, 7, 7, 1, 9], 3)).toEqual([4, 1, 2])
  })

  it("chain: candidate j within min(j·m, 6) edits of its parent and within m of candidate j − 1; star: within m of the parent", () => {
    const { archs, values } = history(20)
    for (const m of [1, 3]) {
      const chain = Candidates.generate(Nb201, { kind: "mutation", parents: 2, mutations: m, candidates: 20 * m, mode: "naslib-chain" }, archs, values, Rng.make(m, "chain"))
      const star = Candidates.generate(Nb201, { kind: "mutation", parents: 2, mutations: m, candidates: 20 * m, mode: "star" }, archs, values, Rng.make(m, "star"))
      const [p0, p1] = Candidates.parents(values, 2).map((i) => archs[i]!)
      chain.forEach((c, i) => {
        const parent = i < 10 ? p0! : p1!
        const j = (i % 10) + 1
        expect(distance(c, parent)).toBeLessThanOrEqual(Math.min(j * m, 6))
        const previous = j === 1 ? parent : chain[i - 1]!
        if (m === 1) expect(distance(c, previous)).toBe(1)
        else expect(distance(c, previous)).toBeLessThanOrEqual(m)
      })
      star.forEach((c, i) => {
        const d = distance(c, i < 10 ? p0! : p1!)
        if (m === 1) expect(d).toBe(1)
        else expect(d).toBeLessThanOrEqual(m)
      })
      // A chain walks away from its parent; a star stays near it.
      if (m === 1) expect(Math.max(...chain.slice(0, 10).map((c) => distance(c, p0!)))).toBeGreaterThan(1)
    }
  })

  it("random candidates are valid samples (the space's sampling rule)", () => {
    const out = Candidates.generate(Nb201, { kind: "random", candidates: 500 }, [], [], Rng.make(0, "r"))
    expect(out).toHaveLength(500)
    expect(out.every((a) => !(a[0] === 1 && a[1] === 1 && a[2] === 1) && !(a[2] === 1 && a[4] === 1 && a[5] === 1))).toBe(true)
  })
})
