/**
 * How long the main thread stalls while the hashed n-gram featurizer embeds all 15,625 NB201 texts and
 * the reduce step fits PCA(128) on them — the work that used to run on the main thread. The longest
 * event-loop delay is what a lease heartbeat (every 1 s; stale after 15 s on another host) would wait.
 * Each round runs the same pipeline twice on empty stores, alternating: with every task in this thread
 * (`Executor.inline`, as before) and on two worker threads (`Executor.local`, as `cole` runs).
 *
 *   node --import tsx bench/main-thread.ts
 */
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { Effect, Layer } from "effect"
import * as Executor from "../src/core/Executor.ts"
import * as Pipeline from "../src/core/Pipeline.ts"
import * as Progress from "../src/core/Progress.ts"
import * as Store from "../src/core/Store.ts"
import { HashedNgramEmbedder } from "../src/steps/HashedNgram.ts"
import { Pca } from "../src/steps/reduce/Reducers.ts"
import { Architectures, Embed, Reduce, Transpile } from "../src/steps/Services.ts"
import * as SpaceSteps from "../src/steps/SpaceSteps.ts"

const pipeline = Pipeline.make("main-thread", Effect.gen(function*() {
  const { architectures } = yield* Pipeline.node(Architectures, {})
  const { code } = yield* Pipeline.node(Transpile, { architectures })
  const { embeddings } = yield* Pipeline.node(Embed, { code })
  const { reduced } = yield* Pipeline.node(Reduce, { features: embeddings, train: architectures })
  return yield* Pipeline.load(reduced)
}), Layer.mergeAll(
  SpaceSteps.architectures({ space: "nb201" }),
  SpaceSteps.transpile({ space: "nb201", options: { mode: "exclude-helper", addon: "none" } }),
  HashedNgramEmbedder.layer({ dims: 1024, n: 3, weighting: "sublinear-tfidf" }),
  Pca.layer({ components: 128 })
))

const measure = async (executor: Layer.Layer<Executor.Executor>) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cole-bench-"))
  const delay = monitorEventLoopDelay({ resolution: 10 })
  const started = performance.now()
  delay.enable()
  try {
    const { value } = await Effect.runPromise(Effect.scoped(Pipeline.run(pipeline).pipe(
      Effect.provide(Layer.mergeAll(Store.layer(dir), executor, Progress.silent))
    )))
    return { maxMs: delay.max / 1e6, wallMs: performance.now() - started, bytes: Buffer.from(value.columns.x.buffer) }
  } finally {
    delay.disable()
    rmSync(dir, { recursive: true, force: true })
  }
}

const main = async () => {
  const rounds = 3
  const inline: Array<number> = []
  const workers: Array<number> = []
  for (let round = 0; round < rounds; round++) {
    const a = await measure(Executor.inline)
    const b = await measure(Executor.local({ workers: 2 }))
    if (!a.bytes.equals(b.bytes)) throw new Error("the two executors gave different bytes")
    inline.push(a.maxMs)
    workers.push(b.maxMs)
    console.log(`round ${round + 1}: longest main-thread stall ${a.maxMs.toFixed(0)} ms in this thread (${(a.wallMs / 1000).toFixed(1)} s), ${b.maxMs.toFixed(0)} ms with workers (${(b.wallMs / 1000).toFixed(1)} s); same bytes`)
  }
  const median = (xs: Array<number>) => [...xs].sort((p, q) => p - q)[xs.length >> 1]!
  console.log(`median longest stall: ${median(inline).toFixed(0)} ms in this thread, ${median(workers).toFixed(0)} ms with the work on workers`)
}

void main()
