/** `cole encode`: an architecture's structural encoding as a JSON array. */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { encodeAll, getEncoding } from "../core/Space.ts"
import { getSpace } from "../spaces/registry.ts"
import { oneLine } from "./common.ts"
import { archArgument, parseArch, space } from "./spaceFlags.ts"

export const encodeCommand = Command.make(
  "encode",
  { space, arch: archArgument, encoding: Flag.String("encoding").pipe(Flag.withDescription("Encoding name (onehot30, path-naslib, …)")) },
  ({ arch, encoding, space }) =>
    oneLine(Effect.gen(function*() {
      const s = yield* getSpace(space)
      const e = yield* getEncoding(s, encoding)
      yield* Console.log(JSON.stringify(Array.from(encodeAll(e, [yield* parseArch(s, arch)]))))
    }))
).pipe(Command.withDescription("Print an architecture's encoding as a JSON array on one line"))
