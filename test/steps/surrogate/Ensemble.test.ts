import { describe, expect, it } from "vitest"
import * as Rng from "../../../src/core/Rng.ts"
import * as Ensemble from "../../../src/steps/surrogate/Ensemble.ts"
import * as Mlp from "../../../src/steps/surrogate/Mlp.ts"

describe("NASLib MLP ensemble presets (docs/search.md)", () => {
  it("parameter counts on a 155-d input: 20 × 20 → 11,121; 3 × 128 → 53,121", () => {
    expect(Mlp.layout(Ensemble.config(Ensemble.presets["naslib-default"], 155)).count).toBe(11_121)
    expect(Mlp.layout(Ensemble.config(Ensemble.presets["cole-paper"], 155)).count).toBe(53_121)
  })

  it("Xavier bounds: 155→20 0.18516, 20→20 0.38730, 20→1 0.53452, 155→128 0.14561, 128→128 0.15309, 128→1 0.21567; zero biases", () => {
    const bound = (preset: Ensemble.Preset, layer: number) => {
      const c = Ensemble.config(preset, 155)
      const p = Mlp.initialise(c, Rng.make(0, "xavier"))
      const l = Mlp.layout(c).layers.at(layer)!
      const w = p.subarray(l.weights, l.weights + l.inputs * l.outputs)
      expect(Array.from(p.subarray(l.bias, l.bias + l.outputs)).every((b) => b === 0)).toBe(true)
      return { max: Math.max(...w.map(Math.abs)), expected: Math.sqrt(6 / (l.inputs + l.outputs)) }
    }
    const cases: Array<[Ensemble.Preset, number, number]> = [
      [Ensemble.presets["naslib-default"], 0, 0.18516],
      [Ensemble.presets["naslib-default"], 1, 0.3873],
      [Ensemble.presets["naslib-default"], -1, 0.53452],
      [Ensemble.presets["cole-paper"], 0, 0.14561],
      [Ensemble.presets["cole-paper"], 1, 0.15309],
      [Ensemble.presets["cole-paper"], -1, 0.21567]
    ]
    for (const [preset, layer, a] of cases) {
      const { max, expected } = bound(preset, layer)
      expect(expected).toBeCloseTo(a, 5)
      expect(max).toBeLessThanOrEqual(expected)
    }
  })

  it("members differ only by their streams; the same seed gives the same ensemble", () => {
    const rng = Rng.make(1, "data")
    const n = 40, d = 10
    const x = Array.from({ length: n * d }, () => Math.round(rng.next()))
    const y = Array.from({ length: n }, (_, i) => 70 + x[i * d]! * 5 + rng.next())
    const preset = { ...Ensemble.presets["cole-paper"], epochs: 5 }
    const a = Ensemble.predict(Ensemble.fit(preset, x, y, n, d, Ensemble.searchStreams(7, 0)), x, n)
    const b = Ensemble.predict(Ensemble.fit(preset, x, y, n, d, Ensemble.searchStreams(7, 0)), x, n)
    expect(a.map((m) => Array.from(m))).toEqual(b.map((m) => Array.from(m)))
    expect(Array.from(a[0]!)).not.toEqual(Array.from(a[1]!))
    const members = Ensemble.fit(preset, x, y, n, d, Ensemble.searchStreams(7, 0))
    expect(members.map((m) => m.steps)).toEqual([10, 10, 10]) // 5 epochs × ⌈40/32⌉
  })
})
