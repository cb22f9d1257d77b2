/**
 * The MLP's passes in double precision, written plainly, one output at a time: the reference the
 * gradient check holds to finite differences, and the kernel-backed Network is held to.
 */
import type * as Rng from "../../../src/core/Rng.ts"
import { type Config, layout, sizes } from "../../../src/steps/surrogate/Mlp.ts"

/** Buffers for forward and backward passes over batches of up to `rows` rows. */
export const workspace = (c: Config, rows: number) => {
  const s = sizes(c)
  return {
    rows,
    activations: s.map((n) => new Float64Array(rows * n)),
    masks: s.map((n) => new Float64Array(rows * n)),
    deltas: s.map((n) => new Float64Array(rows * n)),
    scores: new Float64Array(rows),
    dScores: new Float64Array(rows)
  }
}
export type Workspace = ReturnType<typeof workspace>

/**
 * Forward pass of `m` rows of `x` (row-major, taken at `index[i]`), writing scores. In training mode
 * fresh dropout masks come from `rng`.
 */
export const forward = (c: Config, p: Float64Array, w: Workspace, x: ArrayLike<number>, index: ArrayLike<number>, m: number, training: boolean, rng?: Rng.Rng) => {
  const { layers } = layout(c)
  const a0 = w.activations[0]!
  for (let i = 0; i < m; i++) for (let j = 0; j < c.inputs; j++) a0[i * c.inputs + j] = x[index[i]! * c.inputs + j]!
  const slope = c.activation === "leaky-relu" ? 0.01 : 0
  const keep = 1 - c.dropout
  layers.forEach((l, li) => {
    const input = w.activations[li]!
    const output = w.activations[li + 1]!
    const last = li === layers.length - 1
    const mask = w.masks[li + 1]!
    for (let i = 0; i < m; i++) {
      for (let o = 0; o < l.outputs; o++) {
        let s = p[l.bias + o]!
        const row = l.weights + o * l.inputs
        for (let j = 0; j < l.inputs; j++) s += p[row + j]! * input[i * l.inputs + j]!
        if (!last) {
          s = s >= 0 ? s : slope * s
          const kept = training && c.dropout > 0 ? (rng!.next() < keep ? 1 / keep : 0) : 1
          mask[i * l.outputs + o] = kept
          s *= kept
        }
        output[i * l.outputs + o] = s
      }
    }
  })
  const out = w.activations[layers.length]!
  for (let i = 0; i < m; i++) w.scores[i] = out[i]!
}

/** Backward pass from w.dScores (∂loss/∂score) into `grad` (overwritten). */
export const backward = (c: Config, p: Float64Array, w: Workspace, m: number, grad: Float64Array) => {
  const { layers } = layout(c)
  grad.fill(0)
  const slope = c.activation === "leaky-relu" ? 0.01 : 0
  const top = w.deltas[layers.length]!
  for (let i = 0; i < m; i++) top[i] = w.dScores[i]!
  for (let li = layers.length - 1; li >= 0; li--) {
    const l = layers[li]!
    const delta = w.deltas[li + 1]!
    const input = w.activations[li]!
    for (let i = 0; i < m; i++) {
      for (let o = 0; o < l.outputs; o++) {
        const d = delta[i * l.outputs + o]!
        if (d === 0) continue
        grad[l.bias + o]! += d
        const row = l.weights + o * l.inputs
        for (let j = 0; j < l.inputs; j++) grad[row + j]! += d * input[i * l.inputs + j]!
      }
    }
    if (li === 0) break
    // δ for the layer below: through the weights, then dropout and the activation's derivative.
    const below = w.deltas[li]!
    const activation = w.activations[li]!
    const mask = w.masks[li]!
    // Wᵀδ accumulated row by row of W, so that the weights are read contiguously.
    below.fill(0, 0, m * l.inputs)
    for (let i = 0; i < m; i++) {
      const at = i * l.inputs
      for (let o = 0; o < l.outputs; o++) {
        const d = delta[i * l.outputs + o]!
        if (d === 0) continue
        const row = l.weights + o * l.inputs
        for (let j = 0; j < l.inputs; j++) below[at + j]! += p[row + j]! * d
      }
      for (let j = 0; j < l.inputs; j++) {
        const kept = mask[at + j]!
        // activation = kept · act(z) has the sign of z, so it tells the derivative (at z = 0: the slope,
        // as PyTorch does).
        below[at + j] = kept === 0 ? 0 : below[at + j]! * kept * (activation[at + j]! > 0 ? 1 : slope)
      }
    }
  }
  if (c.l1 > 0) {
    const out = layers[layers.length - 1]!
    for (let j = 0; j < out.inputs; j++) grad[out.weights + j]! += c.l1 * Math.sign(p[out.weights + j]!)
  }
}

