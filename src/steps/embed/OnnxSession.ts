/**
 * A frozen LM as a scoped ONNX Runtime session: created from a model folder with an explicit execution
 * provider, checked against what the embedder needs (inputs it can feed, a hidden-state output, the
 * hidden size), and released when its scope closes. `embed` runs length-sorted batches and pools.
 */
import type * as Ort from "onnxruntime-node"
import { Effect, Schema } from "effect"
import * as Hash from "../../core/Hash.ts"
import * as ModelFolder from "./ModelFolder.ts"
import { halfToFloat, lastTokenInto, meanInto } from "./Pooling.ts"
import * as Tokenization from "./Tokenization.ts"

export class EmbedderError extends Schema.TaggedError<EmbedderError>()("EmbedderError", {
  model: Schema.String,
  problem: Schema.String
}) {
  override get message() {
    return `embedder for ${this.model}: ${this.problem}`
  }
}

export type Pooling = "mean" | "last-token" | "all-layer-mean"
export type Provider = "cpu" | "cuda" | "auto"

export interface Options {
  readonly model: string
  readonly executionProvider: Provider
  readonly maxLength: number
  readonly batchSize: number
  readonly pooling: Pooling
  readonly paddingSide: "auto" | Tokenization.PaddingSide
  readonly positionIds: "arange" | "mask-cumsum"
  readonly threads?: number
}

const KNOWN_INPUTS = new Set(["input_ids", "attention_mask", "token_type_ids", "position_ids"])

let live = 0
/** Sessions currently open in this process (for tests: an ablation must not leak them). */
export const liveSessions = () => live

/**
 * ONNX Runtime, loaded when a session opens. It is an optional dependency — its install script fetches
 * CUDA binaries from outside the npm registry, and where that fails npm leaves it out — so everything
 * but the ONNX embedder works without it.
 */
const runtime = (model: string) =>
  Effect.tryPromise({
    try: (): Promise<typeof Ort> => import("onnxruntime-node"),
    catch: (e) =>
      new EmbedderError({
        model,
        problem: `onnxruntime-node cannot be loaded (${(e as Error).message.split("\n")[0]}); install it with \`ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1.30.0\``
      })
  })

const create = (ort: typeof Ort, options: Options, provider: "cpu" | "cuda", modelFile: string) =>
  Effect.tryPromise({
    try: () =>
      ort.InferenceSession.create(modelFile, {
        executionProviders: [provider],
        graphOptimizationLevel: "all",
        ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads })
      }),
    catch: (e) => new EmbedderError({ model: options.model, problem: `${provider} session cannot be created: ${(e as Error).message}` })
  })

/** Opens a session on the folder; the session is released when the surrounding scope closes. */
export const open = (options: Options) =>
  Effect.gen(function*() {
    const folder = yield* ModelFolder.load(options.model)
    const tokenization = yield* Tokenization.make(folder, options)
    const fail = (problem: string) => Effect.fail(new EmbedderError({ model: options.model, problem }))
    const ort = yield* runtime(options.model)

    const acquire = options.executionProvider === "cpu"
      ? create(ort, options, "cpu", folder.modelFile).pipe(Effect.map((session) => ({ session, provider: "cpu" as const })))
      : create(ort, options, "cuda", folder.modelFile).pipe(
        Effect.map((session) => ({ session, provider: "cuda" as const })),
        Effect.catchTag("EmbedderError", (e) =>
          options.executionProvider === "cuda"
            ? Effect.fail(new EmbedderError({ model: options.model, problem: `CUDA was asked for but is not usable (${e.problem}); on a machine with an NVIDIA GPU run \`npm run install:cuda\`` }))
            : Effect.logWarning(`CUDA is not usable here; embedding on CPU (${e.problem})`).pipe(
              Effect.andThen(create(ort, options, "cpu", folder.modelFile)),
              Effect.map((session) => ({ session, provider: "cpu" as const }))
            ))
      )
    const { session, provider } = yield* Effect.acquireRelease(
      acquire.pipe(Effect.tap(() => Effect.sync(() => live++))),
      ({ session }) => Effect.promise(() => session.release()).pipe(Effect.ensuring(Effect.sync(() => live--)))
    )

    const past = session.inputNames.filter((n) => n.startsWith("past_key_values") || n.startsWith("past."))
    if (past.length > 0) {
      return yield* fail(`the graph takes key/value cache inputs (${past[0]}, …): export the model without key/value cache (Optimum task feature-extraction, not a -with-past variant)`)
    }
    const unknown = session.inputNames.filter((n) => !KNOWN_INPUTS.has(n))
    if (unknown.length > 0) return yield* fail(`unknown graph input ${unknown[0]} (the embedder feeds ${[...KNOWN_INPUTS].join(", ")})`)
    for (const required of ["input_ids", "attention_mask"]) {
      if (!session.inputNames.includes(required)) return yield* fail(`the graph has no ${required} input`)
    }

    const outputs = options.pooling === "all-layer-mean"
      ? session.outputNames.filter((n) => /^hidden_states\.\d+$/.test(n)).sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]))
      : session.outputNames.filter((n) => n === "last_hidden_state")
    if (outputs.length === 0) {
      return yield* fail(options.pooling === "all-layer-mean"
        ? `pooling all-layer-mean needs outputs hidden_states.0…N; the graph has ${session.outputNames.join(", ")}`
        : `no last_hidden_state output (outputs: ${session.outputNames.join(", ")})`)
    }
    const metadata = session.outputMetadata.find((m) => m.name === outputs.at(-1))
    const shape = metadata !== undefined && metadata.isTensor ? metadata.shape : []
    const type = metadata !== undefined && metadata.isTensor ? metadata.type : "unknown"
    if (type !== "float32" && type !== "float16") return yield* fail(`${outputs.at(-1)} is ${type}, expected float32 or float16`)
    const hidden = shape[2]
    if (typeof hidden !== "number") return yield* fail(`${outputs.at(-1)} has no fixed hidden size (shape ${JSON.stringify(shape)})`)
    const configured = folder.config?.hidden_size
    if (configured !== undefined && configured !== hidden) {
      return yield* fail(`hidden size ${hidden} of ${outputs.at(-1)} disagrees with config.json hidden_size ${configured}`)
    }

    /** Embeds texts that form one batch plan: `batches` are index lists into `texts`, in order. */
    const embed = (texts: ReadonlyArray<string>, batches: ReadonlyArray<ReadonlyArray<number>>, onBatch: (n: number) => void = () => undefined) =>
      Effect.gen(function*() {
        const out = new Float32Array(texts.length * hidden)
        for (const rows of batches) {
          const encoded = rows.map((r) => tokenization.encode(texts[r]!).ids)
          const length = Math.max(...encoded.map((ids) => ids.length))
          const ids = new BigInt64Array(rows.length * length).fill(BigInt(tokenization.padId))
          const mask = new BigInt64Array(rows.length * length)
          const maskNumbers = new Uint8Array(rows.length * length)
          encoded.forEach((seq, b) => {
            const offset = tokenization.paddingSide === "left" ? length - seq.length : 0
            for (let t = 0; t < seq.length; t++) {
              ids[b * length + offset + t] = BigInt(seq[t]!)
              mask[b * length + offset + t] = 1n
              maskNumbers[b * length + offset + t] = 1
            }
          })
          const dims = [rows.length, length]
          const feeds: Record<string, Ort.Tensor> = {
            input_ids: new ort.Tensor("int64", ids, dims),
            attention_mask: new ort.Tensor("int64", mask, dims)
          }
          if (session.inputNames.includes("token_type_ids")) feeds.token_type_ids = new ort.Tensor("int64", new BigInt64Array(ids.length), dims)
          if (session.inputNames.includes("position_ids")) {
            const positions = new BigInt64Array(ids.length)
            for (let b = 0; b < rows.length; b++) {
              let seen = 0
              for (let t = 0; t < length; t++) {
                // arange: 0…L−1 in every row; mask-cumsum: the number of real tokens before this one.
                positions[b * length + t] = BigInt(options.positionIds === "arange" ? t : maskNumbers[b * length + t] ? seen++ : 0)
              }
            }
            feeds.position_ids = new ort.Tensor("int64", positions, dims)
          }
          const result = yield* Effect.tryPromise({
            try: () => session.run(feeds, outputs),
            catch: (e) => new EmbedderError({ model: options.model, problem: `inference failed: ${(e as Error).message}` })
          })
          const batchRows = rows as Array<number>
          const layerOut = new Float32Array(rows.length * hidden)
          const tensors = outputs.map((name) => {
            const t = result[name]!
            return t.type === "float16" ? halfToFloat(t.data as Uint16Array) : (t.data as Float32Array)
          })
          const local = rows.map((_, b) => b)
          for (const [i, h] of tensors.entries()) {
            if (options.pooling === "last-token") lastTokenInto(h, maskNumbers, rows.length, length, hidden, layerOut, local)
            else meanInto(h, maskNumbers, rows.length, length, hidden, layerOut, local)
            // all-layer-mean averages the per-layer means; the others have one output.
            for (let b = 0; b < rows.length; b++) {
              for (let d = 0; d < hidden; d++) {
                const at = batchRows[b]! * hidden + d
                out[at] = (i === 0 ? 0 : out[at]!) + layerOut[b * hidden + d]! / tensors.length
              }
            }
          }
          for (const r of batchRows) {
            for (let d = 0; d < hidden; d++) {
              if (!Number.isFinite(out[r * hidden + d]!)) {
                return yield* fail(`the embedding of text ${r} has ${out[r * hidden + d]} at dimension ${d} (NaN/Inf in the model's output)`)
              }
            }
          }
          onBatch(rows.length)
        }
        return out
      })

    return {
      folder,
      tokenization,
      provider,
      hidden,
      dtype: type,
      inputs: session.inputNames,
      outputs: session.outputNames,
      /** Facts that decide the numbers: what the cache key must hold. */
      facts: {
        model: folder.modelDigest,
        tokenizer: folder.tokenizerDigest,
        dtype: type,
        provider,
        onnxruntime: ort.env.versions.common ?? "unknown"
      } as Record<string, string>,
      embed
    }
  })

export type Session = Effect.Success<ReturnType<typeof open>>

/** Length-bucketed batches: indices sorted by token count (then by text digest), cut every `size`. */
export const plan = (tokenCounts: ReadonlyArray<number>, keys: ReadonlyArray<string>, size: number): Array<Array<number>> => {
  const order = tokenCounts.map((_, i) => i).sort((a, b) => tokenCounts[a]! - tokenCounts[b]! || (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0))
  const batches: Array<Array<number>> = []
  for (let i = 0; i < order.length; i += size) batches.push(order.slice(i, i + size))
  return batches
}

export const textKey = (text: string) => Hash.hex(Hash.sha256(text))
