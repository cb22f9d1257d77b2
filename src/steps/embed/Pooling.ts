/**
 * Pooling of hidden states [B, L, H] under an attention mask [B, L] into one float32 vector per row
 * (docs/surrogate.md); sums in float64.
 */

/** e = Σ_t m_t h_t / max(Σ_t m_t, 1e-9), written to out[row·H…]. */
export const meanInto = (hidden: Float32Array, mask: ArrayLike<number>, batch: number, length: number, width: number, out: Float32Array, outRows: ReadonlyArray<number>) => {
  const acc = new Float64Array(width)
  for (let b = 0; b < batch; b++) {
    acc.fill(0)
    let count = 0
    for (let t = 0; t < length; t++) {
      if (mask[b * length + t] === 0) continue
      count++
      const base = (b * length + t) * width
      for (let d = 0; d < width; d++) acc[d]! += hidden[base + d]!
    }
    const denominator = Math.max(count, 1e-9)
    const at = outRows[b]! * width
    for (let d = 0; d < width; d++) out[at + d] = acc[d]! / denominator
  }
}

/** e = h_T at the last position whose mask is 1 (right for either padding side). */
export const lastTokenInto = (hidden: Float32Array, mask: ArrayLike<number>, batch: number, length: number, width: number, out: Float32Array, outRows: ReadonlyArray<number>) => {
  for (let b = 0; b < batch; b++) {
    let last = -1
    for (let t = length - 1; t >= 0; t--) {
      if (mask[b * length + t] !== 0) {
        last = t
        break
      }
    }
    const at = outRows[b]! * width
    if (last < 0) out.fill(0, at, at + width)
    else out.set(hidden.subarray((b * length + last) * width, (b * length + last + 1) * width), at)
  }
}

/** IEEE 754 half-precision bits → float32, for graphs whose output is float16. */
export const halfToFloat = (bits: Uint16Array): Float32Array => {
  const out = new Float32Array(bits.length)
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i]!
    const sign = h & 0x8000 ? -1 : 1
    const exponent = (h >> 10) & 0x1f
    const fraction = h & 0x3ff
    out[i] = exponent === 0
      ? sign * 2 ** -14 * (fraction / 1024)
      : exponent === 31
      ? (fraction === 0 ? sign * Infinity : NaN)
      : sign * 2 ** (exponent - 15) * (1 + fraction / 1024)
  }
  return out
}
