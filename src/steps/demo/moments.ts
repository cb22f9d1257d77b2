/** Per-column mean and population standard deviation of a row-major matrix (two-pass, float64). */
export const moments = (x: Float32Array, rows: number, cols: number) => {
  const mean = new Float64Array(cols)
  const std = new Float64Array(cols)
  if (rows === 0) return { mean, std }
  for (let i = 0; i < rows; i++) for (let d = 0; d < cols; d++) mean[d]! += x[i * cols + d]!
  for (let d = 0; d < cols; d++) mean[d]! /= rows
  for (let i = 0; i < rows; i++) {
    for (let d = 0; d < cols; d++) {
      const e = x[i * cols + d]! - mean[d]!
      std[d]! += e * e
    }
  }
  for (let d = 0; d < cols; d++) std[d] = Math.sqrt(std[d]! / rows)
  return { mean, std }
}
