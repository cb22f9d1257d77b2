/** Random search: the whole budget drawn from stream `init` at once, one batch. */
import { Effect, Schema } from "effect"
import { define } from "../../components/Strategy.ts"
import * as Trial from "../Trial.ts"
import { guard } from "./guard.ts"

export const randomSearch = define({
  name: "random",
  version: 1,
  params: Schema.Struct({}),
  sources: [import.meta.url],
  make: () => ({
    run: (trial) =>
      trial.batch(0, Effect.flatMap(guard(() => Trial.randomDesign(trial.space, trial.seed, trial.budget)), (archs) => trial.evaluate({ archs: [], values: [] }, archs)))
  })
})
