/** `cole shapes`: an einspace architecture's tree with inferred shapes, and its parameter count. */
import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import { getSpace } from "../spaces/registry.ts"
import { oneLine } from "./common.ts"
import { archArgument, parseArch, space } from "./spaceFlags.ts"

export const shapesCommand = Command.make("shapes", { space, arch: archArgument }, ({ arch, space }) =>
  oneLine(Effect.gen(function*() {
    const s = yield* getSpace(space)
    if (s.shapes === undefined) return yield* Effect.fail(new Error(`space ${s.name} does not infer shapes`))
    yield* Console.log(s.shapes(yield* parseArch(s, arch)))
  }))).pipe(Command.withDescription("Print the tree with its inferred shapes, one node per line (einspace)"))
