/**
 * One search trial as a sequence of batches (docs/search.md): the initial design, then one
 * batch per surrogate fit (BANANAS), or the whole run at once (random search, regularized evolution).
 * Every function here is pure given the trial seed: a batch depends only on the evaluations before it,
 * so a trial can stop after any batch and continue from the recorded ones, bit for bit.
 */
import { Effect } from "effect"
import * as Rng from "../core/Rng.ts"
import type { Space } from "../core/Space.ts"
import type { Trajectory } from "../../schemas/Tables.ts"
import type * as Artifact from "../core/Artifact.ts"
import * as Acquisition from "./Acquisition.ts"
import * as Candidates from "./Candidates.ts"

export type Record = Artifact.Row<typeof Trajectory.columns>

/** What the trial has seen: D in evaluation order. */
export interface History {
  readonly archs: ReadonlyArray<string>
  readonly values: ReadonlyArray<number>
}

export const history = (records: ReadonlyArray<Record>): History => ({ archs: records.map((r) => r.arch), values: records.map((r) => r.value) })

/** An evaluation's ensemble view, when a fit chose it. */
export interface Choice {
  readonly fit: number
  readonly rank: number
  readonly acquisition: number
  readonly mu: number
  readonly sigma: number
}

/** Records the evaluation of `archs` (with their `values`) after `before`, with duplicates and the incumbent (earliest maximum). */
export const evaluate = (trial: number, before: History, archs: ReadonlyArray<string>, values: ReadonlyArray<number>, choices?: ReadonlyArray<Choice>): Array<Record> => {
  const seen = new Set(before.archs)
  let best = -Infinity
  let bestArch = ""
  before.values.forEach((v, i) => {
    if (v > best) [best, bestArch] = [v, before.archs[i]!]
  })
  return archs.map((arch, i) => {
    const value = values[i]!
    const duplicate = seen.has(arch)
    seen.add(arch)
    if (value > best) [best, bestArch] = [value, arch]
    const c = choices?.[i]
    return {
      trial,
      t: before.archs.length + i + 1,
      arch,
      value,
      origin: c === undefined ? "init" : "candidate",
      fit: c?.fit ?? null,
      rank: c?.rank ?? null,
      acquisition: c?.acquisition ?? null,
      mu: c?.mu ?? null,
      sigma: c?.sigma ?? null,
      duplicate,
      incumbent: best,
      incumbentArch: bestArch
    }
  })
}

/** n random valid architectures from stream `init` (BANANAS' initial design, random search). */
export const randomDesign = <A>(space: Space<A, any>, seed: number, n: number) => {
  const rng = Rng.make(seed, "init")
  return Array.from({ length: n }, () => space.format(space.sample(rng)))
}

/** Regularized evolution (docs/search.md): a FIFO population of P, tournaments of S drawn with replacement. */
export const evolution = <A, E>(
  space: Space<A, any>, seed: number, budget: number, population: number, tournament: number,
  valueOf: (arch: string) => Effect.Effect<number, E>
): Effect.Effect<History, E> =>
  Effect.gen(function*() {
    const init = Rng.make(seed, "init")
    const re = Rng.make(seed, "re")
    const queue: Array<{ arch: A; value: number }> = []
    const archs: Array<string> = []
    const values: Array<number> = []
    for (let t = 1; t <= budget; t++) {
      let child: A
      if (t <= population) {
        child = space.sample(init)
      } else {
        let parent = queue[re.int(queue.length)]!
        for (let s = 1; s < tournament; s++) {
          const drawn = queue[re.int(queue.length)]!
          if (drawn.value > parent.value) parent = drawn
        }
        child = space.mutate(parent.arch, re)
      }
      const arch = space.format(child)
      const value = yield* valueOf(arch)
      queue.push({ arch: child, value })
      if (queue.length > population) queue.shift()
      archs.push(arch)
      values.push(value)
    }
    return { archs, values }
  })

export interface FitPlan {
  /** Candidate arch strings in generation order (after de-duplication, when asked). */
  readonly candidates: ReadonlyArray<string>
  /** Set when de-duplication left no candidate: evaluate this one instead, without a fit. */
  readonly fill?: string
}

/** Candidates for fit `fit` (stream `candidates`, indexed by fit), de-duplicated against D if asked. */
export const plan = <A>(space: Space<A, any>, options: Candidates.Options, dedupe: boolean, seed: number, fit: number, d: History): FitPlan => {
  const parse = (s: string) => {
    const parsed = space.parse(s)
    if (parsed._tag === "Failure") throw parsed.failure
    return parsed.success
  }
  const generated = Candidates.generate(space, options, d.archs.map(parse), d.values, Rng.make(seed, "candidates", String(fit))).map(space.format)
  if (!dedupe) return { candidates: generated }
  const seen = new Set(d.archs)
  const kept = generated.filter((a) => !seen.has(a) && (seen.add(a), true))
  if (kept.length > 0) return { candidates: kept }
  const rng = Rng.make(seed, "dedupe-fill", String(fit))
  const evaluated = new Set(d.archs)
  for (let tries = 0; tries < 100_000; tries++) {
    const arch = space.format(space.sample(rng))
    if (!evaluated.has(arch)) return { candidates: [], fill: arch }
  }
  throw new Error(`dedupe: no architecture left that has not been evaluated (after ${d.archs.length} evaluations)`)
}

/** The batch a fit chooses: the k best by acquisition (stream `acquisition`, indexed by fit), best first. */
export const choose = (fit: number, candidates: ReadonlyArray<string>, mu: Float64Array, sigma: Float64Array, best: number, name: Acquisition.Name, k: number, seed: number) => {
  const values = Acquisition.values(name, mu, sigma, best, Rng.make(seed, "acquisition", String(fit)))
  return Acquisition.topK(values, k).map((i, rank) => ({
    arch: candidates[i]!,
    choice: { fit, rank, acquisition: values[i]!, mu: mu[i]!, sigma: sigma[i]! }
  }))
}
