/**
 * Xc = X − μ copied into kernel memory, row-major, for the PCA solvers' products. Rows can be padded:
 * rows 32 KiB apart (d = 4,096 doubles) all map to the same cache sets and halve the GEMM's speed.
 */
import type * as Linalg from "../../kernels/Linalg.ts"

/** A leading dimension of at least `length` doubles whose byte stride is an odd number of 64-byte lines. */
export const paddedStride = (length: number) => {
  const lines = Math.ceil(length / 8)
  return (lines % 2 === 1 ? lines : lines + 1) * 8
}

/** Xc (n × d) with leading dimension ld ≥ d, taken from k. */
export const centred = (k: Linalg.Kernels<Float64Array>, x: ArrayLike<number>, n: number, d: number, mean: Float64Array, ld = d) => {
  const xc = k.take(n * ld)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xc.data[i * ld + j] = x[i * d + j]! - mean[j]!
  return xc
}
