/**
 * A frozen LM as a scoped ONNX Runtime session: created from a model folder with an explicit execution
 * provider, checked against what the embedder needs (inputs it can feed, a hidden-state output, the
 * hidden size), and released when its scope closes. `embed` runs length-sorted batches and pools.
 */
import { readFileSync } from "node:fs"
import type * as Ort from "onnxruntime-node"
import onnxProto from "onnx-proto"
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

/** What the embedder needs to know of a graph: its inputs, outputs and each output's type and shape. */
interface Graph {
  readonly inputNames: ReadonlyArray<string>
  readonly outputNames: ReadonlyArray<string>
  readonly outputOf: (name: string) => { readonly type: string; readonly shape: ReadonlyArray<number | string> } | undefined
}

/** Checks the graph against what the embedder feeds and reads; picks the outputs to pool, their dtype and hidden size. */
const checkGraph = (options: Options, graph: Graph, folder: ModelFolder.ModelFolder) =>
  Effect.gen(function*() {
    const fail = (problem: string) => Effect.fail(new EmbedderError({ model: options.model, problem }))
    const past = graph.inputNames.filter((n) => n.startsWith("past_key_values") || n.startsWith("past."))
    if (past.length > 0) {
      return yield* fail(`the graph takes key/value cache inputs (${past[0]}, …): export the model without key/value cache (Optimum task feature-extraction, not a -with-past variant)`)
    }
    const unknown = graph.inputNames.filter((n) => !KNOWN_INPUTS.has(n))
    if (unknown.length > 0) return yield* fail(`unknown graph input ${unknown[0]} (the embedder feeds ${[...KNOWN_INPUTS].join(", ")})`)
    for (const required of ["input_ids", "attention_mask"]) {
      if (!graph.inputNames.includes(required)) return yield* fail(`the graph has no ${required} input`)
    }
    const outputs = options.pooling === "all-layer-mean"
      ? graph.outputNames.filter((n) => /^hidden_states\.\d+$/.test(n)).sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]))
      : graph.outputNames.filter((n) => n === "last_hidden_state")
    if (outputs.length === 0) {
      return yield* fail(options.pooling === "all-layer-mean"
        ? `pooling all-layer-mean needs outputs hidden_states.0…N; the graph has ${graph.outputNames.join(", ")}`
        : `no last_hidden_state output (outputs: ${graph.outputNames.join(", ")})`)
    }
    const metadata = graph.outputOf(outputs.at(-1)!)
    const shape = metadata?.shape ?? []
    const type = metadata?.type ?? "unknown"
    if (type !== "float32" && type !== "float16") return yield* fail(`${outputs.at(-1)} is ${type}, expected float32 or float16`)
    const hidden = shape[2]
    if (typeof hidden !== "number") return yield* fail(`${outputs.at(-1)} has no fixed hidden size (shape ${JSON.stringify(shape)})`)
    const configured = folder.config?.hidden_size
    if (configured !== undefined && configured !== hidden) {
      return yield* fail(`hidden size ${hidden} of ${outputs.at(-1)} disagrees with config.json hidden_size ${configured}`)
    }
    return { outputs, hidden, type }
  })

/** ONNX tensor element types by number, as ONNX Runtime names them. */
const ELEMENT_TYPES: Readonly<Record<number, string>> = { 1: "float32", 10: "float16", 11: "float64", 7: "int64", 6: "int32", 16: "bfloat16" }

/** The graph's inputs and outputs read from `model.onnx` itself (its weights may stay in external files). */
const readGraph = (options: Options, modelFile: string) =>
  Effect.try({
    try: (): Graph => {
      const model = onnxProto.onnx.ModelProto.decode(readFileSync(modelFile))
      const graph = model.graph
      const initializers = new Set((graph?.initializer ?? []).map((t) => t.name))
      const outputs = new Map((graph?.output ?? []).map((o) => [o.name ?? "", o]))
      return {
        inputNames: (graph?.input ?? []).map((i) => i.name ?? "").filter((n) => !initializers.has(n)),
        outputNames: [...outputs.keys()],
        outputOf: (name) => {
          const tensor = outputs.get(name)?.type?.tensorType
          if (tensor === undefined || tensor === null) return undefined
          return {
            type: ELEMENT_TYPES[tensor.elemType ?? 0] ?? `element type ${tensor.elemType}`,
            shape: (tensor.shape?.dim ?? []).map((d) => d.dimParam ? d.dimParam : Number(d.dimValue ?? 0))
          }
        }
      }
    },
    catch: (e) => new EmbedderError({ model: options.model, problem: `model.onnx cannot be read as an ONNX graph: ${(e as Error).message}` })
  })

/**
 * What a session on the folder would report — the graph checked, its hidden size and dtype, the
 * tokenizer and the facts that enter the key — without creating one, so without loading the weights:
 * a cluster's coordinator plans the work and keys it while runners hold the model. The provider in the
 * facts is the one the runners will use (cpu or cuda).
 */
export const describe = (options: Options & { readonly executionProvider: "cpu" | "cuda" }) =>
  Effect.gen(function*() {
    const folder = yield* ModelFolder.load(options.model)
    const tokenization = yield* Tokenization.make(folder, options)
    const ort = yield* runtime(options.model)
    const { hidden, type } = yield* checkGraph(options, yield* readGraph(options, folder.modelFile), folder)
    return { tokenization, hidden, facts: factsOf(folder, type, options.executionProvider, ort) }
  })

/** Facts that decide the numbers: what the cache key must hold. */
const factsOf = (folder: ModelFolder.ModelFolder, dtype: string, provider: "cpu" | "cuda", ort: typeof Ort): Record<string, string> => ({
  model: folder.modelDigest,
  tokenizer: folder.tokenizerDigest,
  dtype,
  provider,
  onnxruntime: ort.env.versions.common ?? "unknown"
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

    const { outputs, hidden, type } = yield* checkGraph(options, {
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      outputOf: (name) => {
        const metadata = session.outputMetadata.find((m) => m.name === name)
        return metadata !== undefined && metadata.isTensor ? { type: metadata.type, shape: metadata.shape } : undefined
      }
    }, folder)

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
      facts: factsOf(folder, type, provider, ort),
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
