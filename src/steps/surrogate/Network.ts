/**
 * The MLP's forward and backward passes on the SIMD kernels (single precision, like PyTorch). Every
 * buffer is carved once from one kernel instance: nothing is allocated per batch.
 *
 * Layouts, chosen so that every product is a GEMM with contiguous B and C rows: weights out × in
 * (row-major, as Mlp.layout); forward activations feature-major (features × batch), so a layer is
 * Zᵀ = W · Aᵀ; deltas batch-major (batch × features), so ∂W = Δᵀ · A and the delta below is Δ · W.
 */
import * as Linalg from "../../kernels/Linalg.ts"
import type * as Rng from "../../core/Rng.ts"
import { type Config, layout, sizes } from "./Mlp.ts"

export interface Network {
  readonly params: Float32Array
  readonly grad: Float32Array
  /** Scores of the last forward pass and ∂loss/∂score for backward (first m entries). */
  readonly scores: Float64Array
  readonly dScores: Float64Array
  /** Forward pass of m ≤ rows rows of x (row-major, n × inputs), taken at index[i]. */
  forward(x: ArrayLike<number>, index: ArrayLike<number>, m: number, training: boolean, rng?: Rng.Rng): void
  /** Backward pass of the last forward's m rows from dScores into grad (overwritten). */
  backward(m: number): void
  /** One Adam step from grad; `t` is the 1-based step count. */
  adam(t: number): void
}

export const make = (c: Config, rows: number, initial: ArrayLike<number>): Network => {
  const { layers, count } = layout(c)
  const s = sizes(c)
  const widest = Math.max(...s)
  // Parameters, gradient and Adam's two moments; activations, masks and deltas per layer; one scratch.
  const k = Linalg.single([...Array<number>(4).fill(count), ...Array<number>(3 * s.length + 1).fill(rows * widest)])
  const params = k.take(count)
  const grad = k.take(count)
  const moment1 = k.take(count)
  const moment2 = k.take(count)
  params.data.set(initial)
  const activations = s.map(() => k.take(rows * widest))
  const masks = s.map(() => k.take(rows * widest))
  const deltas = s.map(() => k.take(rows * widest))
  const scratch = k.take(rows * widest)
  const scores = new Float64Array(rows)
  const dScores = new Float64Array(rows)
  const slope = c.activation === "leaky-relu" ? 0.01 : 0
  const keep = 1 - c.dropout
  const p = params.data
  const g = grad.data

  const forward: Network["forward"] = (x, index, m, training, rng) => {
    const a0 = activations[0]!.data
    for (let i = 0; i < m; i++) {
      const row = index[i]! * c.inputs
      for (let j = 0; j < c.inputs; j++) a0[j * m + i] = x[row + j]!
    }
    layers.forEach((l, li) => {
      const z = activations[li + 1]!.data
      k.fillRows(activations[li + 1]!.ptr, params.ptr + l.bias * 4, l.outputs, m)
      k.gemm(l.outputs, m, l.inputs, params.ptr + l.weights * 4, l.inputs, 1, activations[li]!.ptr, m, activations[li + 1]!.ptr, m, 1)
      if (li === layers.length - 1) return
      const mask = masks[li + 1]!.data
      if (!(training && c.dropout > 0)) return k.activate(activations[li + 1]!.ptr, masks[li + 1]!.ptr, l.outputs * m, slope)
      // Row by row, unit by unit: the order in which dropout draws its stream.
      for (let i = 0; i < m; i++) {
        for (let o = 0; o < l.outputs; o++) {
          const at = o * m + i
          const v = z[at]!
          const kept = rng!.next() < keep ? 1 / keep : 0
          mask[at] = kept
          z[at] = (v >= 0 ? v : slope * v) * kept
        }
      }
    })
    const out = activations[layers.length]!.data
    for (let i = 0; i < m; i++) scores[i] = out[i]!
  }

  const backward: Network["backward"] = (m) => {
    const top = deltas[layers.length]!.data
    for (let i = 0; i < m; i++) top[i] = dScores[i]!
    for (let li = layers.length - 1; li >= 0; li--) {
      const l = layers[li]!
      const delta = deltas[li + 1]!
      k.columnSums(delta.ptr, m, l.outputs, grad.ptr + l.bias * 4)
      // ∂W (out × in) = Δᵀ · A, with A (batch × in) transposed out of the feature-major activations.
      k.transpose(activations[li]!.ptr, l.inputs, m, scratch.ptr)
      k.gemm(l.outputs, l.inputs, m, delta.ptr, 1, l.outputs, scratch.ptr, l.inputs, grad.ptr + l.weights * 4, l.inputs, 0)
      if (li === 0) break
      const below = deltas[li]!
      k.gemm(m, l.inputs, l.outputs, delta.ptr, l.outputs, 1, params.ptr + l.weights * 4, l.inputs, below.ptr, l.inputs, 0)
      // Through dropout and the activation's derivative: the kept activation has the sign of z, so it
      // tells the derivative (at z = 0: the slope, as PyTorch does).
      k.backActivate(below.ptr, activations[li]!.ptr, masks[li]!.ptr, m, l.inputs, slope)
    }
    if (c.l1 > 0) {
      const out = layers[layers.length - 1]!
      for (let j = 0; j < out.inputs; j++) g[out.weights + j]! += c.l1 * Math.sign(p[out.weights + j]!)
    }
  }

  const adam: Network["adam"] = (t) =>
    k.adam(params.ptr, grad.ptr, moment1.ptr, moment2.ptr, count, c.lr, c.beta1, c.beta2, 1 - c.beta1 ** t, 1 - c.beta2 ** t, c.eps)

  return { params: p, grad: g, scores, dScores, forward, backward, adam }
}
