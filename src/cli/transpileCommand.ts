/** `cole transpile`: an architecture's PyTorch code text. */
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { decodeTranspileOptions } from "../core/Space.ts"
import { getSpace } from "../spaces/registry.ts"
import { oneLine } from "./common.ts"
import { archArgument, parseArch, space } from "./spaceFlags.ts"

export const transpileCommand = Command.make(
  "transpile",
  {
    space,
    arch: archArgument,
    mode: Flag.String("mode").pipe(Flag.withDescription("NB201 verbosity: exclude-helper (default), helper or inline"), Flag.optional),
    addon: Flag.String("addon").pipe(Flag.withDescription("NB201 prepended context: none (default), comment or backbone"), Flag.optional)
  },
  ({ addon, arch, mode, space }) =>
    oneLine(Effect.gen(function*() {
      const s = yield* getSpace(space)
      // Only the flags given: each space's options Schema supplies its defaults and rejects the rest.
      const given = { mode: Option.getOrUndefined(mode), addon: Option.getOrUndefined(addon) }
      const options = yield* decodeTranspileOptions(s, Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)))
      yield* Console.log(s.transpile(yield* parseArch(s, arch), options))
    }))
).pipe(Command.withDescription("Print an architecture's code text followed by one newline"))
