// Kernels for the surrogate trainer (single precision) and PCA (double), compiled to WebAssembly SIMD by
// `npm run build:kernels` (AssemblyScript). Pointers are byte offsets into the instance's memory;
// strides are in elements. Plain f32x4 mul + add (no fused multiply-add), so results are the same
// bit for bit on every machine.

/**
 * C (m × n) = [C +] A · B, with A read at a + (i·ars + p·acs) (any layout: row-major, transposed),
 * B (k × n) and C row-major with leading dimensions ldb and ldc. Single and double precision.
 */
export function gemm32(m: i32, n: i32, k: i32, a: usize, ars: i32, acs: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool): void {
  gemm<f32>(m, n, k, a, ars, acs, b, ldb, c, ldc, accumulate)
}

export function gemm64(m: i32, n: i32, k: i32, a: usize, ars: i32, acs: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool): void {
  gemm<f64>(m, n, k, a, ars, acs, b, ldb, c, ldc, accumulate)
}

/** dst (cols × rows) = srcᵀ, src row-major rows × cols. */
export function transpose32(src: usize, rows: i32, cols: i32, dst: usize): void {
  transpose<f32>(src, rows, cols, dst)
}

export function transpose64(src: usize, rows: i32, cols: i32, dst: usize): void {
  transpose<f64>(src, rows, cols, dst)
}

// Panels of B (PANEL_K × PANEL_N elements, 256 KiB in double precision) stay in cache while every row
// of A passes over them.
const PANEL_K = 128
const PANEL_N = 256

function gemm<T>(m: i32, n: i32, k: i32, a: usize, ars: i32, acs: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool): void {
  for (let p0 = 0; p0 < k || p0 == 0; p0 += PANEL_K) {
    const kc = min(PANEL_K, k - p0)
    const ap = at<T>(a, p0 * acs)
    for (let j0 = 0; j0 < n; j0 += PANEL_N) {
      const nc = min(PANEL_N, n - j0)
      const bp = at<T>(b, p0 * ldb + j0), cp = at<T>(c, j0)
      const onto = accumulate || p0 > 0
      let i = 0
      for (; i + 4 <= m; i += 4) rows4<T>(i, nc, kc, ap, ars, acs, bp, ldb, cp, ldc, onto)
      for (; i < m; i++) rows1<T>(i, nc, kc, ap, ars, acs, bp, ldb, cp, ldc, onto)
    }
  }
}

function transpose<T>(src: usize, rows: i32, cols: i32, dst: usize): void {
  let r = 0
  // Single precision: 4 × 4 blocks through registers (the trainer transposes activations at every step).
  if (sizeof<T>() == 4) for (; r + 4 <= rows; r += 4) {
    let c = 0
    for (; c + 4 <= cols; c += 4) {
      const s0 = at<T>(src, r * cols + c), d0 = at<T>(dst, c * rows + r)
      const x0 = v128.load(s0), x1 = v128.load(s0 + cols * 4), x2 = v128.load(s0 + cols * 8), x3 = v128.load(s0 + cols * 12)
      const t0 = v128.shuffle<i32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<i32>(x0, x1, 2, 6, 3, 7)
      const t2 = v128.shuffle<i32>(x2, x3, 0, 4, 1, 5), t3 = v128.shuffle<i32>(x2, x3, 2, 6, 3, 7)
      v128.store(d0, v128.shuffle<i32>(t0, t2, 0, 1, 4, 5))
      v128.store(d0 + rows * 4, v128.shuffle<i32>(t0, t2, 2, 3, 6, 7))
      v128.store(d0 + rows * 8, v128.shuffle<i32>(t1, t3, 0, 1, 4, 5))
      v128.store(d0 + rows * 12, v128.shuffle<i32>(t1, t3, 2, 3, 6, 7))
    }
    for (; c < cols; c++) for (let i = r; i < r + 4; i++) store<T>(at<T>(dst, c * rows + i), load<T>(at<T>(src, i * cols + c)))
  }
  for (; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<T>(at<T>(dst, c * rows + r), load<T>(at<T>(src, r * cols + c)))
  }
}

// @ts-ignore: decorator
@inline function at<T>(base: usize, index: i32): usize {
  return base + <usize>index * sizeof<T>()
}

// @ts-ignore: decorator
@inline function start<T>(c: usize, accumulate: bool): v128 {
  return accumulate ? v128.load(c) : v128.splat<T>(0)
}

/** One element of A in every lane, loaded with a single broadcast. */
// @ts-ignore: decorator
@inline function broadcast<T>(p: usize): v128 {
  return sizeof<T>() == 4 ? v128.load32_splat(p) : v128.load64_splat(p)
}

// @ts-ignore: decorator
@inline function madd<T>(s: v128, x: v128, y: v128): v128 {
  return v128.add<T>(s, v128.mul<T>(x, y))
}

/** Four rows of C: column blocks of two vectors, then one vector, then single columns. */
function rows4<T>(i: i32, n: i32, k: i32, a: usize, ars: i32, acs: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool): void {
  const lanes = <i32>(16 / sizeof<T>())
  const a0 = at<T>(a, i * ars), a1 = at<T>(a, (i + 1) * ars), a2 = at<T>(a, (i + 2) * ars), a3 = at<T>(a, (i + 3) * ars)
  const c0 = at<T>(c, i * ldc), c1 = at<T>(c, (i + 1) * ldc), c2 = at<T>(c, (i + 2) * ldc), c3 = at<T>(c, (i + 3) * ldc)
  let j = 0
  for (; j + 2 * lanes <= n; j += 2 * lanes) {
    const o = at<T>(0, j)
    let s00 = start<T>(c0 + o, accumulate), s01 = start<T>(c0 + o + 16, accumulate)
    let s10 = start<T>(c1 + o, accumulate), s11 = start<T>(c1 + o + 16, accumulate)
    let s20 = start<T>(c2 + o, accumulate), s21 = start<T>(c2 + o + 16, accumulate)
    let s30 = start<T>(c3 + o, accumulate), s31 = start<T>(c3 + o + 16, accumulate)
    // Pointers step through B's rows and A's columns: no multiplications in the inner loop.
    const bStep = at<T>(0, ldb), aStep = at<T>(0, acs)
    const a1o = a1 - a0, a2o = a2 - a0, a3o = a3 - a0
    let row = b + o, q = a0
    for (let p = 0; p < k; p++, row += bStep, q += aStep) {
      const b0 = v128.load(row), b1 = v128.load(row + 16)
      let x = broadcast<T>(q)
      s00 = madd<T>(s00, x, b0); s01 = madd<T>(s01, x, b1)
      x = broadcast<T>(q + a1o)
      s10 = madd<T>(s10, x, b0); s11 = madd<T>(s11, x, b1)
      x = broadcast<T>(q + a2o)
      s20 = madd<T>(s20, x, b0); s21 = madd<T>(s21, x, b1)
      x = broadcast<T>(q + a3o)
      s30 = madd<T>(s30, x, b0); s31 = madd<T>(s31, x, b1)
    }
    v128.store(c0 + o, s00); v128.store(c0 + o + 16, s01)
    v128.store(c1 + o, s10); v128.store(c1 + o + 16, s11)
    v128.store(c2 + o, s20); v128.store(c2 + o + 16, s21)
    v128.store(c3 + o, s30); v128.store(c3 + o + 16, s31)
  }
  for (; j + lanes <= n; j += lanes) {
    const o = at<T>(0, j)
    let s0 = start<T>(c0 + o, accumulate), s1 = start<T>(c1 + o, accumulate), s2 = start<T>(c2 + o, accumulate), s3 = start<T>(c3 + o, accumulate)
    for (let p = 0; p < k; p++) {
      const bv = v128.load(at<T>(b, p * ldb) + o)
      const q = at<T>(0, p * acs)
      s0 = madd<T>(s0, v128.splat<T>(load<T>(a0 + q)), bv)
      s1 = madd<T>(s1, v128.splat<T>(load<T>(a1 + q)), bv)
      s2 = madd<T>(s2, v128.splat<T>(load<T>(a2 + q)), bv)
      s3 = madd<T>(s3, v128.splat<T>(load<T>(a3 + q)), bv)
    }
    v128.store(c0 + o, s0); v128.store(c1 + o, s1); v128.store(c2 + o, s2); v128.store(c3 + o, s3)
  }
  for (; j < n; j++) {
    const o = at<T>(0, j)
    let s0: T = accumulate ? load<T>(c0 + o) : <T>0, s1: T = accumulate ? load<T>(c1 + o) : <T>0
    let s2: T = accumulate ? load<T>(c2 + o) : <T>0, s3: T = accumulate ? load<T>(c3 + o) : <T>0
    for (let p = 0; p < k; p++) {
      const bv = load<T>(at<T>(b, p * ldb) + o)
      const q = at<T>(0, p * acs)
      s0 += load<T>(a0 + q) * bv; s1 += load<T>(a1 + q) * bv
      s2 += load<T>(a2 + q) * bv; s3 += load<T>(a3 + q) * bv
    }
    store<T>(c0 + o, s0); store<T>(c1 + o, s1); store<T>(c2 + o, s2); store<T>(c3 + o, s3)
  }
}

/** One row of C, in the same column blocks. */
function rows1<T>(i: i32, n: i32, k: i32, a: usize, ars: i32, acs: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool): void {
  const lanes = <i32>(16 / sizeof<T>())
  const a0 = at<T>(a, i * ars)
  const c0 = at<T>(c, i * ldc)
  let j = 0
  for (; j + 2 * lanes <= n; j += 2 * lanes) {
    const o = at<T>(0, j)
    let s0 = start<T>(c0 + o, accumulate), s1 = start<T>(c0 + o + 16, accumulate)
    for (let p = 0; p < k; p++) {
      const row = at<T>(b, p * ldb) + o
      const x = v128.splat<T>(load<T>(a0 + at<T>(0, p * acs)))
      s0 = madd<T>(s0, x, v128.load(row))
      s1 = madd<T>(s1, x, v128.load(row + 16))
    }
    v128.store(c0 + o, s0); v128.store(c0 + o + 16, s1)
  }
  for (; j + lanes <= n; j += lanes) {
    const o = at<T>(0, j)
    let s = start<T>(c0 + o, accumulate)
    for (let p = 0; p < k; p++) s = madd<T>(s, v128.splat<T>(load<T>(a0 + at<T>(0, p * acs))), v128.load(at<T>(b, p * ldb) + o))
    v128.store(c0 + o, s)
  }
  for (; j < n; j++) {
    const o = at<T>(0, j)
    let s: T = accumulate ? load<T>(c0 + o) : <T>0
    for (let p = 0; p < k; p++) s += load<T>(a0 + at<T>(0, p * acs)) * load<T>(at<T>(b, p * ldb) + o)
    store<T>(c0 + o, s)
  }
}

// The first layer's two products when its input is sparse (a path encoding has 4 ones in 155): the
// batch's rows come as pairs (column, value), columns increasing, row i's at [starts[i], starts[i + 1]).
// Each entry still sums its terms in increasing column order and only zero terms are left out, so the
// results are those of the dense products, bit for bit (a zero term could only change the sign of a
// zero sum, or make 0 · ∞ a NaN).

/** zᵀ (rows × m, feature-major) += W (rows × ldw, row-major) · xᵀ. */
export function sparseForward32(z: usize, w: usize, rows: i32, ldw: i32, m: i32, starts: usize, pairs: usize): void {
  for (let i = 0; i < m; i++) {
    const end = load<i32>(starts + <usize>(i + 1) * 4)
    for (let q = load<i32>(starts + <usize>i * 4); q < end; q++) {
      const pair = pairs + <usize>q * 8
      const v = load<f32>(pair, 4)
      let wp = at<f32>(w, load<i32>(pair)), zp = at<f32>(z, i)
      const wStep = at<f32>(0, ldw), zStep = at<f32>(0, m)
      for (let o = 0; o < rows; o++, wp += wStep, zp += zStep) store<f32>(zp, load<f32>(zp) + load<f32>(wp) * v)
    }
  }
}

/** ∂W (rows × cols, row-major) = Δᵀ · x, with Δ batch-major (m × rows). */
export function sparseWeightGradient32(g: usize, rows: i32, cols: i32, delta: usize, m: i32, starts: usize, pairs: usize): void {
  memory.fill(g, 0, at<f32>(0, rows * cols))
  for (let i = 0; i < m; i++) {
    const end = load<i32>(starts + <usize>(i + 1) * 4)
    for (let q = load<i32>(starts + <usize>i * 4); q < end; q++) {
      const pair = pairs + <usize>q * 8
      const v = load<f32>(pair, 4)
      let gp = at<f32>(g, load<i32>(pair)), dp = at<f32>(delta, i * rows)
      const gStep = at<f32>(0, cols)
      for (let o = 0; o < rows; o++, gp += gStep, dp += 4) store<f32>(gp, load<f32>(gp) + load<f32>(dp) * v)
    }
  }
}

/**
 * One Adam step with bias correction over `count` parameters, in Kingma and Ba's efficient form
 * (Algorithm 1's closing note): m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
 * p ← p − stepSize·m / (√v + epsHat), with stepSize = lr·√(1−β2ᵗ)/(1−β1ᵗ) and epsHat = eps·√(1−β2ᵗ)
 * computed by the caller. In exact arithmetic this is PyTorch's p − lr·(m/(1−β1ᵗ)) / (√v/√(1−β2ᵗ) + eps),
 * with one division per parameter instead of two; the divisions and square roots set the pass's speed.
 */
export function adam32(p: usize, g: usize, m: usize, v: usize, count: i32, beta1: f32, beta2: f32, stepSize: f32, epsHat: f32): void {
  const vb1 = f32x4.splat(beta1), vb1c = f32x4.splat(1 - beta1), vb2 = f32x4.splat(beta2), vb2c = f32x4.splat(1 - beta2)
  const vStep = f32x4.splat(stepSize), vEps = f32x4.splat(epsHat)
  let i = 0
  for (; i + 4 <= count; i += 4) {
    const o = at<f32>(0, i)
    const gv = v128.load(g + o)
    const mv = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vb1c, gv))
    const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(vb2c, f32x4.mul(gv, gv)))
    v128.store(m + o, mv)
    v128.store(v + o, vv)
    const step = f32x4.div(f32x4.mul(vStep, mv), f32x4.add(f32x4.sqrt(vv), vEps))
    v128.store(p + o, f32x4.sub(v128.load(p + o), step))
  }
  for (; i < count; i++) {
    const o = at<f32>(0, i)
    const gs = load<f32>(g + o)
    const ms = beta1 * load<f32>(m + o) + (1 - beta1) * gs
    const vs = beta2 * load<f32>(v + o) + (1 - beta2) * gs * gs
    store<f32>(m + o, ms)
    store<f32>(v + o, vs)
    store<f32>(p + o, load<f32>(p + o) - (stepSize * ms) / (Mathf.sqrt(vs) + epsHat))
  }
}

// The MLP's elementwise passes, in single-precision storage with double-precision arithmetic, exactly
// as the same loops in JavaScript round (a product of f32 values and an f64 slope, rounded once).

/** z[o·m + i] = bias[o]: every row of a feature-major (rows × m) block starts at its bias. */
export function fillRows32(z: usize, bias: usize, rows: i32, m: i32): void {
  for (let o = 0; o < rows; o++) {
    const v = f32x4.splat(load<f32>(at<f32>(bias, o)))
    const row = at<f32>(z, o * m)
    let i = 0
    for (; i + 4 <= m; i += 4) v128.store(at<f32>(row, i), v)
    for (; i < m; i++) store<f32>(at<f32>(row, i), load<f32>(at<f32>(bias, o)))
  }
}

/** f32(x · scale) for four lanes, the product taken in double precision and rounded once. */
// @ts-ignore: decorator
@inline function scale4(x: v128, scale: v128): v128 {
  const low = f64x2.mul(f64x2.promote_low_f32x4(x), scale)
  const high = f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 2, 3)), scale)
  return v128.shuffle<i32>(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5)
}

/** ReLU / LeakyReLU in place: z < 0 becomes f32(z · slope). */
export function activate32(z: usize, count: i32, slope: f64): void {
  const vs = f64x2.splat(slope), zero = f32x4.splat(0)
  let i = 0
  for (; i + 4 <= count; i += 4) {
    const p = at<f32>(z, i)
    const v = v128.load(p)
    v128.store(p, v128.bitselect(scale4(v, vs), v, f32x4.lt(v, zero)))
  }
  for (; i < count; i++) {
    const p = at<f32>(z, i)
    const v = load<f32>(p)
    if (v < 0) store<f32>(p, <f32>(<f64>v * slope))
  }
}

/** g[o] = Σ_i delta[i·cols + o], summed in double precision: the bias gradient of a batch-major delta. */
export function columnSums32(delta: usize, m: i32, cols: i32, g: usize): void {
  let o = 0
  // Four columns at a time, as two pairs of double-precision lanes (each column's sum in row order).
  for (; o + 4 <= cols; o += 4) {
    let low = f64x2.splat(0), high = f64x2.splat(0)
    for (let i = 0; i < m; i++) {
      const v = v128.load(at<f32>(delta, i * cols + o))
      low = f64x2.add(low, f64x2.promote_low_f32x4(v))
      high = f64x2.add(high, f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 2, 3)))
    }
    v128.store(at<f32>(g, o), v128.shuffle<i32>(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5))
  }
  for (; o < cols; o++) {
    let sum: f64 = 0
    for (let i = 0; i < m; i++) sum += <f64>load<f32>(at<f32>(delta, i * cols + o))
    store<f32>(at<f32>(g, o), <f32>sum)
  }
}

/**
 * The delta below a layer through dropout and the activation's derivative, elementwise over `count`
 * entries (all three blocks batch-major): f32(below · kept · (activation > 0 ? 1 : slope)) in double
 * precision, and 0 where dropout dropped the unit (kept = mask entry, 0 or 1 / keep; 1 when not
 * masked). The kept activation has the sign of z, so it tells the derivative (at z = 0: the slope, as
 * PyTorch does).
 */
export function backActivate32(below: usize, activation: usize, mask: usize, count: i32, slope: f64, masked: bool): void {
  const vs = f64x2.splat(slope), one = f64x2.splat(1), zero = f32x4.splat(0)
  let i = 0
  for (; i + 4 <= count; i += 4) {
    const p = at<f32>(below, i)
    const v = v128.load(p), positive = f32x4.gt(v128.load(at<f32>(activation, i)), zero)
    if (!masked) {
      v128.store(p, v128.bitselect(v, scale4(v, vs), positive))
      continue
    }
    const kept = v128.load(at<f32>(mask, i))
    const low = f64x2.mul(f64x2.mul(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(kept)), v128.bitselect(one, vs, widenLow(positive)))
    const vh = v128.shuffle<i32>(v, v, 2, 3, 2, 3), kh = v128.shuffle<i32>(kept, kept, 2, 3, 2, 3)
    const high = f64x2.mul(f64x2.mul(f64x2.promote_low_f32x4(vh), f64x2.promote_low_f32x4(kh)), v128.bitselect(one, vs, widenLow(v128.shuffle<i32>(positive, positive, 2, 3, 2, 3))))
    const product = v128.shuffle<i32>(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5)
    v128.store(p, v128.bitselect(zero, product, f32x4.eq(kept, zero)))
  }
  for (; i < count; i++) {
    const p = at<f32>(below, i)
    const kept: f64 = masked ? <f64>load<f32>(at<f32>(mask, i)) : 1
    const derivative: f64 = load<f32>(at<f32>(activation, i)) > 0 ? 1 : slope
    store<f32>(p, kept == 0 ? 0 : <f32>(<f64>load<f32>(p) * kept * derivative))
  }
}

/** The two low 32-bit lane masks of x as two 64-bit lane masks. */
// @ts-ignore: decorator
@inline function widenLow(x: v128): v128 {
  return v128.shuffle<i32>(x, x, 0, 0, 1, 1)
}

/**
 * One pass of Householder tridiagonalisation over the lower triangle of a (m × m, row-major) from
 * row and column `first` on: if `update`, A −= v wᵀ + w vᵀ; if `multiply`, p = A · next over that
 * trailing block, read from the lower triangle alone (each entry serves its row's dot product and its
 * column's sum) and taken from the updated entries. Fusing the two makes one pass over memory per
 * column instead of three. v, w, next and p are indexed from `first`.
 */
export function tridiagonalPass64(a: usize, m: i32, first: i32, v: usize, w: usize, update: bool, next: usize, p: usize, multiply: bool): void {
  for (let i = first; i < m; i++) {
    const ii = i - first
    const row = at<f64>(a, i * m + first)
    const vi = load<f64>(at<f64>(v, ii)), wi = load<f64>(at<f64>(w, ii)), ni = load<f64>(at<f64>(next, ii))
    const vvi = f64x2.splat(vi), vwi = f64x2.splat(wi), vni = f64x2.splat(ni)
    let dot = f64x2.splat(0)
    let c = 0
    for (; c + 2 <= ii; c += 2) {
      const q = at<f64>(row, c)
      let x = v128.load(q)
      if (update) {
        x = f64x2.sub(x, f64x2.add(f64x2.mul(vvi, v128.load(at<f64>(w, c))), f64x2.mul(vwi, v128.load(at<f64>(v, c)))))
        v128.store(q, x)
      }
      if (multiply) {
        dot = f64x2.add(dot, f64x2.mul(x, v128.load(at<f64>(next, c))))
        const pc = at<f64>(p, c)
        v128.store(pc, f64x2.add(v128.load(pc), f64x2.mul(x, vni)))
      }
    }
    let sum = f64x2.extract_lane(dot, 0) + f64x2.extract_lane(dot, 1)
    for (; c <= ii; c++) {
      const q = at<f64>(row, c)
      let x = load<f64>(q)
      if (update) {
        x -= vi * load<f64>(at<f64>(w, c)) + wi * load<f64>(at<f64>(v, c))
        store<f64>(q, x)
      }
      if (multiply) {
        if (c < ii) {
          sum += x * load<f64>(at<f64>(next, c))
          store<f64>(at<f64>(p, c), load<f64>(at<f64>(p, c)) + x * ni)
        } else store<f64>(at<f64>(p, ii), sum + x * ni)
      }
    }
  }
}
