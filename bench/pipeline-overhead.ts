/**
 * Framework overhead: a 10-node pipeline (a source, then nine transforms in a chain with branches) whose
 * every node is a hit. Measures `Pipeline.run` in process — key derivation, verified manifest lookups,
 * the journal — with no step doing work. Goal: < 300 ms.
 *
 *   npm run bench            (or: node --import tsx bench/pipeline-overhead.ts)
 */
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Layer, Schema } from "effect"
import * as Artifact from "../src/core/Artifact.ts"
import * as Column from "../src/core/Column.ts"
import * as Executor from "../src/core/Executor.ts"
import * as Pipeline from "../src/core/Pipeline.ts"
import * as Progress from "../src/core/Progress.ts"
import * as Step from "../src/core/Step.ts"
import * as Store from "../src/core/Store.ts"

const Values = Artifact.table("bench/values", { v: Column.float64 })

class Source extends Step.Service<Source>()("bench/source", { inputs: {}, outputs: { values: Values } }) {}
class Shift extends Step.Service<Shift>()("bench/shift", { inputs: { values: Values }, outputs: { values: Values } }) {}

const source = Step.implement(Source, {
  implementation: "range",
  version: 1,
  params: Schema.Struct({ n: Schema.Int }),
  sources: [],
  run: (_inputs, { n }) => Effect.sync(() => ({ values: { v: Float64Array.from({ length: n }, (_, i) => i) } }))
})

const shift = Step.implement(Shift, {
  implementation: "add",
  version: 1,
  params: Schema.Struct({ by: Schema.Finite }),
  sources: [],
  run: ({ values }, { by }) => Effect.sync(() => ({ values: { v: values.columns.v.map((x) => x + by) } }))
})

// Each node brings its own Shift layer, so that nine invocations have nine different params.
const program = Effect.gen(function*() {
  let { values } = yield* Pipeline.node(Source, {})
  const firsts: Array<Pipeline.ArtifactRef<typeof Values>> = []
  for (let i = 1; i <= 9; i++) {
    const input = i % 3 === 0 ? firsts[0]! : values
    const out = yield* Pipeline.node(Shift, { values: input }, { id: `shift-${i}`, layer: shift({ by: i }) })
    values = out.values
    firsts.push(out.values)
  }
  return values
})

const pipeline = Pipeline.make("overhead", program, source({ n: 1000 }))

const main = async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cole-bench-"))
  try {
    const platform = Layer.mergeAll(Store.layer(dir), Executor.inline, Progress.silent)
    const run = () => Effect.runPromise(Pipeline.run(pipeline).pipe(Effect.provide(platform)))
    const first = await run()
    const statuses = first.report.nodes.map((n) => n.status)
    const times: Array<number> = []
    for (let i = 0; i < 20; i++) {
      const t = performance.now()
      const again = await run()
      times.push(performance.now() - t)
      if (!again.report.nodes.every((n) => n.status === "hit")) throw new Error("expected every node to hit")
    }
    times.sort((a, b) => a - b)
    console.log(`10-node pipeline (${first.report.nodes.length} nodes; first run: ${statuses.filter((s) => s === "computed").length} computed)`)
    console.log(`all-hit re-run, in process, 20 runs: median ${times[10]!.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, max ${times[19]!.toFixed(1)} ms (goal < 300 ms)`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
