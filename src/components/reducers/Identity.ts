/** No reduction: the features as they are. */
import { Schema } from "effect"
import { define } from "../Reducer.ts"

export const identity = define({
  name: "identity",
  version: 1,
  params: Schema.Struct({}),
  sources: [import.meta.url],
  make: () => ({
    fit: (_x, _n, d) => ({
      width: d,
      transform: (rows) => (rows instanceof Float32Array || rows instanceof Float64Array ? rows : Float64Array.from(rows))
    })
  })
})
