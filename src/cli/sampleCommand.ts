/** `cole sample`: architectures drawn from a space with a seed, one per line. */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import * as Rng from "../core/Rng.ts"
import { getSpace } from "../spaces/registry.ts"
import { oneLine } from "./common.ts"
import { printer, short, space } from "./spaceFlags.ts"

export const sampleCommand = Command.make(
  "sample",
  {
    space,
    count: Flag.Int("count").pipe(Flag.withDescription("How many architectures"), Flag.withDefault(1)),
    seed: Flag.Int("seed").pipe(Flag.withDescription("Random seed"), Flag.withDefault(0)),
    short
  },
  ({ count, seed, short, space }) =>
    oneLine(Effect.gen(function*() {
      const s = yield* getSpace(space)
      if (count < 0) return yield* Effect.fail(new Error(`--count ${count}: expected a non-negative integer`))
      const print = yield* printer(s, short ? "short" : null)
      const rng = Rng.make(seed, "architectures")
      const lines = Array.from({ length: count }, () => print(s.sample(rng)))
      if (lines.length > 0) yield* Console.log(lines.join("\n"))
    }))
).pipe(Command.withDescription("Print random valid architectures, one per line (the space's sampling rule)"))
