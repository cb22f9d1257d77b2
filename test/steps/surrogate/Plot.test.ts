import { describe, expect, it } from "vitest"
import { tauByBudget } from "../../../src/steps/surrogate/Plot.ts"

describe("τ-versus-budget plot", () => {
  it("one line per configuration through its points on a log budget axis, ±std bars, escaped legend", () => {
    const svg = tauByBudget([
      { name: "a <pca>", points: [{ budget: 14, meanTau: 0.2, stdTau: 0.1 }, { budget: 3516, meanTau: 0.7, stdTau: 0.05 }, { budget: 220, meanTau: 0.5, stdTau: 0 }] },
      { name: "b", points: [{ budget: 14, meanTau: -0.1, stdTau: 0.05 }] }
    ])
    const lines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1]!.split(" ").map((p) => p.split(",").map(Number)))
    expect(lines.map((l) => l.length)).toEqual([3, 1])
    const [first] = lines
    // Sorted by budget; log scale: 220 sits at ln(220/14)/ln(3516/14) ≈ 0.498 of the way along.
    const [x14, x220, x3516] = first!.map(([x]) => x!)
    expect((x220! - x14!) / (x3516! - x14!)).toBeCloseTo(Math.log(220 / 14) / Math.log(3516 / 14), 2)
    // Higher τ is higher up (smaller y).
    expect(first![2]![1]).toBeLessThan(first![0]![1]!)
    // The axis reaches below the lowest bar (−0.15) and above the highest (0.75).
    expect(svg).toContain(">-0.2</text>")
    expect(svg).toContain(">0.8</text>")
    expect(svg).toContain("a &lt;pca&gt;")
    expect(svg.match(/<circle /g)).toHaveLength(4)
  })
})
