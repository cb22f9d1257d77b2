/**
 * The search-strategy kind: how one trial spends its budget. A strategy runs on the main thread and
 * drives the trial through `Trial` (below): it records evaluations in numbered batches — each a cache
 * entry, so a resumed trial replays the batches it had and continues with the same numbers — asks for
 * objective values, and fits the surrogate (reducer + head, on a worker) on what it has seen. Everything
 * random must come from streams of the trial seed (`Rng.make(trial.seed, …)`), which makes a batch a
 * function of the evaluations before it.
 */
import type { Effect } from "effect"
import * as Component from "../core/Component.ts"
import type { Space } from "../core/Space.ts"
import type * as Candidates from "../search/Candidates.ts"
import type { Preset } from "../search/Presets.ts"
import type { Choice, History, Record } from "../search/Trial.ts"
import type { Name as AcquisitionName } from "../search/Acquisition.ts"
import type { InvalidStepInput } from "../steps/InvalidStepInput.ts"

/** What a strategy can do in a trial; `E` is whatever the trial's evaluator and workers may fail with. */
export interface Trial<E> {
  readonly space: Space<any, any>
  readonly seed: number
  readonly budget: number
  readonly preset: Preset
  /** The search's candidate generator, acquisition and de-duplication settings. */
  readonly generator: Candidates.Options
  readonly acquisition: AcquisitionName
  readonly dedupe: boolean
  /** Records batch `index`: the records `produce` makes, or the cached ones of an earlier run. */
  readonly batch: <BE>(index: number, produce: Effect.Effect<Array<Record>, BE>) => Effect.Effect<void, E | BE>
  /** Everything recorded so far, in evaluation order. */
  readonly history: () => History
  /** Evaluates `archs` after `before` as records (with the surrogate's view of each, when it chose them). */
  readonly evaluate: (before: History, archs: ReadonlyArray<string>, choices?: ReadonlyArray<Choice>) => Effect.Effect<Array<Record>, E>
  /** Records `archs` with values already known (as `evaluate` does after asking for them). */
  readonly record: (before: History, archs: ReadonlyArray<string>, values: ReadonlyArray<number>, choices?: ReadonlyArray<Choice>) => Array<Record>
  /** One objective value. */
  readonly value: (arch: string) => Effect.Effect<number, E>
  /** Fits the surrogate on `seen` (fit number `fit`) and predicts μ and σ for each candidate. */
  readonly predict: (fit: number, seen: History, candidates: ReadonlyArray<string>) => Effect.Effect<{ readonly mu: Float64Array; readonly sigma: Float64Array }, E>
}

export interface Strategy {
  readonly run: <E>(trial: Trial<E>) => Effect.Effect<void, E | InvalidStepInput>
}

export const define = Component.kind<"strategy", Strategy>("strategy")
