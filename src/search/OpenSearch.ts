/**
 * Search on a space without a lookup table (einspace, a user's space). Candidates are featurized from
 * their code text as they are generated — hashed n-grams with sublinear TF and no corpus statistics, so
 * an architecture's row depends on its text alone and a resumed trial sees the same numbers — reduced by
 * a fresh PCA at every fit, and evaluated by the Evaluator layer as they are chosen, each evaluation a
 * cache entry of its own. An evaluation that fails (EvaluationFailed: a crash, no number, a timeout) is
 * recorded with its status and counts as `failureValue`; the search goes on. Trials, batches, caching
 * and resume are those of the table search (`runTrials`).
 */
import { Effect, Result, Schema } from "effect"
import { Evaluation, OpenTrajectory } from "../../schemas/Tables.ts"
import * as Artifact from "../core/Artifact.ts"
import * as Hash from "../core/Hash.ts"
import * as Shards from "../core/Shards.ts"
import * as Step from "../core/Step.ts"
import { getSpace, spaceFact } from "../spaces/registry.ts"
import { Evaluator } from "../steps/Evaluator.ts"
import { embedCorpus } from "../steps/HashedNgram.ts"
import { OpenSearch } from "../steps/Services.ts"
import { InvalidStepInput } from "../steps/SpaceSteps.ts"
import { defaults, type Oracle, Params, runTrials, sources } from "./SearchStep.ts"

/** The code-text featurizer of an open search: 1,024 hashed 1–3-grams, sublinear TF, L2-normalised. */
const HASHED = { dims: 1024, n: 3, weighting: "sublinear-tf" } as const

export const OpenParams = Schema.Struct({
  ...Params.fields,
  representation: Schema.Literals(["hashed-ngram"]),
  /** The value a failed evaluation counts as (its status says why); 0 = a network that learned nothing. */
  failureValue: Schema.Finite
})
export type OpenParams = typeof OpenParams.Type

const implementation = Step.implement(OpenSearch, {
  implementation: "on-demand",
  version: 1,
  params: OpenParams,
  sources: [import.meta.url, new URL("../steps/HashedNgram.ts", import.meta.url).href, ...sources],
  environment: (params) =>
    Effect.gen(function*() {
      const evaluator = yield* Evaluator
      return { ...spaceFact(yield* getSpace(params.space)), ...evaluator.facts }
    }),
  run: (_inputs, params, context) =>
    Effect.gen(function*() {
      const space = yield* getSpace(params.space)
      const evaluator = yield* Evaluator
      const rowsOf = new Map<string, Float32Array>()
      const featurize = (arch: string): Float32Array => {
        let row = rowsOf.get(arch)
        if (row === undefined) {
          const parsed = space.parse(arch)
          if (Result.isFailure(parsed)) throw new InvalidStepInput({ step: "search-open", problem: parsed.failure.message })
          row = embedCorpus([space.transpile(parsed.success, space.defaultTranspileOptions)], HASHED)
          rowsOf.set(arch, row)
        }
        return row
      }
      // Each evaluation is its own cache entry (keyed by the evaluator's facts and the architecture), so an
      // interrupted search loses no finished evaluation and no architecture is evaluated twice.
      const statusOf = new Map<string, string>()
      const evaluate = (arch: string) =>
        Shards.unit(context, {
          step: "search-open.evaluation",
          label: `${context.node}[${arch.length > 60 ? `${arch.slice(0, 57)}…` : arch}]`,
          params: {},
          inputs: { arch: Hash.digestJson(arch) },
          table: Evaluation,
          produce: evaluator.evaluate(arch).pipe(
            Effect.map((value) => ({ arch, value, status: "ok", detail: "" })),
            Effect.catchTag("EvaluationFailed", (e) => Effect.succeed({ arch, value: null, status: e.status, detail: e.detail })),
            Effect.mapError((e) => new InvalidStepInput({ step: "search-open", problem: e.message })),
            Effect.map((row) => Artifact.fromRows(Evaluation, [row]))
          )
        }).pipe(Effect.map(({ frame }) => {
          const row = Artifact.toRows(frame)[0]!
          statusOf.set(arch, row.status)
          return row.value ?? params.failureValue
        }))
      const oracle: Oracle = {
        width: HASHED.dims,
        values: (archs) => Effect.forEach(archs, evaluate),
        trajectory: { table: OpenTrajectory, columns: (arch) => ({ status: statusOf.get(arch)! }) },
        rows: (archs) =>
          Effect.try({
            try: () => {
              const out = new Float32Array(archs.length * HASHED.dims)
              archs.forEach((arch, i) => out.set(featurize(arch), i * HASHED.dims))
              return out
            },
            catch: (e) => (e instanceof InvalidStepInput ? e : new InvalidStepInput({ step: "search-open", problem: String(e) }))
          })
      }
      return yield* runTrials(params, context, oracle)
    })
})

export const identity = implementation

/** The open search with the given settings over the defaults (BANANAS, `cole-paper`, PCA 128, one trial of 500). */
export const openSearch = (options: Partial<OpenParams> = {}) =>
  implementation({ ...defaults, pca: 128, representation: "hashed-ngram", failureValue: 0, ...options })
