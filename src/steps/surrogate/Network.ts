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
import { type Config, layout, sizes } from "./MlpLayout.ts"

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
  // Parameters, gradient and Adam's two moments; activations, deltas (and dropout masks) per layer; one
  // scratch; a sparse batch's row starts and pairs.
  const k = Linalg.single([
    ...Array<number>(4).fill(count),
    ...Array<number>((c.dropout > 0 ? 3 : 2) * s.length + 1).fill(rows * widest),
    rows + 1,
    2 * rows * c.inputs
  ])
  const params = k.take(count)
  const grad = k.take(count)
  const moment1 = k.take(count)
  const moment2 = k.take(count)
  params.data.set(initial)
  const activations = s.map(() => k.take(rows * widest))
  const masks = c.dropout > 0 ? s.map(() => k.take(rows * widest)) : []
  const deltas = s.map(() => k.take(rows * widest))
  const scratch = k.take(rows * widest)
  const scores = new Float64Array(rows)
  const dScores = new Float64Array(rows)
  const slope = c.activation === "leaky-relu" ? 0.01 : 0
  const keep = 1 - c.dropout
  const p = params.data
  const g = grad.data
  // Whether the last forward pass drew dropout masks (training with dropout): backward applies them.
  let dropped = false

  // Sparse inputs (at most a quarter of x nonzero, as a path encoding's 4 ones in 155) enter the first
  // layer's two products as the batch's nonzero (column, value) pairs; dense ones as a feature-major block.
  const starts = k.take(rows + 1)
  const pairs = k.take(2 * rows * c.inputs)
  const startsAt = new Int32Array(starts.data.buffer, starts.ptr, rows + 1)
  const pairColumns = new Int32Array(pairs.data.buffer, pairs.ptr, 2 * rows * c.inputs)
  let sparseInput = false
  let input: Nonzeros | undefined

  const gather = (x: ArrayLike<number>, index: ArrayLike<number>, m: number) => {
    if (input?.x !== x) input = nonzeros(x, c.inputs)
    sparseInput = input.sparse
    if (sparseInput) {
      let q = 0
      for (let i = 0; i < m; i++) {
        startsAt[i] = q
        for (let t = input.starts[index[i]!]!; t < input.starts[index[i]! + 1]!; t++, q++) {
          pairColumns[2 * q] = input.columns[t]!
          pairs.data[2 * q + 1] = input.values[t]!
        }
      }
      startsAt[m] = q
      return
    }
    const a0 = activations[0]!.data
    for (let i = 0; i < m; i++) {
      const row = index[i]! * c.inputs
      for (let j = 0; j < c.inputs; j++) a0[j * m + i] = x[row + j]!
    }
  }

  const forward: Network["forward"] = (x, index, m, training, rng) => {
    dropped = training && c.dropout > 0
    gather(x, index, m)
    layers.forEach((l, li) => {
      const z = activations[li + 1]!.data
      k.fillRows(activations[li + 1]!.ptr, params.ptr + l.bias * 4, l.outputs, m)
      if (li === 0 && sparseInput) k.sparseForward(activations[1]!.ptr, params.ptr + l.weights * 4, l.outputs, l.inputs, m, starts.ptr, pairs.ptr)
      else k.gemm(l.outputs, m, l.inputs, params.ptr + l.weights * 4, l.inputs, 1, activations[li]!.ptr, m, activations[li + 1]!.ptr, m, 1)
      if (li === layers.length - 1) return
      if (!dropped) return k.activate(activations[li + 1]!.ptr, l.outputs * m, slope)
      // Row by row, unit by unit: the order in which dropout draws its stream. The mask is kept
      // batch-major, as backward reads it.
      const mask = masks[li + 1]!.data
      for (let i = 0; i < m; i++) {
        for (let o = 0; o < l.outputs; o++) {
          const at = o * m + i
          const v = z[at]!
          const kept = rng!.next() < keep ? 1 / keep : 0
          mask[i * l.outputs + o] = kept
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
      if (li === 0 && sparseInput) {
        k.sparseWeightGradient(grad.ptr + l.weights * 4, l.outputs, l.inputs, delta.ptr, m, starts.ptr, pairs.ptr)
        break
      }
      // ∂W (out × in) = Δᵀ · A, with A (batch × in) transposed out of the feature-major activations.
      k.transpose(activations[li]!.ptr, l.inputs, m, scratch.ptr)
      k.gemm(l.outputs, l.inputs, m, delta.ptr, 1, l.outputs, scratch.ptr, l.inputs, grad.ptr + l.weights * 4, l.inputs, 0)
      if (li === 0) break
      const below = deltas[li]!
      k.gemm(m, l.inputs, l.outputs, delta.ptr, l.outputs, 1, params.ptr + l.weights * 4, l.inputs, below.ptr, l.inputs, 0)
      // Through dropout and the activation's derivative, read off the batch-major activations in scratch.
      k.backActivate(below.ptr, scratch.ptr, dropped ? masks[li]!.ptr : 0, m * l.inputs, slope, dropped ? 1 : 0)
    }
    if (c.l1 > 0) {
      const out = layers[layers.length - 1]!
      for (let j = 0; j < out.inputs; j++) g[out.weights + j]! += c.l1 * Math.sign(p[out.weights + j]!)
    }
  }

  const adam: Network["adam"] = (t) => {
    const root = Math.sqrt(1 - c.beta2 ** t)
    k.adam(params.ptr, grad.ptr, moment1.ptr, moment2.ptr, count, c.beta1, c.beta2, (c.lr * root) / (1 - c.beta1 ** t), c.eps * root)
  }

  return { params: p, grad: g, scores, dScores, forward, backward, adam }
}

/** The nonzero entries of x's rows (n × inputs), found once per x: a fit's training set, or its candidates. */
interface Nonzeros {
  readonly x: ArrayLike<number>
  readonly sparse: boolean
  readonly starts: Int32Array
  readonly columns: Int32Array
  readonly values: Float32Array
}

const nonzeros = (x: ArrayLike<number>, inputs: number): Nonzeros => {
  const n = Math.floor(x.length / inputs)
  let count = 0
  for (let t = 0; t < n * inputs; t++) if (x[t] !== 0) count++
  if (count > 0.25 * n * inputs) return { x, sparse: false, starts: new Int32Array(0), columns: new Int32Array(0), values: new Float32Array(0) }
  const starts = new Int32Array(n + 1)
  const columns = new Int32Array(count)
  const values = new Float32Array(count)
  let q = 0
  for (let r = 0; r < n; r++) {
    starts[r] = q
    for (let j = 0; j < inputs; j++) {
      const v = x[r * inputs + j]!
      if (v === 0) continue
      columns[q] = j
      values[q++] = v
    }
  }
  starts[n] = q
  return { x, sparse: true, starts, columns, values }
}
