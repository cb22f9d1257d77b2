/** `Reduce` implementations: PCA fitted on the training architectures, and the identity (no reduction). */
import { Effect, Schema } from "effect"
import * as Step from "../../core/Step.ts"
import { InvalidStepInput } from "../InvalidStepInput.ts"
import { Reduce } from "../Services.ts"
import * as PcaFit from "./Pca.ts"

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
        const x = new Float64Array(rows.length * d)
        rows.forEach((r, i) => x.set(features.columns.x.subarray(r * d, (r + 1) * d), i * d))
        const model = PcaFit.fit(x, rows.length, d, components)
        return { reduced: { arch: features.columns.arch, x: PcaFit.transform(model, features.columns.x, n) } }
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
