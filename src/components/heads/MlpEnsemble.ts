/**
 * NASLib's MLP ensemble (docs/search.md): M members trained from scratch on the same data, differing
 * only in their streams; the mean and the (population) standard deviation of their predictions.
 */
import { Schema } from "effect"
import * as Ensemble from "../../steps/surrogate/Ensemble.ts"
import { moments } from "../../search/Acquisition.ts"
import { define, stream } from "../Head.ts"

export const mlpEnsemble = define({
  name: "mlp-ensemble",
  version: 1,
  params: Schema.Struct({
    preset: Schema.Literals(["naslib-default", "cole-paper"]),
    /** Training epochs; 0 = the preset's. */
    epochs: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
  }),
  sources: [import.meta.url],
  make: ({ preset, epochs }) => ({
    fit: (x, y, n, d, seeding) => {
      const chosen = { ...Ensemble.presets[preset], ...(epochs > 0 ? { epochs } : {}) }
      const members = Ensemble.fit(chosen, x, y, n, d, (name, member) => stream(seeding, name, String(member)))
      return {
        predict: (rows, m) => {
          const { mu, sigma } = moments(Ensemble.predict(members, rows, m), m)
          return { mean: mu, sd: sigma }
        }
      }
    }
  })
})
