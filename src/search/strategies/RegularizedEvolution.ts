/** Regularized evolution (docs/search.md) with the preset's population and tournament, one batch. */
import { Effect, Schema } from "effect"
import { define } from "../../components/Strategy.ts"
import * as Trial from "../Trial.ts"

export const regularizedEvolution = define({
  name: "re",
  version: 1,
  params: Schema.Struct({}),
  sources: [import.meta.url],
  make: () => ({
    run: (trial) =>
      trial.batch(0, Effect.gen(function*() {
        const run = yield* Trial.evolution(trial.space, trial.seed, trial.budget, trial.preset.population, trial.preset.tournament, trial.value)
        return trial.record({ archs: [], values: [] }, run.archs, run.values)
      }))
  })
})
