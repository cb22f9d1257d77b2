/**
 * BANANAS (docs/search.md): an initial random design, then batches of k chosen by the acquisition over
 * candidates generated from what was seen, the surrogate refitted from scratch before each batch.
 */
import { Effect, Schema } from "effect"
import { define } from "../../components/Strategy.ts"
import * as Trial from "../Trial.ts"
import { guard } from "./guard.ts"

export const bananas = define({
  name: "bananas",
  version: 1,
  params: Schema.Struct({}),
  sources: [import.meta.url],
  make: () => ({
    run: (trial) =>
      Effect.gen(function*() {
        const initial = Math.min(trial.preset.initial, trial.budget)
        yield* trial.batch(0, Effect.flatMap(guard(() => Trial.randomDesign(trial.space, trial.seed, initial)), (archs) => trial.evaluate({ archs: [], values: [] }, archs)))
        for (let fit = 1; trial.history().archs.length < trial.budget; fit++) {
          const seen = trial.history()
          yield* trial.batch(fit, Effect.gen(function*() {
            const plan = yield* guard(() => Trial.plan(trial.space, trial.generator, trial.dedupe, trial.seed, fit, seen))
            if (plan.fill !== undefined) return yield* trial.evaluate(seen, [plan.fill])
            const { mu, sigma } = yield* trial.predict(fit, seen, plan.candidates)
            const k = Math.min(trial.preset.k, trial.budget - seen.archs.length)
            const chosen = Trial.choose(fit, plan.candidates, mu, sigma, Math.max(...seen.values), trial.acquisition, k, trial.seed)
            return yield* trial.evaluate(seen, chosen.map((c) => c.arch), chosen.map((c) => c.choice))
          }))
        }
      })
  })
})
