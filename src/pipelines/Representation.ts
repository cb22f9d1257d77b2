/**
 * Representations by name, as the CLI spells them: a structural encoding of the space (`path-naslib`,
 * `onehot30`, …), `hashed-ngram` or `onnx:MODEL_DIR` on the exclude-helper code text, or
 * `embeddings:FILE` computed elsewhere. Each becomes the pipeline node(s) that produce its features.
 */
import * as path from "node:path"
import { Effect, Schema } from "effect"
import * as Pipeline from "../core/Pipeline.ts"
import { OnnxEmbedder } from "../steps/embed/OnnxEmbedder.ts"
import { HashedNgramEmbedder } from "../steps/HashedNgram.ts"
import { importEmbeddings } from "../steps/ImportEmbeddings.ts"
import { Embed, Encode, ImportFeatures, Transpile } from "../steps/Services.ts"
import * as SpaceSteps from "../steps/SpaceSteps.ts"
import { getSpace } from "../spaces/registry.ts"
import { InvalidConfiguration } from "./InvalidConfiguration.ts"

/** Whether a representation is a code-text embedding (reduced by PCA) rather than a structural encoding. */
export const isEmbedding = (representation: string) =>
  representation === "hashed-ngram" || representation.startsWith("onnx:") || representation.startsWith("embeddings:")

/** How a code-text representation reads the code: the transpiler's options and the model's pooling. */
export const TextOptions = Schema.Struct({
  /** Transpiler options over the space's defaults (NB201: mode, addon). */
  transpile: Schema.optional(Schema.Record(Schema.String, Schema.String)),
  /** ONNX models only. */
  pooling: Schema.optional(Schema.Literals(["mean", "last-token", "all-layer-mean"]))
})
export type TextOptions = typeof TextOptions.Type

/** A short label of the non-default text options, for node ids and configuration names. */
export const textLabel = (text: TextOptions) =>
  [...Object.values(text.transpile ?? {}), ...(text.pooling === undefined ? [] : [text.pooling])].join(" · ")

/** The node that produces a representation's features for every architecture of the space. */
export const featuresOf = (
  space: string, representation: string, archs: string | undefined, architectures: Pipeline.ArtifactRef, text: TextOptions = {}
) => {
  if (representation.startsWith("embeddings:")) {
    const layer = importEmbeddings({ space, file: representation.slice("embeddings:".length), archs })
    return Pipeline.node(ImportFeatures, {}, { id: `import ${path.basename(representation)}`, layer }).pipe(Effect.map((o) => o.features))
  }
  // Code-text representations: the space's default text (NB201: exclude-helper), or the options asked
  // for, through the model-free featurizer or an ONNX model folder (mean pooling unless asked, as
  // `cole embed` does by default, so its embeddings are hits here).
  const embedder = representation === "hashed-ngram"
    ? HashedNgramEmbedder.layer({ dims: 1024, n: 3, weighting: "sublinear-tfidf" })
    : representation.startsWith("onnx:")
    ? OnnxEmbedder.layer({ model: path.resolve(representation.slice("onnx:".length)), pooling: text.pooling ?? "mean" })
    : undefined
  if (embedder !== undefined) {
    return Effect.gen(function*() {
      if (text.pooling !== undefined && representation === "hashed-ngram") {
        return yield* new InvalidConfiguration({ setting: `pooling ${text.pooling}`, problem: "only an onnx:MODEL_DIR representation pools; hashed-ngram has no layers" })
      }
      const options = { ...(yield* getSpace(space)).defaultTranspileOptions, ...text.transpile }
      const label = textLabel(text)
      const { code } = yield* Pipeline.node(Transpile, { architectures }, {
        id: label === "" ? "transpile" : `transpile ${Object.values(text.transpile ?? {}).join(" · ")}`,
        layer: SpaceSteps.transpile({ space, options })
      })
      const { embeddings } = yield* Pipeline.node(Embed, { code }, { id: `embed ${representation}${label === "" ? "" : ` · ${label}`}`, layer: embedder })
      return embeddings
    })
  }
  if (text.transpile !== undefined || text.pooling !== undefined) {
    return Effect.fail(new InvalidConfiguration({ setting: `representation ${representation}`, problem: "an encoding reads no code text, so mode, addon and pooling do not apply" }))
  }
  return Pipeline.node(Encode, { architectures }, { id: `encode ${representation}`, layer: SpaceSteps.encode({ space, encoding: representation }) }).pipe(Effect.map((o) => o.features))
}
