/**
 * Candidate generation of docs/search.md: mutations of the best evaluated architectures (NASLib's
 * chained random walk per parent, or independent "star" children), or independent random samples.
 */
import type * as Rng from "../core/Rng.ts"
import type { Space } from "../core/Space.ts"

export interface MutationOptions {
  readonly kind: "mutation"
  readonly parents: number
  readonly mutations: number
  readonly candidates: number
  readonly mode: "naslib-chain" | "star"
}

export interface RandomOptions {
  readonly kind: "random"
  readonly candidates: number
}

export type Options = MutationOptions | RandomOptions

/** ⌊candidates / parents / m⌋ over the real quotient; 0 makes the configuration invalid. */
export const perParent = (o: MutationOptions, available: number) => Math.floor(o.candidates / Math.min(o.parents, available) / o.mutations)

/** The `parents` best of D: value descending, earlier evaluation first on ties (a stable sort). */
export const parents = (values: ReadonlyArray<number>, count: number): Array<number> =>
  Array.from({ length: values.length }, (_, i) => i)
    .sort((a, b) => values[b]! - values[a]! || a - b)
    .slice(0, count)

/** Candidates (architectures) for one fit, in generation order. */
export const generate = <A>(space: Space<A, any>, o: Options, evaluated: ReadonlyArray<A>, values: ReadonlyArray<number>, rng: Rng.Rng): Array<A> => {
  if (o.kind === "random") return Array.from({ length: o.candidates }, () => space.sample(rng))
  const mutateTimes = (arch: A) => {
    let out = arch
    for (let i = 0; i < o.mutations; i++) out = space.mutate(out, rng)
    return out
  }
  const count = perParent(o, evaluated.length)
  const out: Array<A> = []
  for (const p of parents(values, o.parents)) {
    let current: A = evaluated[p]!
    for (let j = 0; j < count; j++) {
      const child = mutateTimes(o.mode === "naslib-chain" ? current : evaluated[p]!)
      out.push(child)
      current = child
    }
  }
  return out
}
