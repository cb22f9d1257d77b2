import { describe, expect, it } from "vitest"
import * as Rng from "../../../src/core/Rng.ts"
import { tauB } from "../../../src/steps/surrogate/Kendall.ts"
import { config as colePreset } from "../../../src/components/heads/ColeMlp.ts"
import * as Mlp from "../../../src/steps/surrogate/Mlp.ts"
import * as Network from "../../../src/steps/surrogate/Network.ts"
import * as Reference from "./MlpReference.ts"

// A small head: the COLE preset, narrowed, without dropout (so gradients are deterministic).
const base: Mlp.Config = { ...colePreset(4, "mse"), hiddenLayers: 2, width: 6, dropout: 0 }

const problem = (c: Mlp.Config, m: number) => {
  const rng = Rng.make(1, "grad")
  const p = Mlp.initialise(c, rng)
  const x = Array.from({ length: m * c.inputs }, () => rng.normal())
  const y = Array.from({ length: m }, () => rng.normal())
  return { p, x, y, index: Int32Array.from({ length: m }, (_, i) => i) }
}

/** ∂loss/∂p by central differences, against the reference backward pass (double precision). */
const checkGradient = (c: Mlp.Config) => {
  const m = 5
  const { p, x, y, index } = problem(c, m)
  const w = Reference.workspace(c, m)
  const lossAt = (params: Float64Array) => {
    Reference.forward(c, params, w, x, index, m, false)
    // The hinge keeps every pair here (10 ≤ 4·5), so the pair sample is the same at every call.
    return Mlp.loss(c, params, w.scores, w.dScores, y, index, m, Rng.make(0, "pairs"))!
  }
  lossAt(p)
  const grad = new Float64Array(p.length)
  Reference.backward(c, p, w, m, grad)
  const h = 1e-6
  let worst = 0
  for (let i = 0; i < p.length; i++) {
    const plus = Float64Array.from(p)
    const minus = Float64Array.from(p)
    plus[i]! += h
    minus[i]! -= h
    const numeric = (lossAt(plus) - lossAt(minus)) / (2 * h)
    worst = Math.max(worst, Math.abs(numeric - grad[i]!) / Math.max(1, Math.abs(numeric)))
  }
  return worst
}

/**
 * The kernel network's scores and gradient against the reference's for m rows of a random problem (in
 * training mode both draw dropout from the same stream); returns the reference gradient.
 */
const matchesReference = (c: Mlp.Config, m: number, training: boolean) => {
  const { p, x, y, index } = problem(c, m)
  const w = Reference.workspace(c, m)
  Reference.forward(c, p, w, x, index, m, training, Rng.make(3, "dropout"))
  Mlp.loss(c, p, w.scores, w.dScores, y, index, m, Rng.make(0, "pairs"))
  const expected = new Float64Array(p.length)
  Reference.backward(c, p, w, m, expected)
  const net = Network.make(c, m, p)
  net.forward(x, index, m, training, Rng.make(3, "dropout"))
  net.dScores.set(w.dScores)
  net.backward(m)
  const scale = Math.max(...expected.map(Math.abs))
  for (let i = 0; i < m; i++) expect(Math.abs(net.scores[i]! - w.scores[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(w.scores[i]!)))
  for (let i = 0; i < p.length; i++) expect(Math.abs(net.grad[i]! - expected[i]!)).toBeLessThanOrEqual(1e-4 * scale)
  return expected
}

describe("MLP head", () => {
  it.each([
    ["mse", "leaky-relu", 0],
    ["mae", "relu", 0.2],
    ["hinge", "leaky-relu", 0],
    ["hinge", "relu", 0]
  ] as const)("%s loss with %s (L1 %s): gradients match finite differences", (lossName, activation, l1) => {
    expect(checkGradient({ ...base, loss: lossName, activation, l1, margin: lossName === "hinge" ? 5 : 0.1 })).toBeLessThan(1e-5)
  })

  // The kernel-backed passes (single precision, SIMD GEMMs with 8-, 4- and 1-column tails, batch sizes
  // that are not multiples of 4) against the reference, for every layer shape class.
  it.each([
    ["hinge", "leaky-relu", 0, 6, 2, 7],
    ["mse", "relu", 0.2, 155, 3, 20],
    ["mae", "leaky-relu", 0, 13, 1, 9]
  ] as const)("%s / %s (L1 %s), %s inputs, %s × %s: the network's scores and gradient match the reference", (lossName, activation, l1, inputs, hiddenLayers, width) => {
    const c: Mlp.Config = { ...base, loss: lossName, activation, l1, inputs, hiddenLayers, width }
    for (const m of [1, 5, 32]) matchesReference(c, m, false)
  })

  // Dropout: the network draws its masks in the reference's order (row by row, unit by unit), so the
  // same stream gives the same masks; LeakyReLU so the slope path of backward is taken too.
  it("with dropout in training mode, scores and gradient match the reference's for the same stream", () => {
    const expected = matchesReference({ ...base, activation: "leaky-relu", dropout: 0.3, inputs: 7, hiddenLayers: 2, width: 9 }, 13, true)
    expect(expected.filter((v) => v === 0).length).toBeLessThan(expected.length / 2)
  })

  // Sparse inputs (a quarter or less nonzero, like path encodings) take the first layer's products from
  // their nonzero entries; the result must be the dense products' bit for bit. The same batch is run
  // once from a sparse x and once from that x with dense rows appended (unused by the batch, but they
  // make x dense, so the dense products run).
  it("sparse inputs: the first layer's sparse products give the dense products' scores and gradient exactly", () => {
    const c: Mlp.Config = { ...base, activation: "relu", inputs: 155, hiddenLayers: 2, width: 20 }
    const m = 30
    const rng = Rng.make(5, "sparse")
    const p = Mlp.initialise(c, rng)
    // Four ones per row, as a path encoding, and an odd value now and then.
    const sparse = new Float64Array(m * c.inputs)
    for (let i = 0; i < m; i++) for (let t = 0; t < 4; t++) sparse[i * c.inputs + rng.int(c.inputs)] = t === 3 ? rng.normal() : 1
    const dense = Float64Array.from([...sparse, ...Array.from({ length: 3 * m * c.inputs }, () => rng.normal())])
    const index = Int32Array.from({ length: m }, (_, i) => m - 1 - i)
    const run = (x: Float64Array) => {
      const net = Network.make(c, m, p)
      net.forward(x, index, m, false)
      net.dScores.set(Array.from({ length: m }, (_, i) => Math.sin(i)))
      net.backward(m)
      return { scores: Array.from(net.scores), grad: Array.from(net.grad) }
    }
    const fromSparse = run(sparse)
    const fromDense = run(dense)
    expect(fromSparse.scores).toEqual(fromDense.scores)
    expect(fromSparse.grad).toEqual(fromDense.grad)
    // And both are the reference's, to single precision.
    const w = Reference.workspace(c, m)
    Reference.forward(c, p, w, sparse, index, m, false)
    w.dScores.set(Array.from({ length: m }, (_, i) => Math.sin(i)))
    const expected = new Float64Array(p.length)
    Reference.backward(c, p, w, m, expected)
    const scale = Math.max(...expected.map(Math.abs))
    fromSparse.grad.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(1e-4 * scale))
  })

  it("Adam: one step from zero moments moves every parameter by lr · sign(g) (bias-corrected)", () => {
    const c: Mlp.Config = { ...base, inputs: 3, hiddenLayers: 1, width: 5 }
    const net = Network.make(c, 1, new Float64Array(Mlp.layout(c).count))
    net.grad.set(Array.from({ length: net.grad.length }, (_, i) => (i % 3) - 1))
    net.adam(1)
    // m̂ = g, v̂ = g², so the step is lr · g / (|g| + eps).
    net.params.forEach((v, i) => expect(v).toBeCloseTo(-c.lr * ((i % 3) - 1) / (Math.abs((i % 3) - 1) + c.eps), 7))
  })

  // The kernel's efficient form (step size and ε folded into the bias corrections) against PyTorch's
  // update, p ← p − lr·(m/(1−β1ᵗ)) / (√v/√(1−β2ᵗ) + eps), in double precision, over many steps with
  // gradients of every scale, tiny ones included (where ε matters).
  it("Adam: 200 steps follow PyTorch's update to single precision", () => {
    const c: Mlp.Config = { ...base, inputs: 3, hiddenLayers: 1, width: 5, lr: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8 }
    const count = Mlp.layout(c).count
    const start = Array.from({ length: count }, (_, i) => Math.fround(Math.cos(i)))
    const net = Network.make(c, 1, start)
    const p = Float64Array.from(start), m = new Float64Array(count), v = new Float64Array(count)
    const rng = Rng.make(2, "adam")
    for (let t = 1; t <= 200; t++) {
      const g = Array.from({ length: count }, (_, i) => Math.fround(rng.normal() * 10 ** (-(i % 10))))
      net.grad.set(g)
      net.adam(t)
      for (let i = 0; i < count; i++) {
        m[i] = c.beta1 * m[i]! + (1 - c.beta1) * g[i]!
        v[i] = c.beta2 * v[i]! + (1 - c.beta2) * g[i]! ** 2
        p[i]! -= (c.lr * (m[i]! / (1 - c.beta1 ** t))) / (Math.sqrt(v[i]!) / Math.sqrt(1 - c.beta2 ** t) + c.eps)
      }
    }
    net.params.forEach((value, i) => expect(Math.abs(value - p[i]!)).toBeLessThan(1e-5))
    // They moved: a random walk of 200 steps of about lr each.
    expect(Math.max(...net.params.map((value, i) => Math.abs(value - start[i]!)))).toBeGreaterThan(0.1)
  })

  it("hinge loss: the documented vectors", () => {
    const c = { ...base, inputs: 1, hiddenLayers: 0, loss: "hinge" as const }
    const dScores = new Float64Array(3)
    const index = [0, 1, 2]
    const scores = [0.5, 0.2, 0.1]
    expect(Mlp.loss(c, new Float64Array(2), scores, dScores, [1, 2, 2], index, 3, Rng.make(0, "p"))).toBeCloseTo(0.45, 12)
    expect(Mlp.loss(c, new Float64Array(2), scores, dScores, [3, 2, 2], index, 3, Rng.make(0, "p"))).toBe(0)
    // No pair with different targets: undefined, the step is skipped.
    expect(Mlp.loss(c, new Float64Array(2), scores, dScores, [2, 2, 2], index, 3, Rng.make(0, "p"))).toBeUndefined()
  })

  it("clips the global gradient norm as documented: (3, 4) → (3, 4) / (5 + 1e-6)", () => {
    const g = Float64Array.of(3, 4)
    expect(Mlp.clipNorm(g, 1)).toBe(5)
    expect(g[0]).toBeCloseTo(3 / (5 + 1e-6), 12)
    expect(g[1]).toBeCloseTo(4 / (5 + 1e-6), 12)
  })

  it("PyTorch-default initialisation draws within ±1/√fan_in", () => {
    const c = { ...base, inputs: 128, width: 128, hiddenLayers: 3 }
    const p = Mlp.initialise(c, Rng.make(0, "init"))
    const first = Mlp.layout(c).layers[0]!
    const weights = p.subarray(first.weights, first.weights + 128 * 128)
    expect(Math.max(...weights.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(128))
    expect(Math.max(...weights.map(Math.abs))).toBeGreaterThan(0.95 / Math.sqrt(128))
  })

  it("fits a synthetic ranking problem (τ > 0.9 on held-out rows), deterministically for a seed", () => {
    const rng = Rng.make(7, "data")
    const n = 400, d = 8
    const x = Array.from({ length: n * d }, () => rng.normal())
    const truth = (i: number) => x[i * d]! * 2 + Math.sin(x[i * d + 1]!) - x[i * d + 2]! * x[i * d + 3]! * 0.5
    const y = Array.from({ length: n }, (_, i) => truth(i))
    const c = { ...base, inputs: d, hiddenLayers: 3, width: 32, dropout: 0.1, loss: "hinge" as const, lr: 3e-3 }
    const fit = () => {
      const streams = { init: Rng.make(1, "init"), batches: Rng.make(1, "batches"), dropout: Rng.make(1, "dropout") }
      const model = Mlp.train(c, { epochs: 60, batchSize: 32, shuffle: false, standardize: true }, x.slice(0, 300 * d), y.slice(0, 300), 300, streams)
      return Mlp.predict(model, x.slice(300 * d), 100)
    }
    const a = fit()
    expect(Array.from(fit())).toEqual(Array.from(a))
    expect(tauB(y.slice(300), a).tau).toBeGreaterThan(0.9)
  })
})
