/**
 * What one run of a task came to, in a form that crosses a thread (or process) boundary by structured
 * clone: its output, its typed error in Schema-encoded form, or the message and stack of a defect.
 * Both executors perform tasks through here, so a task behaves the same in this thread and in a worker.
 */
import { Cause, Effect, Exit, Option, Result, Schema } from "effect"

export type Outcome =
  | { readonly _tag: "Succeeded"; readonly output: unknown }
  /** A typed failure: `encoded` is the error in its Schema's encoded form (undefined if it has none). */
  | { readonly _tag: "Failed"; readonly encoded: unknown; readonly message: string; readonly stack?: string | undefined }
  | { readonly _tag: "Died"; readonly message: string; readonly stack?: string | undefined }

export const died = (message: string, stack?: string): Outcome => ({ _tag: "Died", message, stack })

const fromDefect = (defect: unknown): Outcome =>
  defect instanceof Error ? died(defect.message, defect.stack) : died(String(defect))

/** Encodes a typed error with its own class when that class is a Schema (a `Schema.TaggedError`). */
const fromError = (error: unknown): Outcome => {
  const schema: unknown = typeof error === "object" && error !== null ? error.constructor : undefined
  const encoded = isEncoder(schema)
    ? Option.getOrUndefined(Schema.encodeUnknownOption(schema)(error))
    : undefined
  const message = error instanceof Error ? error.message : String(error)
  return { _tag: "Failed", encoded, message, stack: error instanceof Error ? error.stack : undefined }
}

const isEncoder = (u: unknown): u is Schema.Encoder<unknown> => Schema.isSchema(u)

/** A task's Effect runs with no services: it is a self-contained function of its input. */
const isTaskEffect = (u: unknown): u is Effect.Effect<unknown, unknown> => Effect.isEffect(u)

const modules = new Map<string, Promise<Record<string, unknown>>>()

const load = (module: string) => {
  let loaded = modules.get(module)
  if (loaded === undefined) {
    loaded = import(module)
    modules.set(module, loaded)
  }
  return loaded
}

/** Runs `fn` of `module` on `input`; never rejects. */
export const perform = async (module: string, fn: string, input: unknown): Promise<Outcome> => {
  try {
    const task = (await load(module))[fn]
    if (typeof task !== "function") return died(`${module} has no exported function ${fn}`)
    const result: unknown = await task(input)
    if (!isTaskEffect(result)) return { _tag: "Succeeded", output: result }
    const exit = await Effect.runPromiseExit(result)
    if (Exit.isSuccess(exit)) return { _tag: "Succeeded", output: exit.value }
    const error = Cause.findError(exit.cause)
    return Result.isSuccess(error) ? fromError(error.success) : fromDefect(Cause.squash(exit.cause))
  } catch (defect) {
    // The boundary of foreign code: a task that throws is reported, not propagated.
    return fromDefect(defect)
  }
}
