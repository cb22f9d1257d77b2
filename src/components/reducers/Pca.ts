/** PCA to at most `components` dimensions, fitted on the training rows (docs/surrogate.md). */
import { Schema } from "effect"
import * as Pca from "../../steps/reduce/Pca.ts"
import { define } from "../Reducer.ts"

export const pca = define({
  name: "pca",
  version: 1,
  params: Schema.Struct({ components: Schema.Int.check(Schema.isGreaterThan(0)) }),
  sources: [import.meta.url],
  make: ({ components }) => ({
    fit: (x, n, d, seed) => {
      const model = Pca.fit(x, n, d, components, { seed })
      return { width: model.k, transform: (rows, m) => Pca.transform(model, rows, m) }
    }
  })
})
