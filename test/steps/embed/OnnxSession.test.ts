import { rmSync, writeFileSync, readFileSync } from "node:fs"
import * as path from "node:path"
import * as ort from "onnxruntime-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as OnnxSession from "../../../src/steps/embed/OnnxSession.ts"
import { codeTexts, tinyFolder } from "./fixtures.ts"

const options = (model: string, overrides: Partial<OnnxSession.Options> = {}): OnnxSession.Options => ({
  model,
  executionProvider: "cpu",
  maxLength: 512,
  batchSize: 4,
  pooling: "mean",
  paddingSide: "auto",
  positionIds: "arange",
  ...overrides
})

const texts = ["class A: pass", ...codeTexts(1999).slice(0, 5), "x = 1"]
const one = (n: number) => [Array.from({ length: n }, (_, i) => i)]
const singles = (n: number) => Array.from({ length: n }, (_, i) => [i])
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0)

/** The model's own output for one text, run straight through ONNX Runtime (no padding at all). */
const direct = async (folder: string, ids: ReadonlyArray<number>, kind: "encoder" | "decoder") => {
  const session = await ort.InferenceSession.create(path.join(folder, "model.onnx"))
  const n = ids.length
  const t = (values: Array<bigint>) => new ort.Tensor("int64", BigInt64Array.from(values), [1, n])
  const feeds: Record<string, ort.Tensor> = { input_ids: t(ids.map(BigInt)), attention_mask: t(ids.map(() => 1n)) }
  if (kind === "decoder") feeds.position_ids = t(ids.map((_, i) => BigInt(i)))
  else feeds.token_type_ids = t(ids.map(() => 0n))
  const out = await session.run(feeds)
  await session.release()
  return out.last_hidden_state!.data as Float32Array
}

describe.each(["encoder", "decoder"] as const)("ONNX embedder, %s export", (kind) => {
  const folder = tinyFolder({ kind })

  it.live("mean pooling equals a per-token mean computed here from the model's raw output", () =>
    Effect.scoped(Effect.gen(function*() {
      const session = yield* OnnxSession.open(options(folder))
      const pooled = yield* session.embed(texts, one(texts.length))
      for (const i of [0, 3]) {
        const ids = session.tokenization.encode(texts[i]!).ids
        const h = yield* Effect.promise(() => direct(folder, ids, kind))
        const expected = new Float32Array(session.hidden)
        for (let t = 0; t < ids.length; t++) for (let d = 0; d < session.hidden; d++) expected[d]! += h[t * session.hidden + d]! / ids.length
        assert.isBelow(maxDiff(pooled.subarray(i * session.hidden, (i + 1) * session.hidden), expected), 1e-5)
      }
    })))

  it.live("padding never changes a text's embedding, and batch order does not matter", () =>
    Effect.scoped(Effect.gen(function*() {
      const session = yield* OnnxSession.open(options(folder))
      const alone = yield* session.embed(texts, singles(texts.length))
      const batched = yield* session.embed(texts, one(texts.length))
      const reversed = yield* session.embed(texts, [Array.from({ length: texts.length }, (_, i) => texts.length - 1 - i)])
      assert.isBelow(maxDiff(alone, batched), 1e-5)
      assert.isBelow(maxDiff(batched, reversed), 1e-5)
      assert.strictEqual(session.tokenization.paddingSide, kind === "decoder" ? "left" : "right")
      // The decoder's tokenizer has no pad token: it pads with eos (</s>, id 1); the encoder's has [PAD] (0).
      assert.strictEqual(session.tokenization.padId, kind === "decoder" ? 1 : 0)
    })))

  it.live("last-token picks the last unmasked position, on either padding side", () =>
    Effect.scoped(Effect.gen(function*() {
      const session = yield* OnnxSession.open(options(folder, { pooling: "last-token" }))
      const batched = yield* session.embed(texts, one(texts.length))
      const ids = session.tokenization.encode(texts[0]!).ids
      const h = yield* Effect.promise(() => direct(folder, ids, kind))
      const last = h.subarray((ids.length - 1) * session.hidden, ids.length * session.hidden)
      assert.isBelow(maxDiff(batched.subarray(0, session.hidden), last), 1e-5)
    })))

  it.live("all-layer-mean averages the per-layer masked means", () =>
    Effect.scoped(Effect.gen(function*() {
      const all = yield* OnnxSession.open(options(folder, { pooling: "all-layer-mean" }))
      const mean = yield* OnnxSession.open(options(folder))
      const a = yield* all.embed(texts, one(texts.length))
      const m = yield* mean.embed(texts, one(texts.length))
      assert.isAbove(maxDiff(a, m), 1e-3) // really a different pooling
      assert.isTrue(a.every(Number.isFinite))
    })))
})

describe("ONNX embedder numerics and bad folders", () => {
  it.live("fp16 outputs are converted to float32 before pooling", () =>
    Effect.scoped(Effect.gen(function*() {
      const fp32 = yield* OnnxSession.open(options(tinyFolder({ seed: 5 })))
      const fp16 = yield* OnnxSession.open(options(tinyFolder({ seed: 5, fp16Output: true })))
      assert.strictEqual(fp16.dtype, "float16")
      const a = yield* fp32.embed(texts, one(texts.length))
      const b = yield* fp16.embed(texts, one(texts.length))
      assert.isBelow(maxDiff(a, b), 5e-3) // half precision of values around 1
      assert.isAbove(maxDiff(a, b), 0)
    })))

  const problem = (folder: string, overrides: Partial<OnnxSession.Options> = {}) =>
    Effect.scoped(OnnxSession.open(options(folder, overrides))).pipe(Effect.flip, Effect.map((e) => e.message))

  it.live("typed errors name the problem", () =>
    Effect.gen(function*() {
      const noTokenizer = tinyFolder()
      rmSync(path.join(noTokenizer, "tokenizer.json"))
      assert.strictEqual(yield* problem(noTokenizer), `model folder ${noTokenizer}: tokenizer.json is missing`)

      const noHidden = tinyFolder({ variant: "no-hidden-state" })
      assert.match(yield* problem(noHidden), /no last_hidden_state output \(outputs: pooled_output, hidden_states\.0/)

      const withPast = tinyFolder({ kind: "decoder", variant: "with-past" })
      assert.match(yield* problem(withPast), /key\/value cache inputs \(past_key_values\.0\.key, …\): export the model without key\/value cache/)

      const mismatch = tinyFolder()
      const config = JSON.parse(readFileSync(path.join(mismatch, "config.json"), "utf8"))
      writeFileSync(path.join(mismatch, "config.json"), JSON.stringify({ ...config, hidden_size: 32 }))
      assert.match(yield* problem(mismatch), /hidden size 64 of last_hidden_state disagrees with config.json hidden_size 32/)

      assert.match(yield* problem("/no/such/folder"), /model folder \/no\/such\/folder: does not exist/)
      assert.match(yield* problem(tinyFolder(), { executionProvider: "cuda" }), /CUDA was asked for but is not usable .*npm run install:cuda/)
    }))

  it.live("describe reads from the graph alone what a session reports: facts, hidden size, and the same errors", () =>
    Effect.gen(function*() {
      const described = (folder: string, overrides: Partial<OnnxSession.Options> = {}) =>
        OnnxSession.describe({ ...options(folder, overrides), executionProvider: "cpu" })
      for (const [folder, overrides] of [
        [tinyFolder({ kind: "encoder" }), {}],
        [tinyFolder({ kind: "decoder" }), { pooling: "last-token" }],
        [tinyFolder({ fp16Output: true }), {}],
        [tinyFolder({ kind: "decoder", hidden: 32, heads: 4 }), { pooling: "all-layer-mean" }]
      ] as const) {
        const session = yield* Effect.scoped(OnnxSession.open(options(folder, overrides)))
        const graph = yield* described(folder, overrides)
        assert.deepStrictEqual(graph.facts, session.facts)
        assert.strictEqual(graph.hidden, session.hidden)
        assert.deepStrictEqual(graph.tokenization.encode("class A: pass").ids, session.tokenization.encode("class A: pass").ids)
      }
      // The provider in the facts is the one asked for (the runners'), not this machine's.
      assert.strictEqual((yield* OnnxSession.describe({ ...options(tinyFolder()), executionProvider: "cuda" })).facts.provider, "cuda")
      const failure = (folder: string) => Effect.flip(described(folder)).pipe(Effect.map((e) => e.message))
      assert.match(yield* failure(tinyFolder({ variant: "no-hidden-state" })), /no last_hidden_state output \(outputs: pooled_output, hidden_states\.0/)
      assert.match(yield* failure(tinyFolder({ kind: "decoder", variant: "with-past" })), /key\/value cache inputs \(past_key_values\.0\.key, …\)/)
      const garbled = tinyFolder()
      writeFileSync(path.join(garbled, "model.onnx"), "not a protobuf at all")
      assert.match(yield* failure(garbled), /model\.onnx cannot be read as an ONNX graph/)
    }))

  it.live("NaN/Inf in the model's output is a typed error naming the text", () =>
    Effect.scoped(Effect.gen(function*() {
      const session = yield* OnnxSession.open(options(tinyFolder({ variant: "non-finite" })))
      const error = yield* Effect.flip(session.embed(texts, one(texts.length)))
      assert.match(error.message, /the embedding of text \d+ has (NaN|Infinity|-Infinity) at dimension \d+ \(NaN\/Inf in the model's output\)/)
    })))

  it.live("auto falls back to CPU when CUDA is not usable", () =>
    Effect.scoped(Effect.gen(function*() {
      const session = yield* OnnxSession.open(options(tinyFolder(), { executionProvider: "auto" }))
      assert.strictEqual(session.provider, "cpu")
      assert.strictEqual(session.facts.provider, "cpu")
    })))

  it.live("truncates at maxLength, keeping the special tokens", () =>
    Effect.scoped(Effect.gen(function*() {
      const session = yield* OnnxSession.open(options(tinyFolder(), { maxLength: 16 }))
      const long = session.tokenization.encode(texts[1]!)
      const full = (yield* OnnxSession.open(options(tinyFolder(), { maxLength: 4096 }))).tokenization.encode(texts[1]!)
      assert.isTrue(long.truncated)
      assert.strictEqual(long.ids.length, 16)
      assert.deepStrictEqual([long.ids[0], long.ids.at(-1)], [full.ids[0], full.ids.at(-1)])
      assert.deepStrictEqual(long.ids.slice(1, 15), full.ids.slice(1, 15))
    })))
})
