/**
 * `Reduce` implementations: PCA fitted on the training architectures (on the Executor, so a long fit
 * never holds up this thread), and the identity (no reduction).
 */
import { Effect, Schema } from "effect"
import { Executor } from "../../core/Executor.ts"
import * as Step from "../../core/Step.ts"
import { InvalidStepInput } from "../InvalidStepInput.ts"
import { Reduce } from "../Services.ts"
import type { fitTransform } from "./Pca.ts"

const FIT_TRANSFORM = { module: new URL("./Pca.ts", import.meta.url).href, fn: "fitTransform" }

export const Pca = {
  layer: Step.implement(Reduce, {
    implementation: "pca",
    // 3: exact solvers on SymmetricEigen, block Lanczos for large inputs (new rounding, converged fits).
    version: 3,
    params: Schema.Struct({ components: Schema.Int.check(Schema.isGreaterThan(0)) }),
    sources: [import.meta.url],
    run: ({ features, train }, { components }) =>
      Effect.gen(function*() {
        const n = features.length
        const d = n === 0 ? 0 : features.columns.x.length / n
        const rowOf = new Map(features.columns.arch.map((a, i) => [a, i]))
        const rows: Array<number> = []
        for (const arch of train.columns.arch) {
          const row = rowOf.get(arch)
          if (row === undefined) return yield* new InvalidStepInput({ step: "reduce", problem: `training architecture ${JSON.stringify(arch)} has no features` })
          rows.push(row)
        }
        if (rows.length === 0) return yield* new InvalidStepInput({ step: "reduce", problem: "no training architectures to fit PCA on" })
        const executor = yield* Executor
        const x = yield* executor.run<Parameters<typeof fitTransform>[0], Float32Array>(FIT_TRANSFORM, {
          features: features.columns.x,
          n,
          d,
          train: Int32Array.from(rows),
          components
        })
        return { reduced: { arch: features.columns.arch, x } }
      })
  })
}

export const Identity = {
  layer: Step.implement(Reduce, {
    implementation: "identity",
    version: 1,
    params: Schema.Struct({}),
    sources: [import.meta.url],
    run: ({ features }) => Effect.succeed({ reduced: features })
  })
}
