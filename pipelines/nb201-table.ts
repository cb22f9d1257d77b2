/**
 * The NB201 table at a glance: list all 15,625 architectures, transpile them to code text, encode them with
 * NASLib's path encoding, look up their CIFAR-10 test accuracy, and print a short summary.
 * Later pipelines build on the same nodes (they are shared through the store).
 */
import { Console, Effect, Layer } from "effect"
import * as Pipeline from "../src/core/Pipeline.ts"
import { Nb201Benchmark } from "../src/steps/Evaluator.ts"
import { Architectures, Encode, Evaluate, Transpile } from "../src/steps/Services.ts"
import * as SpaceSteps from "../src/steps/SpaceSteps.ts"

const objective = process.env.COLE_OBJECTIVE ?? "cifar10_test"

export const program = Effect.gen(function*() {
  const { architectures } = yield* Pipeline.node(Architectures, {})
  const { code } = yield* Pipeline.node(Transpile, { architectures })
  const { features } = yield* Pipeline.node(Encode, { architectures })
  const evaluated = yield* Pipeline.node(Evaluate, { architectures })

  const texts = (yield* Pipeline.load(code)).columns.code
  const values = (yield* Pipeline.load(evaluated.objective)).columns
  const lengths = texts.map((t) => t.length)
  let best = 0
  for (let i = 1; i < values.value.length; i++) if (values.value[i]! > values.value[best]!) best = i
  const mean = values.value.reduce((a, b) => a + b, 0) / values.value.length
  yield* Console.log([
    `NB201: ${texts.length} architectures`,
    `code text (exclude-helper): ${Math.min(...lengths)}–${Math.max(...lengths)} characters, mean ${Math.round(lengths.reduce((a, b) => a + b, 0) / lengths.length)}`,
    `${objective}: mean ${mean.toFixed(2)}, best ${values.value[best]!.toFixed(2)} at ${values.arch[best]}`,
    `the best architecture as code:`,
    texts[best]!.split("\n").map((l) => `    ${l}`).join("\n")
  ].join("\n"))
  return { code, features, objective: evaluated.objective }
})

export const layer = Layer.mergeAll(
  SpaceSteps.architectures({ space: "nb201" }),
  SpaceSteps.transpile({ space: "nb201", options: { mode: "exclude-helper", addon: "none" } }),
  SpaceSteps.encode({ space: "nb201", encoding: "path-naslib" }),
  SpaceSteps.evaluate({}).pipe(Layer.provide(Nb201Benchmark.layer({ objective })))
)

export default Pipeline.make("nb201-table", program, layer)
