/** `cole benchmark`: an NB201 architecture's value in the table. */
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { getSpace } from "../spaces/registry.ts"
import { Evaluator, Nb201Benchmark } from "../steps/Evaluator.ts"
import { oneLine } from "./common.ts"
import { archArgument, nb201Location, parseArch, space } from "./spaceFlags.ts"

export const benchmarkCommand = Command.make(
  "benchmark",
  {
    space,
    arch: archArgument,
    objective: Flag.String("objective").pipe(Flag.withDescription("Column: cifar10_test, cifar100_test, imagenet16_test or a *_12ep column"), Flag.withDefault("cifar10_test")),
    nb201: nb201Location
  },
  ({ arch, nb201, objective, space }) =>
    oneLine(Effect.gen(function*() {
      const s = yield* getSpace(space)
      const canonical = s.format(yield* parseArch(s, arch))
      const evaluator = yield* Evaluator
      yield* Console.log(String(yield* evaluator.evaluate(canonical)))
    }).pipe(Effect.provide(Nb201Benchmark.layer({ objective, ...Option.match(nb201, { onNone: () => ({}), onSome: (location) => ({ location }) }) }))))
).pipe(Command.withDescription("Print an architecture's accuracy from the benchmark table"))
