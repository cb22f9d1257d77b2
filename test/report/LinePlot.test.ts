import { describe, expect, it } from "vitest"
import * as LinePlot from "../../src/report/LinePlot.ts"

const polylines = (svg: string) => [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1]!.split(" ").map((p) => p.split(",").map(Number)))

describe("line plot", () => {
  it("log x axis: one line per series through its points (sorted by x), ±bars, escaped legend", () => {
    const svg = LinePlot.svg([
      { name: "a <pca>", points: [{ x: 14, y: 0.2, spread: 0.1 }, { x: 3516, y: 0.7, spread: 0.05 }, { x: 220, y: 0.5 }] },
      { name: "b", points: [{ x: 14, y: -0.1, spread: 0.05 }] }
    ], { xLabel: "budget", yLabel: "τ", xLog: true, spread: "bars" })
    const lines = polylines(svg)
    expect(lines.map((l) => l.length)).toEqual([3, 1])
    const [x14, x220, x3516] = lines[0]!.map(([x]) => x!)
    // 220 sits at ln(220/14)/ln(3516/14) of the way along.
    expect((x220! - x14!) / (x3516! - x14!)).toBeCloseTo(Math.log(220 / 14) / Math.log(3516 / 14), 2)
    // Higher values are drawn higher (smaller y).
    expect(lines[0]![2]![1]).toBeLessThan(lines[0]![0]![1]!)
    // The grid reaches below the lowest bar (−0.15) and above the highest (0.75), in steps of 0.2.
    expect(svg).toContain(">-0.2</text>")
    expect(svg).toContain(">0.8</text>")
    expect(svg).toContain("a &lt;pca&gt;")
    expect(svg.match(/<circle /g)).toHaveLength(4)
    expect(svg.match(/<line [^>]*stroke="#(1f77b4|d62728)"\/>/g)).toHaveLength(3)
  })

  it("band mode: a shaded polygon along the line (upper edge, then lower edge back), a dashed rule", () => {
    const svg = LinePlot.svg([{ name: "arm", points: [1, 2, 3].map((x) => ({ x, y: 70 + x, spread: 1 })) }], {
      xLabel: "t", yLabel: "incumbent", spread: "band", rules: [{ y: 72.78, label: "0.99 × optimum" }]
    })
    const polygon = /<polygon [^>]*points="([^"]*)"/.exec(svg)![1]!.split(" ").map((p) => p.split(",").map(Number))
    expect(polygon).toHaveLength(6)
    const line = polylines(svg)[0]!
    line.forEach(([, y], i) => {
      expect(polygon[i]![1]).toBeLessThan(y!)
      expect(polygon[5 - i]![1]).toBeGreaterThan(y!)
    })
    expect(svg).toContain('stroke-dasharray="4 3"')
    expect(svg).toContain("0.99 × optimum")
  })
})
