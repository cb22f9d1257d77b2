/**
 * The evaluator: what a search or a cross-validation asks for an architecture's objective value. A
 * benchmark table is one implementation (`Nb201Benchmark`); a user's training command is another.
 */
import { Context, Effect, Layer, Schema } from "effect"
import type { Json } from "../core/Step.ts"
import * as Benchmark from "../spaces/nb201/Benchmark.ts"

export class UnknownArchitecture extends Schema.TaggedError<UnknownArchitecture>()("UnknownArchitecture", {
  arch: Schema.String,
  evaluator: Schema.String
}) {
  override get message() {
    return `${this.evaluator} has no value for architecture ${JSON.stringify(this.arch)}`
  }
}

/** An evaluation that ran and did not produce a value: the program failed, printed no number, or ran out of time. */
export class EvaluationFailed extends Schema.TaggedError<EvaluationFailed>()("EvaluationFailed", {
  arch: Schema.String,
  evaluator: Schema.String,
  status: Schema.Literals(["failed", "invalid-output", "timeout"]),
  detail: Schema.String
}) {
  override get message() {
    return `${this.evaluator}: ${this.status} for ${this.arch}: ${this.detail}`
  }
}

export class Evaluator extends Context.Service<Evaluator, {
  readonly name: string
  readonly objective: string
  /** Environment facts that decide the values (the table's digest, the column; the command and its timeout). */
  readonly facts: Readonly<Record<string, Json>>
  readonly evaluate: (arch: string) => Effect.Effect<number, UnknownArchitecture | EvaluationFailed>
}>()("cole/steps/Evaluator") {}

/** The NB201 table as an evaluator; `location` overrides $COLE_NB201 and the shipped copy (data/nb201/). */
export const Nb201Benchmark = {
  layer: (options: { readonly objective: string; readonly location?: string }) =>
    Layer.effect(
      Evaluator,
      Effect.gen(function*() {
        const file = yield* Benchmark.resolveFile(options.objective, options.location)
        const table = yield* Benchmark.load(file, options.objective)
        const name = "nb201-table"
        return {
          name,
          objective: options.objective,
          facts: { evaluator: name, table: table.digest, objective: options.objective },
          evaluate: (arch: string) => {
            const value = table.values.get(arch)
            return value === undefined ? Effect.fail(new UnknownArchitecture({ arch, evaluator: name })) : Effect.succeed(value)
          }
        }
      })
    )
}
