/**
 * Kendall's τ-b in O(n log n) (Knight's algorithm: sort by x then y, count the inversions of y by merge
 * sort, correct for ties in x, in y, and in both), as docs/surrogate.md defines it.
 */

export interface Tau {
  readonly tau: number
  /** True when τ is undefined (all x or all y tied) and reported as 0. */
  readonly undefined: boolean
}

/** Pairs within groups of equal values in `order` (indices sorted so equal values are adjacent). */
const tiedPairs = (order: ArrayLike<number>, same: (a: number, b: number) => boolean): number => {
  let pairs = 0
  let run = 1
  for (let i = 1; i <= order.length; i++) {
    if (i < order.length && same(order[i - 1]!, order[i]!)) run++
    else {
      pairs += (run * (run - 1)) / 2
      run = 1
    }
  }
  return pairs
}

/** Sorts `keys` in place by `y` (stable merge sort) and returns the number of strict inversions. */
const inversions = (keys: Int32Array, y: ArrayLike<number>): number => {
  const buffer = new Int32Array(keys.length)
  let swaps = 0
  for (let width = 1; width < keys.length; width *= 2) {
    for (let lo = 0; lo < keys.length; lo += 2 * width) {
      const mid = Math.min(lo + width, keys.length)
      const hi = Math.min(lo + 2 * width, keys.length)
      let i = lo
      let j = mid
      let k = lo
      while (i < mid && j < hi) {
        if (y[keys[j]!]! < y[keys[i]!]!) {
          swaps += mid - i
          buffer[k++] = keys[j++]!
        } else buffer[k++] = keys[i++]!
      }
      while (i < mid) buffer[k++] = keys[i++]!
      while (j < hi) buffer[k++] = keys[j++]!
    }
    keys.set(buffer)
  }
  return swaps
}

export const tauB = (x: ArrayLike<number>, y: ArrayLike<number>): Tau => {
  const n = x.length
  if (y.length !== n) throw new RangeError(`tauB: x has ${n} values, y has ${y.length}`)
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!)
  const tiesX = tiedPairs(order, (a, b) => x[a] === x[b])
  const tiesXY = tiedPairs(order, (a, b) => x[a] === x[b] && y[a] === y[b])
  const swaps = inversions(order, y)
  const tiesY = tiedPairs(order, (a, b) => y[a] === y[b])
  const total = (n * (n - 1)) / 2
  const denominator = Math.sqrt((total - tiesX) * (total - tiesY))
  if (denominator === 0) return { tau: 0, undefined: true }
  return { tau: (total - tiesX - tiesY + tiesXY - 2 * swaps) / denominator, undefined: false }
}
