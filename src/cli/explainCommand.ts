/** `cole explain`: for each node of a pipeline file, whether it would hit and if not why, running nothing. */
import { Console, Effect, Layer } from "effect"
import { Command } from "effect/cli"
import * as Executor from "../core/Executor.ts"
import type * as Explain from "../core/Explain.ts"
import * as Pipeline from "../core/Pipeline.ts"
import * as Progress from "../core/Progress.ts"
import * as Store from "../core/Store.ts"
import { force, oneLine, store } from "./common.ts"
import { loadPipeline } from "./loadPipeline.ts"
import { nb201, nb201Setting, pipelineFile } from "./pipelineFlags.ts"

export const explainCommand = Command.make("explain", { file: pipelineFile, store, force, nb201 }, ({ file, force, nb201, store }) =>
  oneLine(
    Effect.gen(function*() {
      const pipeline = yield* loadPipeline(file)
      const explanation = yield* Pipeline.explain(pipeline, { force })
      const nodes: ReadonlyArray<Explain.NodeExplanation> = explanation.nodes
      const runs = nodes.filter((e) => e.verdict === "run").length
      yield* Console.log(`${pipeline.name}: ${nodes.length - runs} of ${nodes.length} nodes would hit; ${runs} would run`)
      for (const e of nodes) {
        yield* Console.log(`  ${e.verdict === "hit" ? "hit " : "run "} ${e.node}${e.key ? `  (key ${e.key.slice(0, 12)})` : ""}`)
        for (const reason of e.reasons) yield* Console.log(`         - ${reason}`)
      }
      if (explanation.stopped !== undefined) yield* Console.log(`  (${explanation.stopped})`)
    }).pipe(Effect.provide(Layer.mergeAll(Store.readLayer(store), Executor.inline, Progress.silent, nb201Setting(nb201))))
  )).pipe(Command.withDescription("Tell, for each node, whether it would hit and if not why — without running anything"))
