/**
 * Minimisation inside a box by projected L-BFGS: the two-loop recursion over the last `memory` steps
 * gives the direction (variables held at a bound by their gradient are left out of it), a
 * backtracking Armijo search along the projected path the step. Enough for a few hundred smooth
 * hyperparameters; the point returned is the best one evaluated. A value that is not finite counts as
 * worse than any finite one, so the search backs off from where the objective breaks down.
 */

export interface Options {
  readonly lower: Float64Array
  readonly upper: Float64Array
  readonly iterations: number
  readonly memory?: number
  /** Stops when every projected-gradient entry is below this. */
  readonly gradientTolerance?: number
  /** Stops when a step improves the value by less than this, relative to it. */
  readonly valueTolerance?: number
}

export interface Evaluation {
  readonly value: number
  readonly gradient: Float64Array
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

export const minimize = (f: (x: Float64Array) => Evaluation, start: Float64Array, options: Options): Float64Array => {
  const { lower, upper } = options
  const memory = options.memory ?? 10
  const gtol = options.gradientTolerance ?? 1e-5
  const ftol = options.valueTolerance ?? 1e-9
  const project = (x: Float64Array) => x.map((v, i) => Math.min(Math.max(v, lower[i]!), upper[i]!))
  let x: Float64Array = project(start)
  let current = f(x)
  if (!Number.isFinite(current.value)) return x
  const steps: Array<{ s: Float64Array; y: Float64Array; rho: number }> = []
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    const g = current.gradient
    // Variables at a bound that the gradient pushes further out stay where they are.
    const free = Uint8Array.from(x, (v, i) => (v <= lower[i]! && g[i]! > 0) || (v >= upper[i]! && g[i]! < 0) ? 0 : 1)
    let projected = 0
    for (let i = 0; i < x.length; i++) if (free[i]) projected = Math.max(projected, Math.abs(g[i]!))
    if (projected < gtol) break
    // Two-loop recursion: d = −H g on the free variables.
    const q = g.map((v, i) => (free[i] ? v : 0))
    const alphas: Array<number> = []
    for (let k = steps.length - 1; k >= 0; k--) {
      const a = steps[k]!.rho * dot(steps[k]!.s, q)
      alphas.push(a)
      for (let i = 0; i < q.length; i++) q[i]! -= a * steps[k]!.y[i]!
    }
    const last = steps.at(-1)
    const gamma = last === undefined ? 1 / Math.max(Math.sqrt(dot(q, q)), 1) : dot(last.s, last.y) / dot(last.y, last.y)
    for (let i = 0; i < q.length; i++) q[i]! *= gamma
    for (let k = 0; k < steps.length; k++) {
      const b = steps[k]!.rho * dot(steps[k]!.y, q)
      const a = alphas[steps.length - 1 - k]!
      for (let i = 0; i < q.length; i++) q[i]! += steps[k]!.s[i]! * (a - b)
    }
    let direction = q.map((v, i) => (free[i] ? -v : 0))
    if (dot(direction, g) >= 0) {
      // Not a descent direction: forget the curvature pairs and go down the gradient.
      steps.length = 0
      direction = g.map((v, i) => (free[i] ? -v / Math.max(projected, 1) : 0))
    }
    let t = 1
    let next: { x: Float64Array; e: Evaluation } | undefined
    for (let tries = 0; tries < 40; tries++, t /= 2) {
      const candidate = project(x.map((v, i) => v + t * direction[i]!))
      const e = f(candidate)
      const moved = candidate.map((v, i) => v - x[i]!)
      if (Number.isFinite(e.value) && e.value <= current.value + 1e-4 * dot(g, moved)) {
        next = { x: candidate, e }
        break
      }
    }
    if (next === undefined) break
    const s = next.x.map((v, i) => v - x[i]!)
    const y = next.e.gradient.map((v, i) => v - g[i]!)
    const sy = dot(s, y)
    if (sy > 1e-10) {
      steps.push({ s, y, rho: 1 / sy })
      if (steps.length > memory) steps.shift()
    }
    const improvement = current.value - next.e.value
    x = next.x
    current = next.e
    if (improvement <= ftol * Math.max(Math.abs(current.value), 1)) break
  }
  return x
}
