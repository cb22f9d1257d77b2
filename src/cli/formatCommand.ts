/** `cole format`: an architecture in its canonical form, or what is wrong with it. */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { getSpace } from "../spaces/registry.ts"
import { oneLine } from "./common.ts"
import { archArgument, parseArch, printer, short, space } from "./spaceFlags.ts"

export const formatCommand = Command.make(
  "format",
  { space, arch: archArgument, short, pretty: Flag.Boolean("pretty").pipe(Flag.withDescription("Print the paper's multi-line layout (einspace)"), Flag.withDefault(false)) },
  ({ arch, pretty, short, space }) =>
    oneLine(Effect.gen(function*() {
      const s = yield* getSpace(space)
      if (short && pretty) return yield* Effect.fail(new Error("--short and --pretty exclude each other"))
      const print = yield* printer(s, short ? "short" : pretty ? "pretty" : null)
      yield* Console.log(print(yield* parseArch(s, arch)))
    }))
).pipe(Command.withDescription("Re-print an architecture in canonical form (or say what is wrong with it)"))
