/** `cole run`: runs a pipeline file; finished nodes are reused from the store, the rest run. */
import { Console, Effect, Layer, Option, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import * as Pipeline from "../core/Pipeline.ts"
import * as Store from "../core/Store.ts"
import { db, executor, platformLayer } from "./clusterFlags.ts"
import { force, oneLine, store } from "./common.ts"
import * as Format from "./format.ts"
import { loadPipeline } from "./loadPipeline.ts"
import { nb201, nb201Setting, pipelineFile } from "./pipelineFlags.ts"
import { printOutputs, printReport } from "./printReport.ts"

export const runCommand = Command.make(
  "run",
  {
    file: pipelineFile,
    store,
    force,
    nb201,
    executor,
    db,
    workers: Flag.Int("workers").pipe(
      Flag.withSchema(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
      Flag.withDescription("Worker threads for sharded work (0 runs shards in this thread; default: one per core)"),
      Flag.optional
    ),
    ref: Flag.String("ref").pipe(Flag.withDescription("Name this run's results, keeping them from gc"), Flag.optional)
  },
  ({ db, executor, file, force, nb201, ref, store, workers }) =>
    oneLine(
      // A bad --ref is refused before any work (even making the store), not after the run it was to name.
      Effect.andThen(Option.isSome(ref) ? Store.checkName("ref", ref.value) : Effect.void, Effect.gen(function*() {
        const pipeline = yield* loadPipeline(file)
        const { report, value } = yield* Pipeline.run(pipeline, {
          force,
          onNode: (n) => {
            if (!process.stdout.isTTY) return
            process.stderr.write(`  ${n.status.padEnd(8)} ${n.id} (${Format.duration(n.ms)})\n`)
          }
        }).pipe(
          Effect.tapError((e) => e instanceof Pipeline.PipelineFailed ? printReport(e.report) : Effect.void)
        )
        yield* printReport(report)
        yield* printOutputs(value)
        if (Option.isSome(ref)) {
          const s = yield* Store.Store
          yield* s.setRef(ref.value, report.nodes.flatMap((n) => n.key === undefined ? [] : [{ step: n.step, key: n.key }]))
          yield* Console.log(`ref ${ref.value} → ${report.nodes.length} entries`)
        }
      }).pipe(
        Effect.provide(Layer.merge(platformLayer(store, { executor, db, workers }), nb201Setting(nb201)))
      ))
    )
).pipe(Command.withDescription("Run a pipeline; finished nodes are reused from the store, the rest run"))
