/**
 * The search spaces, by name. The built-in ones are the default; `withSpaces(...)` adds a user's own
 * (declared anywhere: a pipeline file, a test) for the steps of one pipeline, with no change here.
 */
import { Context, Data, Effect, Layer, Schema } from "effect"
import type { Space } from "../core/Space.ts"
import { einspace } from "./einspace/Einspace.ts"
import { nb201 } from "./nb201/Nb201.ts"

/** The built-in spaces. */
export const spaces: Readonly<Record<string, Space<any, any>>> = { nb201, einspace }

/** The spaces the steps can name; the built-ins unless a layer says otherwise. */
export const Spaces = Context.Reference<Readonly<Record<string, Space<any, any>>>>("cole/spaces/Spaces", { defaultValue: () => spaces })

export class DuplicateSpace extends Data.TaggedError("DuplicateSpace")<{ readonly name: string }> {
  override get message() {
    return `search space ${JSON.stringify(this.name)} is declared twice; give each space its own name`
  }
}

/** The built-in spaces plus `extra`; provide it to the step layers that should see them. */
export const withSpaces = (...extra: ReadonlyArray<Space<any, any>>) =>
  Layer.effect(
    Spaces,
    Effect.suspend(() => {
      const all: Record<string, Space<any, any>> = { ...spaces }
      for (const space of extra) {
        if (Object.hasOwn(all, space.name)) return Effect.fail(new DuplicateSpace({ name: space.name }))
        all[space.name] = space
      }
      return Effect.succeed(all)
    })
  )

export class UnknownSpace extends Schema.TaggedError<UnknownSpace>()("UnknownSpace", {
  name: Schema.String,
  known: Schema.Array(Schema.String)
}) {
  override get message() {
    return `unknown search space ${JSON.stringify(this.name)}; known: ${this.known.join(", ")}`
  }
}

export const getSpace = (name: string): Effect.Effect<Space<any, any>, UnknownSpace> =>
  Effect.flatMap(Spaces, (all) =>
    // Own names only: `constructor` or `__proto__` is no space.
    Object.hasOwn(all, name) ? Effect.succeed(all[name]!) : Effect.fail(new UnknownSpace({ name, known: Object.keys(all) })))

/** The environment fact that ties a cached result to the space's code. */
export const spaceFact = (space: Space<any, any>) => ({ space: `${space.name}@${space.version}` })
