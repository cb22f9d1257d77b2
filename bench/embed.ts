/**
 * Embedding throughput: NB201 code texts through a generated base-size encoder (6 layers × 768 hidden,
 * 12 heads, FFN 3072) on CPU, with length-bucketed batches of 32. Reports real tokens/s and padding
 * efficiency (real / processed tokens) next to bench/reference.py encoder (PyTorch on an optimized BLAS,
 * the same shapes, the same token counts in the same batches), alternating round by round.
 *
 *   node --import tsx bench/embed.ts [texts = 512] [threads = 2] [rounds = 3]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import { nb201 } from "../src/spaces/nb201/Nb201.ts"
import * as ModelFolder from "../src/steps/embed/ModelFolder.ts"
import * as OnnxSession from "../src/steps/embed/OnnxSession.ts"
import * as TinyModel from "../src/steps/embed/TinyModel.ts"
import * as Reference from "./Reference.ts"

const count = Number(process.argv[2] ?? 512)
const threads = Number(process.argv[3] ?? 2)
const rounds = Number(process.argv[4] ?? 3)
const shape = { layers: 6, hidden: 768, heads: 12, ffn: 3072, vocab: 8000 }
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

console.log(`embedding ${count} NB201 texts (exclude-helper), 6 × 768 encoder, batch 32, ${threads} threads, node ${process.version}, median of ${rounds} alternating rounds`)
console.log(Reference.describe())
const dir = mkdtempSync(path.join(os.tmpdir(), "cole-bench-embed-"))
try {
  // Spread over the whole space (every k-th architecture), so lengths are the corpus's, not its first ids'.
  const all = nb201.enumerate!()
  const archs = all.filter((_, i) => i % Math.max(1, Math.floor(all.length / count)) === 0).slice(0, count)
  const texts = archs.map((a) => nb201.transpile(a, { mode: "exclude-helper", addon: "none" }))
  const model = path.join(dir, "model")
  const corpus = all.filter((_, i) => i % 25 === 0).map((a) => nb201.transpile(a, { mode: "exclude-helper", addon: "none" }))
  ModelFolder.writeTiny(model, { ...TinyModel.defaults, ...shape, kind: "encoder", corpus, tokenizerVocab: shape.vocab, maxPositions: 1024 })
  const lengths = path.join(dir, "lengths.txt")

  const rows = await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const session = yield* OnnxSession.open({ model, executionProvider: "cpu", maxLength: 512, batchSize: 32, pooling: "mean", paddingSide: "auto", positionIds: "arange", threads })
    const counts = texts.map((t) => session.tokenization.encode(t).ids.length)
    const batches = OnnxSession.plan(counts, texts.map(OnnxSession.textKey), 32)
    const real = counts.reduce((a, b) => a + b, 0)
    const processed = batches.reduce((n, b) => n + b.length * Math.max(...b.map((i) => counts[i]!)), 0)
    // The reference gets the same token counts in the same batches.
    writeFileSync(lengths, batches.flat().map((i) => counts[i]!).join("\n"))
    yield* session.embed(texts, [batches[0]!]) // warm-up
    const out: Array<{ ours: number; theirs: number; efficiency: number; theirEfficiency: number }> = []
    for (let round = 0; round < rounds; round++) {
      const started = performance.now()
      yield* session.embed(texts, batches)
      const ours = real / ((performance.now() - started) / 1000)
      const torch = Reference.run("encoder", [
        "--layers", shape.layers, "--hidden", shape.hidden, "--heads", shape.heads, "--ffn", shape.ffn, "--vocab", shape.vocab,
        "--lengths", lengths, "--batch", 32, "--threads", threads
      ])
      out.push({ ours, theirs: torch.real_tokens_per_s, efficiency: real / processed, theirEfficiency: torch.padding_efficiency })
    }
    return out
  })))

  const spread = (xs: ReadonlyArray<number>) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`
  console.log(`| | real tokens/s | padding efficiency |`)
  console.log(`| --- | --- | --- |`)
  console.log(`| cole (ONNX Runtime, CPU) | ${median(rows.map((r) => r.ours)).toFixed(0)} (${spread(rows.map((r) => r.ours))}) | ${rows[0]!.efficiency.toFixed(4)} |`)
  console.log(`| PyTorch reference | ${median(rows.map((r) => r.theirs)).toFixed(0)} (${spread(rows.map((r) => r.theirs))}) | ${rows[0]!.theirEfficiency} |`)
  console.log(`throughput ratio cole / PyTorch: ${median(rows.map((r) => r.ours / r.theirs)).toFixed(2)}×`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
