/**
 * Implementations of the search-space steps for any space of the registry: list or sample
 * architectures, transpile them to code text, encode them structurally, evaluate them. Each names its
 * space (and the space's version) in its key, so a space's code change invalidates exactly its results;
 * the spaces' own sources are guarded by their versions in steps.lock.json.
 */
import { InvalidStepInput } from "./InvalidStepInput.ts"
import { Effect, Schema } from "effect"
import * as Rng from "../core/Rng.ts"
import { decodeTranspileOptions, encodeAll, getEncoding } from "../core/Space.ts"
import * as Step from "../core/Step.ts"
import { getSpace, spaceFact } from "../spaces/registry.ts"
import { Evaluator } from "./Evaluator.ts"
import { parseAll } from "./parseAll.ts"
import { Architectures, Encode, Evaluate, Transpile } from "./Services.ts"

const here = import.meta.url

const spaceEnvironment = (params: { readonly space: string }) => getSpace(params.space).pipe(Effect.map(spaceFact))

/** All architectures of the space (or the first `limit`), or `count` sampled with `seed`. */
export const architectures = Step.implement(Architectures, {
  implementation: "space",
  version: 1,
  params: Schema.Struct({
    space: Schema.String,
    sample: Schema.optional(Schema.Struct({ count: Schema.Int, seed: Schema.Int })),
    limit: Schema.optional(Schema.Int.check(Schema.isGreaterThan(0)))
  }),
  sources: [here],
  environment: spaceEnvironment,
  run: (_inputs, params) =>
    Effect.gen(function*() {
      const space = yield* getSpace(params.space)
      if (params.sample === undefined) {
        if (space.enumerate === undefined) {
          return yield* new InvalidStepInput({ step: "architectures", problem: `space ${space.name} cannot be enumerated; give sample: { count, seed }` })
        }
        return { architectures: { arch: space.enumerate().slice(0, params.limit).map(space.format) } }
      }
      const rng = Rng.make(params.sample.seed, "architectures")
      return { architectures: { arch: Array.from({ length: params.sample.count }, () => space.format(space.sample(rng))) } }
    })
})

/** Code text of every architecture; `options` are the space's transpiler options (mode, add-on, …). */
export const transpile = Step.implement(Transpile, {
  implementation: "space",
  version: 1,
  params: Schema.Struct({ space: Schema.String, options: Schema.Json }),
  sources: [here],
  environment: spaceEnvironment,
  run: ({ architectures }, params) =>
    Effect.gen(function*() {
      const space = yield* getSpace(params.space)
      const options = yield* decodeTranspileOptions(space, params.options)
      const archs = yield* parseAll(space, architectures.columns.arch)
      return { code: { arch: architectures.columns.arch, code: archs.map((a) => space.transpile(a, options)) } }
    })
})

/** A structural encoding of every architecture (`onehot30`, `path-naslib`, …). */
export const encode = Step.implement(Encode, {
  implementation: "space",
  version: 1,
  params: Schema.Struct({ space: Schema.String, encoding: Schema.String }),
  sources: [here],
  environment: spaceEnvironment,
  run: ({ architectures }, params) =>
    Effect.gen(function*() {
      const space = yield* getSpace(params.space)
      const encoding = yield* getEncoding(space, params.encoding)
      const archs = yield* parseAll(space, architectures.columns.arch)
      return { features: { arch: architectures.columns.arch, x: encodeAll(encoding, archs) } }
    })
})

/** The objective value of every architecture, from the Evaluator layer (a benchmark table, …). */
export const evaluate = Step.implement(Evaluate, {
  implementation: "evaluator",
  version: 1,
  params: Schema.Struct({}),
  sources: [here],
  environment: () => Effect.map(Evaluator, (e) => e.facts),
  run: ({ architectures }) =>
    Effect.gen(function*() {
      const evaluator = yield* Evaluator
      const value = new Float64Array(architectures.length)
      for (let i = 0; i < architectures.length; i++) value[i] = yield* evaluator.evaluate(architectures.columns.arch[i]!)
      return { objective: { arch: architectures.columns.arch, value } }
    })
})
