/**
 * A new search space in an afternoon: a toy space — a chain of 1–6 dense layers, each a width and an
 * activation — declared entirely in this file (schema, parser and printer, sampler, mutator, an
 * encoding, the transpiler) and run through the cross-validation and search pipelines with a synthetic
 * evaluator. Nothing in src/ knows about it; `withSpaces` makes it visible to the steps.
 * docs/new-search-space.md walks through the same code.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Result, Schema } from "effect"
import * as Artifact from "../../src/core/Artifact.ts"
import * as Executor from "../../src/core/Executor.ts"
import * as Pipeline from "../../src/core/Pipeline.ts"
import * as Progress from "../../src/core/Progress.ts"
import type { Rng } from "../../src/core/Rng.ts"
import { ArchParseError, type Space } from "../../src/core/Space.ts"
import * as Store from "../../src/core/Store.ts"
import { openSearch } from "../../src/search/OpenSearch.ts"
import { withSpaces } from "../../src/spaces/registry.ts"
import { Evaluator } from "../../src/steps/Evaluator.ts"
import { HashedNgramEmbedder } from "../../src/steps/HashedNgram.ts"
import { Architectures, CrossValidate, Embed, Encode, Evaluate, OpenSearch, Transpile } from "../../src/steps/Services.ts"
import * as SpaceSteps from "../../src/steps/SpaceSteps.ts"
import { crossValidate } from "../../src/steps/surrogate/CvStep.ts"
import { tempDir } from "../helpers.ts"

// --- The space -------------------------------------------------------------------------------------

const WIDTHS = [16, 32, 64, 128] as const
const ACTIVATIONS = ["relu", "tanh", "gelu"] as const
const MAX_LAYERS = 6

/** 1. The architecture as data: its Schema is the contract. */
const Layer_ = Schema.Struct({ width: Schema.Literals(WIDTHS), activation: Schema.Literals(ACTIVATIONS) })
const Chain = Schema.Array(Layer_).check(Schema.isMinLength(1), Schema.isMaxLength(MAX_LAYERS))
type Chain = typeof Chain.Type

/** 2. The canonical string, `64-relu|128-tanh`, and a parser whose errors name the position. */
const format = (chain: Chain) => chain.map((l) => `${l.width}-${l.activation}`).join("|")
const parse = (text: string): Result.Result<Chain, ArchParseError> => {
  const layers: Array<typeof Layer_.Type> = []
  let position = 0
  for (const part of text.split("|")) {
    const [width, activation, ...rest] = part.split("-")
    const w = Number(width)
    const fail = (problem: string) => Result.fail(new ArchParseError({ space: "toy-chain", input: text, position, problem }))
    if (!(WIDTHS as ReadonlyArray<number>).includes(w)) return fail(`width ${JSON.stringify(width)}: expected one of ${WIDTHS.join(", ")}`)
    if (activation === undefined || rest.length > 0 || !(ACTIVATIONS as ReadonlyArray<string>).includes(activation)) {
      return fail(`activation in ${JSON.stringify(part)}: expected <width>-<${ACTIVATIONS.join("|")}>`)
    }
    layers.push({ width: w as typeof WIDTHS[number], activation: activation as typeof ACTIVATIONS[number] })
    position += part.length + 1
  }
  if (layers.length > MAX_LAYERS) return Result.fail(new ArchParseError({ space: "toy-chain", input: text, position: 0, problem: `${layers.length} layers, at most ${MAX_LAYERS}` }))
  return Result.succeed(layers)
}

/** 3. Sampling and mutation, from the caller's rng only (so seeds reproduce). */
const randomLayer = (rng: Rng) => ({ width: WIDTHS[rng.int(WIDTHS.length)]!, activation: ACTIVATIONS[rng.int(ACTIVATIONS.length)]! })
const sample = (rng: Rng): Chain => Array.from({ length: 1 + rng.int(MAX_LAYERS) }, () => randomLayer(rng))
const mutate = (chain: Chain, rng: Rng): Chain => {
  while (true) {
    const child = [...chain]
    const move = rng.int(3)
    if (move === 0 && child.length < MAX_LAYERS) child.splice(rng.int(child.length + 1), 0, randomLayer(rng))
    else if (move === 1 && child.length > 1) child.splice(rng.int(child.length), 1)
    else child[rng.int(child.length)] = randomLayer(rng)
    if (format(child) !== format(chain)) return child
  }
}

/** 4. The code text a language model embeds. */
const transpile = (chain: Chain) => {
  const activation = { relu: "nn.ReLU()", tanh: "nn.Tanh()", gelu: "nn.GELU()" }
  let inputs = 3072
  const lines = chain.flatMap((l) => {
    const out = [`            nn.Linear(${inputs}, ${l.width}),`, `            ${activation[l.activation]},`]
    inputs = l.width
    return out
  })
  return ["class Network(nn.Module):", "    def __init__(self):", "        super().__init__()", "        self.layers = nn.Sequential(",
    "            nn.Flatten(),", ...lines, `            nn.Linear(${inputs}, 10)`, "        )", "    def forward(self, x):", "        return self.layers(x)"].join("\n")
}

const toySpace: Space<Chain, {}> = {
  name: "toy-chain",
  version: 1,
  sources: [import.meta.url],
  arch: Chain,
  parse,
  format,
  sample,
  mutate,
  // A structural encoding: one-hot width and activation per position (zeros past the end).
  encodings: {
    "layer-onehot": {
      name: "layer-onehot",
      dimensions: MAX_LAYERS * (WIDTHS.length + ACTIVATIONS.length),
      encodeInto: (chain, out, offset) =>
        chain.forEach((l, i) => {
          const base = offset + i * (WIDTHS.length + ACTIVATIONS.length)
          out[base + WIDTHS.indexOf(l.width)] = 1
          out[base + WIDTHS.length + ACTIVATIONS.indexOf(l.activation)] = 1
        })
    }
  },
  transpileOptions: Schema.Struct({}),
  defaultTranspileOptions: {},
  transpile
}

/** A SYNTHETIC objective (a test fixture, not an accuracy): wider and smoother is better, depth costs. */
const score = (chain: Chain) =>
  chain.reduce((s, l, i) => s + Math.log2(l.width) * (l.activation === "gelu" ? 1.2 : l.activation === "tanh" ? 0.9 : 1) - 0.8 * i, 40)
const SyntheticEvaluator = Layer.succeed(Evaluator, {
  name: "toy-synthetic",
  objective: "synthetic",
  facts: { evaluator: "toy-synthetic (a test fixture, not an accuracy)" },
  evaluate: (arch: string) => Effect.succeed(score(Result.getOrThrow(parse(arch))))
})

// --- The pipelines, unchanged: only layers name the space ------------------------------------------

const cvPipeline = (representation: "layer-onehot" | "hashed-ngram") =>
  Pipeline.make("toy-cv", Effect.gen(function*() {
    const { architectures } = yield* Pipeline.node(Architectures, {})
    const { objective } = yield* Pipeline.node(Evaluate, { architectures })
    const features = representation === "hashed-ngram"
      ? (yield* Pipeline.node(Embed, { code: (yield* Pipeline.node(Transpile, { architectures })).code })).embeddings
      : (yield* Pipeline.node(Encode, { architectures })).features
    const { trials } = yield* Pipeline.node(CrossValidate, { features, objective })
    return Artifact.toRows(yield* Pipeline.load(trials))
  }), Layer.mergeAll(
    SpaceSteps.architectures({ space: "toy-chain", sample: { count: 300, seed: 1 } }),
    SpaceSteps.evaluate({}).pipe(Layer.provide(SyntheticEvaluator)),
    SpaceSteps.transpile({ space: "toy-chain", options: {} }),
    HashedNgramEmbedder.layer({ dims: 256, n: 2, weighting: "sublinear-tfidf" }),
    SpaceSteps.encode({ space: "toy-chain", encoding: "layer-onehot" }),
    crossValidate({ repeats: 1, budgets: [20, 100], reducer: { use: "identity" }, head: { use: "cole-mlp", params: { loss: "hinge", epochs: 30 } } })
  ).pipe(Layer.provide(withSpaces(toySpace))))

const searchPipeline = Pipeline.make("toy-search", Effect.gen(function*() {
  const { trajectory } = yield* Pipeline.node(OpenSearch, {})
  return Artifact.toRows(yield* Pipeline.load(trajectory))
}), openSearch({ space: "toy-chain", trials: 2, budget: 40, epochs: 10 }).pipe(Layer.provide(Layer.mergeAll(SyntheticEvaluator, withSpaces(toySpace)))))

const platform = () => Layer.mergeAll(Store.layer(tempDir()), Executor.inline, Progress.silent)

describe("a search space declared in a test file", () => {
  it("parses what it formats and names the position of a problem", () => {
    const rng = { next: Math.random, int: (n: number) => Math.floor(Math.random() * n), normal: () => 0 }
    for (let i = 0; i < 100; i++) {
      const chain = sample(rng)
      assert.deepStrictEqual(Result.getOrThrow(parse(format(chain))), chain)
      assert.notStrictEqual(format(mutate(chain, rng)), format(chain))
    }
    const bad = parse("64-relu|48-tanh")
    assert.isTrue(Result.isFailure(bad))
    if (Result.isFailure(bad)) assert.strictEqual(bad.failure.position, 8)
  })

  it.live("runs the cross-validation pipeline on a structural encoding and on code-text embeddings", () =>
    Effect.gen(function*() {
      for (const representation of ["layer-onehot", "hashed-ngram"] as const) {
        const { value: trials } = yield* Pipeline.run(cvPipeline(representation))
        assert.strictEqual(trials.length, 20, representation) // 1 repeat × 10 folds × 2 budgets
        const at100 = trials.filter((t) => t.budget === 100)
        const meanTau = at100.reduce((s, t) => s + t.tau, 0) / at100.length
        assert.isAbove(meanTau, 0.5, representation) // the synthetic score is learnable from either
      }
    }).pipe(Effect.provide(platform())), 120_000)

  it.live("runs BANANAS through the open search, with the same trial machinery as NB201", () =>
    Effect.gen(function*() {
      const { value } = yield* Pipeline.run(searchPipeline)
      assert.strictEqual(value.length, 80)
      for (const r of value) assert.deepStrictEqual([r.status, r.value], ["ok", score(Result.getOrThrow(parse(r.arch)))])
      const trial0 = value.filter((r) => r.trial === 0)
      assert.deepStrictEqual(trial0.map((r) => r.fit), [...Array(20).fill(null), ...Array(10).fill(1), ...Array(10).fill(2)])
      assert.isAtLeast(trial0.at(-1)!.incumbent!, Math.max(...trial0.slice(0, 20).map((r) => r.value!)))
    }).pipe(Effect.provide(platform())), 120_000)
})
