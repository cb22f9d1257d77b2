/**
 * Search on a space without a lookup table (einspace, a user's space). Candidates are featurized from
 * their code text as they are generated — hashed n-grams with sublinear TF and no corpus statistics, or
 * an ONNX model embedding each text in a batch of its own, so an architecture's row depends on its text
 * alone and a resumed trial sees the same numbers — reduced by
 * a fresh PCA at every fit, and evaluated by the Evaluator layer as they are chosen, each evaluation a
 * cache entry of its own. An evaluation that fails (EvaluationFailed: a crash, no number, a timeout) is
 * recorded with its status and detail; the surrogate counts it as `failureValue`, the trajectory as no
 * value at all, and the search goes on. Trials, batches, caching and resume are those of the table
 * search (`runTrials`).
 */
import { Effect, Result, Schema } from "effect"
import { Evaluation, OpenBatch, OpenTrajectory } from "../../schemas/Tables.ts"
import * as Artifact from "../core/Artifact.ts"
import * as Hash from "../core/Hash.ts"
import * as Shards from "../core/Shards.ts"
import * as Step from "../core/Step.ts"
import { getSpace, spaceFact } from "../spaces/registry.ts"
import { Evaluator } from "../steps/Evaluator.ts"
import * as OnnxSession from "../steps/embed/OnnxSession.ts"
import { embedCorpus } from "../steps/HashedNgram.ts"
import { OpenSearch } from "../steps/Services.ts"
import { InvalidStepInput } from "../steps/InvalidStepInput.ts"
import { components, defaults, type Oracle, Params, runTrials } from "./SearchStep.ts"

/** The code-text featurizer of an open search: 1,024 hashed 1–3-grams, sublinear TF, L2-normalised. */
const HASHED = { dims: 1024, n: 3, weighting: "sublinear-tf" } as const

export const OpenParams = Schema.Struct({
  ...Params.fields,
  /** hashed-ngram, or an ONNX model folder's embeddings (each text embedded alone, so a row depends on its text only). */
  representation: Schema.Literals(["hashed-ngram", "onnx"]),
  /** The model folder, for `onnx`. */
  model: Schema.optional(Schema.String),
  pooling: Schema.optional(Schema.Literals(["mean", "last-token", "all-layer-mean"])),
  /** The value a failed evaluation counts as (its status says why); 0 = a network that learned nothing. */
  failureValue: Schema.Finite
})
export type OpenParams = typeof OpenParams.Type

type SessionError = Effect.Error<ReturnType<typeof OnnxSession.open>>

const implementation = Step.implement(OpenSearch, {
  implementation: "on-demand",
  // 2: Adam in its efficient form (new rounding of every trained surrogate). 3: PCA on SymmetricEigen
  // and block Lanczos (new rounding of every reduced input). 4: failed evaluations have no value in the
  // trajectory, incumbents count successful ones only, and each row keeps the failure's detail.
  version: 4,
  params: OpenParams,
  sources: [import.meta.url],
  resource: (params): Effect.Effect<OnnxSession.Session | undefined, SessionError | InvalidStepInput, Effect.Services<ReturnType<typeof OnnxSession.open>>> =>
    params.representation !== "onnx"
      ? Effect.succeed(undefined)
      : params.model === undefined
      ? Effect.fail(new InvalidStepInput({ step: "search-open", problem: "representation onnx needs a model folder" }))
      : OnnxSession.open({
        model: params.model, executionProvider: "cpu", maxLength: 512, batchSize: 1,
        pooling: params.pooling ?? "mean", paddingSide: "auto", positionIds: "arange"
      }),
  environment: (params, session) =>
    Effect.gen(function*() {
      const evaluator = yield* Evaluator
      // The evaluator's facts in their own field, so none of them can shadow the space's version; the
      // components' identities as in the table search (a user's module by its files' fingerprint).
      return { ...spaceFact(yield* getSpace(params.space)), evaluator: evaluator.facts, components: (yield* components(params)).identity, ...session?.facts }
    }),
  run: (_inputs, params, context, session) =>
    Effect.gen(function*() {
      const space = yield* getSpace(params.space)
      const evaluator = yield* Evaluator
      const rowsOf = new Map<string, Float32Array>()
      const width = session?.hidden ?? HASHED.dims
      const codeOf = (arch: string) => {
        const parsed = space.parse(arch)
        return Result.isFailure(parsed)
          ? Effect.fail(new InvalidStepInput({ step: "search-open", problem: parsed.failure.message }))
          : Effect.succeed(space.transpile(parsed.success, space.defaultTranspileOptions))
      }
      // Rows for the architectures not seen yet: hashed n-grams, or the model with one text per batch.
      const featurizeNew = (archs: ReadonlyArray<string>) =>
        Effect.gen(function*() {
          const fresh = [...new Set(archs.filter((a) => !rowsOf.has(a)))]
          if (fresh.length === 0) return
          const texts = yield* Effect.forEach(fresh, codeOf)
          const x = session === undefined
            ? embedCorpus(texts, HASHED) // row-wise: sublinear TF and L2 norm use no corpus statistics
            : yield* session.embed(texts, texts.map((_, i) => [i]), () => {})
          fresh.forEach((a, i) => rowsOf.set(a, x.slice(i * width, (i + 1) * width)))
        })
      // Each evaluation is its own cache entry (keyed by the evaluator's facts and the architecture), so an
      // interrupted search loses no finished evaluation and no architecture is evaluated twice.
      const outcomeOf = new Map<string, { readonly status: string; readonly detail: string }>()
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
          outcomeOf.set(arch, { status: row.status, detail: row.detail })
          return row.value ?? params.failureValue
        }))
      const oracle: Oracle<Effect.Error<ReturnType<typeof evaluate>> | OnnxSession.EmbedderError | InvalidStepInput> = {
        width,
        values: (archs) => Effect.forEach(archs, evaluate),
        trajectory: { table: OpenBatch, columns: (arch) => outcomeOf.get(arch)! },
        rows: (archs) =>
          Effect.map(featurizeNew(archs), () => {
            const out = new Float32Array(archs.length * width)
            archs.forEach((arch, i) => out.set(rowsOf.get(arch)!, i * width))
            return out
          })
      }
      const { trajectory } = yield* runTrials(params, context, oracle)
      return { trajectory: Artifact.fromRows(OpenTrajectory, reported(Artifact.toRows(Artifact.make(OpenBatch, trajectory.columns)))) }
    })
})

/** The trajectory as reported: failed evaluations without a value, incumbents over successful ones only. */
export const reported = (rows: ReadonlyArray<Artifact.Row<typeof OpenBatch.columns>>): Array<Artifact.Row<typeof OpenTrajectory.columns>> => {
  const best = new Map<number, { readonly value: number; readonly arch: string }>()
  return [...rows].sort((a, b) => a.trial - b.trial || a.t - b.t).map((row) => {
    const ok = row.status === "ok"
    const before = best.get(row.trial)
    if (ok && (before === undefined || row.value > before.value)) best.set(row.trial, { value: row.value, arch: row.arch })
    const incumbent = best.get(row.trial)
    return { ...row, value: ok ? row.value : null, incumbent: incumbent?.value ?? null, incumbentArch: incumbent?.arch ?? null }
  })
}

export const identity = implementation

/** The open search with the given settings over the defaults (BANANAS, `cole-paper`, PCA 128, one trial of 500). */
export const openSearch = (options: Partial<OpenParams> = {}) =>
  implementation({ ...defaults, reducer: { use: "pca", params: { components: 128 } }, representation: "hashed-ngram", failureValue: 0, ...options })
