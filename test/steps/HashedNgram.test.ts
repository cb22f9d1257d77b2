import { describe, expect, it } from "vitest"
import { embedCorpus, fnv1a, tokenize } from "../../src/steps/HashedNgram.ts"

const slotAndSign = (gram: string, dims: number) => {
  const h = fnv1a(gram)
  return { slot: (h & 0x7fffffff) % dims, sign: h >>> 31 === 1 ? -1 : 1 }
}

describe("hashed n-gram featurizer", () => {
  it("hashes with 32-bit FNV-1a (reference vectors) and tokenizes code into identifiers, numbers, symbols", () => {
    expect(fnv1a("")).toBe(0x811c9dc5)
    expect(fnv1a("a")).toBe(0xe40c292c)
    expect(fnv1a("foobar")).toBe(0xbf9cf968)
    expect(tokenize("self.op_0_1 = nn.Conv2d(channels, kernel_size=3)")).toEqual(
      ["self", ".", "op_0_1", "=", "nn", ".", "Conv2d", "(", "channels", ",", "kernel_size", "=", "3", ")"]
    )
  })

  it("weights by sublinear TF-IDF and L2-normalises (hand-computed)", () => {
    const dims = 1 << 16
    const x = embedCorpus(["a b a", "a"], { dims, n: 1, weighting: "sublinear-tfidf" })
    const a = slotAndSign("a", dims)
    const b = slotAndSign("b", dims)
    expect(a.slot).not.toBe(b.slot)
    // text 0: tf(a) = 2 → 1 + ln 2, idf(a) = ln(3/3) + 1 = 1; tf(b) = 1, idf(b) = ln(3/2) + 1.
    const wa = 1 + Math.log(2)
    const wb = Math.log(1.5) + 1
    const norm = Math.hypot(wa, wb)
    expect(x[a.slot]).toBeCloseTo(a.sign * wa / norm, 6)
    expect(x[b.slot]).toBeCloseTo(b.sign * wb / norm, 6)
    expect(x.subarray(0, dims).filter((v) => v !== 0)).toHaveLength(2)
    // text 1: only "a".
    expect(x[dims + a.slot]).toBeCloseTo(a.sign, 6)
  })

  it("counts every n-gram up to n, and plain tf differs from sublinear tf", () => {
    const dims = 1 << 16
    const x = embedCorpus(["p q p q"], { dims, n: 2, weighting: "tf" })
    // unigrams p, q (2 each); bigrams "p q" (2), "q p" (1)
    const expected = new Map<number, number>()
    for (const [gram, tf] of [["p", 2], ["q", 2], ["p\u0001q", 2], ["q\u0001p", 1]] as const) {
      const { slot, sign } = slotAndSign(gram, dims)
      expected.set(slot, (expected.get(slot) ?? 0) + sign * tf)
    }
    const norm = Math.hypot(...expected.values())
    for (const [slot, v] of expected) expect(x[slot]).toBeCloseTo(v / norm, 6)
    const sub = embedCorpus(["p q p q"], { dims, n: 2, weighting: "sublinear-tf" })
    expect(Array.from(sub)).not.toEqual(Array.from(x))
  })

  it("an empty text embeds to zeros; the result is deterministic", () => {
    const params = { dims: 64, n: 3, weighting: "sublinear-tfidf" } as const
    const x = embedCorpus(["", "class Cell(nn.Module):"], params)
    expect(Array.from(x.subarray(0, 64)).every((v) => v === 0)).toBe(true)
    expect(Array.from(embedCorpus(["", "class Cell(nn.Module):"], params))).toEqual(Array.from(x))
    const row = x.subarray(64)
    expect(Math.hypot(...row)).toBeCloseTo(1, 6)
  })
})

describe("on the Executor", () => {
  it("shards the corpus over worker threads and gives the same bytes as one pass in this thread", async () => {
    const { Effect } = await import("effect")
    const { local } = await import("../../src/core/Executor.ts")
    const { embedOnExecutor } = await import("../../src/steps/HashedNgram.ts")
    // 1,000 texts: 4 shards of 256 (the last shorter), so frequencies are summed across shards.
    const texts = Array.from({ length: 1000 }, (_, i) => `class Cell${i % 37}(nn.Module): op_${i % 5} = nn.Conv2d(${i % 11}, 3)`)
    for (const weighting of ["sublinear-tfidf", "tf"] as const) {
      const params = { dims: 512, n: 3, weighting }
      const sharded = await Effect.runPromise(Effect.scoped(embedOnExecutor(texts, params).pipe(Effect.provide(local({ workers: 2 })))))
      expect(Buffer.from(sharded.buffer).equals(Buffer.from(embedCorpus(texts, params).buffer)), weighting).toBe(true)
    }
  }, 60_000)
})
