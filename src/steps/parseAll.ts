/** Parses the arch strings of an architectures table with its space; the first bad one fails. */
import { Effect, Result } from "effect"
import type { Space } from "../core/Space.ts"

export const parseAll = <A>(space: Space<A, any>, archs: ReadonlyArray<string>) =>
  Effect.suspend(() => {
    const out: Array<A> = new Array(archs.length)
    for (let i = 0; i < archs.length; i++) {
      const parsed = space.parse(archs[i]!)
      if (Result.isFailure(parsed)) return Effect.fail(parsed.failure)
      out[i] = parsed.success
    }
    return Effect.succeed(out)
  })
