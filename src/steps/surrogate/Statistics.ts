/**
 * The statistics of the reports: Student's t distribution (through the regularised incomplete beta
 * function, Lentz's continued fraction) and the Nadeau–Bengio corrected paired t-test of
 * docs/surrogate.md
 */

/** ln Γ(x) by the Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0. */
export const logGamma = (x: number): number => {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7]
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  x -= 1
  let a = c[0]!
  const t = x + 7.5
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i)
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a)
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
const betaFraction = (a: number, b: number, x: number): number => {
  const tiny = 1e-300
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  d = 1 / (Math.abs(d) < tiny ? tiny : d)
  let h = d
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + aa * d
    d = 1 / (Math.abs(d) < tiny ? tiny : d)
    c = 1 + aa / c
    c = Math.abs(c) < tiny ? tiny : c
    h *= d * c
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + aa * d
    d = 1 / (Math.abs(d) < tiny ? tiny : d)
    c = 1 + aa / c
    c = Math.abs(c) < tiny ? tiny : c
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < 1e-15) break
  }
  return h
}

/** The regularised incomplete beta function I_x(a, b). */
export const incompleteBeta = (x: number, a: number, b: number): number => {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x))
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export const studentTCdf = (t: number, df: number): number => {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5)
  return t >= 0 ? 1 - tail : tail
}

export interface PairedTest {
  readonly n: number
  readonly meanDifference: number
  readonly t: number
  readonly df: number
  /** One-tailed: the alternative is "B ranks better than A" (d = τ_B − τ_A > 0). */
  readonly p: number
}

/**
 * Nadeau–Bengio corrected paired t-test: t = mean(d) / √((1/n + n_test/n_train) · var(d)), sample
 * variance, df = n − 1; t = 0 and p = 1 when the corrected variance is 0.
 */
export const nadeauBengio = (d: ReadonlyArray<number>, testOverTrain: number): PairedTest => {
  const n = d.length
  const mean = d.reduce((a, b) => a + b, 0) / n
  const variance = n > 1 ? d.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0
  const corrected = (1 / n + testOverTrain) * variance
  // Equal differences leave only rounding noise in the variance: that is a zero variance.
  if (!(corrected > 1e-24 * Math.max(1, mean * mean))) return { n, meanDifference: mean, t: 0, df: n - 1, p: 1 }
  const t = mean / Math.sqrt(corrected)
  return { n, meanDifference: mean, t, df: n - 1, p: 1 - studentTCdf(t, n - 1) }
}

/** The p-quantile of Student's t with df degrees of freedom (bisection on the cdf). */
export const studentTQuantile = (p: number, df: number): number => {
  let lo = -1e3, hi = 1e3
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2
    if (studentTCdf(mid, df) < p) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

export interface WelchTest {
  readonly t: number
  readonly df: number
  /** Two-sided. */
  readonly p: number
}

/** Welch's two-sample t-test (unequal variances, Welch–Satterthwaite df); t = 0, p = 1 without variance. */
export const welch = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): WelchTest => {
  const stats = (x: ReadonlyArray<number>) => {
    const mean = x.reduce((s, v) => s + v, 0) / x.length
    return { n: x.length, mean, variance: x.length > 1 ? x.reduce((s, v) => s + (v - mean) ** 2, 0) / (x.length - 1) : 0 }
  }
  const [x, y] = [stats(a), stats(b)]
  const va = x.variance / x.n, vb = y.variance / y.n
  if (!(va + vb > 0)) return { t: 0, df: x.n + y.n - 2, p: 1 }
  const t = (y.mean - x.mean) / Math.sqrt(va + vb)
  const df = (va + vb) ** 2 / ((va * va) / Math.max(x.n - 1, 1) + (vb * vb) / Math.max(y.n - 1, 1))
  return { t, df, p: 2 * (1 - studentTCdf(Math.abs(t), df)) }
}
