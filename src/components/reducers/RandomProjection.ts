/**
 * A Gaussian random projection to `components` dimensions: a d × k matrix of independent N(0, 1/k)
 * entries drawn from stream `random-projection` of its own `seed` (a param, so every fit of a search
 * and every CV trial project alike), applied to the rows as they are. Data-independent, so its "fit"
 * only reads d; distances are preserved in expectation (Johnson–Lindenstrauss).
 */
import { Effect, Schema } from "effect"
import * as Rng from "../../core/Rng.ts"
import { define } from "../Reducer.ts"

/** The d × k projection matrix (row-major), entries N(0, 1/k). */
export const matrix = (d: number, k: number, seed: number) => {
  const rng = Rng.make(seed, "random-projection")
  const scale = 1 / Math.sqrt(k)
  return Float64Array.from({ length: d * k }, () => rng.normal() * scale)
}

export const randomProjection = define({
  name: "random-projection",
  version: 1,
  params: Schema.Struct({
    components: Schema.Int.check(Schema.isGreaterThan(0)),
    seed: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)).pipe(Schema.withDecodingDefaultKey(Effect.succeed(0)))
  }),
  sources: [import.meta.url],
  make: ({ components, seed }) => ({
    fit: (_x, _n, d) => {
      const r = matrix(d, components, seed)
      return {
        width: components,
        transform: (rows, m) => {
          const out = new Float64Array(m * components)
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < d; j++) {
              const v = rows[i * d + j]!
              if (v === 0) continue
              for (let c = 0; c < components; c++) out[i * components + c]! += v * r[j * components + c]!
            }
          }
          return out
        }
      }
    }
  })
})
