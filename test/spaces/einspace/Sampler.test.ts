/** Sampling and mutation: the test vectors of docs/einspace.md (sampling, mutation). */
import { describe, expect, it } from "vitest"
import { Result } from "effect"
import { defaultOptions, type Options } from "../../../schemas/Einspace.ts"
import * as Rng from "../../../src/core/Rng.ts"
import { einspace, parse } from "../../../src/spaces/einspace/Einspace.ts"
import { operations } from "../../../src/spaces/einspace/Grammar.ts"
import { mutate, mutateDetailed, sample, SamplingFailed } from "../../../src/spaces/einspace/Sampler.ts"
import { withinCap } from "../../../src/spaces/einspace/Shapes.ts"
import { formatLong, formatShort } from "../../../src/spaces/einspace/Strings.ts"
import { infer, type Node, preOrder } from "../../../src/spaces/einspace/Tree.ts"
import { examples } from "./examples.ts"

const ok = (text: string): Node => {
  const r = parse(text)
  if (Result.isFailure(r)) throw r.failure
  return r.success
}

/** Every guarantee a sampled tree has (docs/einspace.md), for one tree. */
const checkTree = (t: Node) => {
  expect(infer(t, defaultOptions)).toEqual(t)
  expect(ok(formatLong(t))).toEqual(t)
  expect(ok(formatShort(t))).toEqual(t)
  for (const n of preOrder(t)) {
    expect(n.depth).toBeLessThanOrEqual(21)
    if (n.level === "module" && n.depth >= 20) expect(n.op).toBe("computation")
    expect(withinCap(operations.get(n.op)!, n.in, defaultOptions.maxTensorElements)).toBe(true)
  }
  expect(t.op).not.toBe("computation")
}

/** An rng that returns the listed numbers, then fails the test if asked for more. */
const scripted = (values: ReadonlyArray<number>): Rng.Rng & { readonly used: () => number } => {
  let i = 0
  const next = () => {
    if (i >= values.length) throw new Error(`scripted rng exhausted after ${values.length} numbers`)
    return values[i++]!
  }
  return { next, int: (n) => Math.floor(next() * n), normal: () => 0, used: () => i }
}

/** Counts the numbers drawn from an rng. */
const counting = (rng: Rng.Rng) => {
  let calls = 0
  return { rng: { ...rng, next: () => (calls++, rng.next()) }, calls: () => calls }
}

describe("einspace sampling", () => {
  it("gives 1,000 valid trees from a fixed seed: strict inference, limits, caps, both round trips", () => {
    const rng = Rng.make(7, "einspace-test")
    for (let i = 0; i < 1000; i++) checkTree(sample(rng, defaultOptions))
  }, 60_000)

  it("is deterministic for a seed and differs between seeds", () => {
    const run = (seed: number) => {
      const rng = Rng.make(seed, "einspace-test")
      return Array.from({ length: 20 }, () => formatLong(sample(rng, defaultOptions)))
    }
    expect(run(1)).toEqual(run(1))
    expect(run(2)).not.toEqual(run(1))
  })

  it("with maxDraws 2 fails after exactly maxAttempts attempts, two numbers each", () => {
    const options: Options = { ...defaultOptions, maxDraws: 2, maxAttempts: 7 }
    const { calls, rng } = counting(Rng.make(0, "budget"))
    expect(() => sample(rng, options)).toThrow(SamplingFailed)
    expect(calls()).toBe(14)
  })

  it("matches the measured root frequencies and tree sizes over 10,000 samples (±0.02)", () => {
    const rng = Rng.make(3, "einspace-statistics")
    const n = 10_000
    const roots = new Map<string, number>()
    const sizes: Array<number> = []
    for (let i = 0; i < n; i++) {
      const t = sample(rng, defaultOptions)
      roots.set(t.op, (roots.get(t.op) ?? 0) + 1)
      sizes.push(preOrder(t).length)
    }
    const expected = { routing: 0.386, sequential: 0.312, "branching(8)": 0.121, "branching(4)": 0.118, "branching(2)": 0.063 }
    for (const [op, p] of Object.entries(expected)) expect(Math.abs((roots.get(op) ?? 0) / n - p), op).toBeLessThanOrEqual(0.02)
    sizes.sort((a, b) => a - b)
    expect(Math.abs(sizes[n / 2]! - 11)).toBeLessThanOrEqual(1)
  }, 120_000)

  it("honours an accept predicate (a rejected tree is a failed attempt)", () => {
    const rng = Rng.make(5, "accept")
    for (let i = 0; i < 50; i++) expect(sample(rng, defaultOptions, (t) => t.op === "routing").op).toBe("routing")
  })
})

describe("einspace mutation", () => {
  it("keeps every result valid; a replaced terminal always changes its op", () => {
    const rng = Rng.make(11, "mutation")
    const parents = [...examples.map((e) => ok(e.short)), ...Array.from({ length: 200 }, () => sample(rng, defaultOptions))]
    let fallbacks = 0
    for (const parent of parents) {
      let current = parent
      for (let step = 0; step < 5; step++) {
        const m = mutateDetailed(current, rng, defaultOptions)
        checkTree(m.tree)
        if (m.fallback) fallbacks++
        else {
          const before = preOrder(current)[m.replaced!]!
          const path: Array<number> = []
          const locate = (node: Node, target: Node): boolean => {
            if (node === target) return true
            return node.children.some((c, i) => (path.push(i), locate(c, target) || (path.pop(), false)))
          }
          locate(current, before)
          const after = path.reduce<Node>((n, i) => n.children[i]!, m.tree)
          if (before.children.length === 0) expect(after.op).not.toBe(before.op)
          expect(after.level).toBe(before.level)
        }
        current = m.tree
      }
    }
    expect(fallbacks).toBeLessThan(5)
  }, 60_000)

  it("of 1,000 sampled architectures, through the space, are valid and differ from their parent", () => {
    const rng = Rng.make(12, "mutation-space")
    for (let i = 0; i < 1000; i++) {
      const parent = einspace.sample(rng)
      const child = einspace.mutate(parent, rng) as Node
      expect(formatShort(child)).not.toBe(formatShort(parent))
      expect(infer(child, defaultOptions)).toEqual(child)
    }
  }, 60_000)

  it("is deterministic for a seed; with mutationAttempts 0 it is exactly a fresh sample", () => {
    const parent = ok(examples[0]!.short)
    const run = () => {
      const rng = Rng.make(4, "mutation")
      return Array.from({ length: 20 }, () => formatLong(mutate(parent, rng, defaultOptions)))
    }
    expect(run()).toEqual(run())
    const a = mutate(parent, Rng.make(9, "x"), { ...defaultOptions, mutationAttempts: 0 })
    const b = sample(Rng.make(9, "x"), defaultOptions)
    expect(a).toEqual(b)
  })

  it("follows the scripted vectors on Example 1 (docs/einspace.md)", () => {
    const parent = ok(examples[0]!.short)
    const addFour = scripted([0.95, 0.1])
    const a = mutate(parent, addFour, defaultOptions)
    expect(addFour.used()).toBe(2)
    expect(formatShort(a)).toBe("branching(4){clone(4), sequential(routing[im2col(3,2,1), computation<linear(32)>, identity], computation<linear(16)>), add(4)}")
    expect(formatLong(a).endsWith("add(4){'out_feature_shape': [256, 16]}]")).toBe(true)
    expect(formatLong(mutate(parent, scripted([0.95, 0.9]), defaultOptions)).endsWith("cat(4,2){'out_feature_shape': [256, 64]}]")).toBe(true)
    expect(formatLong(mutate(parent, scripted([0.6, 0.0]), defaultOptions))).toBe(
      "branching(4)[clone(4){'out_feature_shape': [3, 32, 32]}, sequential[routing[im2col(3,2,1){'out_feature_shape': [256, 27]}, computation[identity{'out_feature_shape': [256, 27]}], identity{'out_feature_shape': [256, 27]}], computation[linear(16){'out_feature_shape': [256, 16]}]], cat(4,1){'out_feature_shape': [1024, 16]}]"
    )
  })

  it("refuses an invalid parent with its error", () => {
    const invalid = { op: "sequential", children: [{ op: "computation", children: [{ op: "relu", children: [] }] }] }
    expect(() => mutate(invalid, Rng.make(0, "x"), defaultOptions)).toThrow(/einspace ChildCount at \/: sequential takes 2 children, found 1/)
  })
})
