/** The built-in search spaces, by name. */
import { Data, Effect } from "effect"
import type { Space } from "../core/Space.ts"
import { einspace } from "./einspace/Einspace.ts"
import { nb201 } from "./nb201/Nb201.ts"

export const spaces: Readonly<Record<string, Space<any, any>>> = { nb201, einspace }

export class UnknownSpace extends Data.TaggedError("UnknownSpace")<{ readonly name: string }> {
  override get message() {
    return `unknown search space ${JSON.stringify(this.name)}; known: ${Object.keys(spaces).join(", ")}`
  }
}

export const getSpace = (name: string): Effect.Effect<Space<any, any>, UnknownSpace> =>
  name in spaces ? Effect.succeed(spaces[name]!) : Effect.fail(new UnknownSpace({ name }))

/** The environment fact that ties a cached result to the space's code. */
export const spaceFact = (space: Space<any, any>) => ({ space: `${space.name}@${space.version}` })
