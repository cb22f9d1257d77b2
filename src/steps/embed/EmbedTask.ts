/**
 * One shard of embedding as an Executor task, for runners (`--executor cluster`): the worker opens
 * the model once — a session per worker thread, kept for the thread's life, so a runner's gpu pool (one
 * thread) holds one session on its GPU — and embeds the shard's batch plan exactly as the step does
 * in-process, so the bytes are the same wherever it runs.
 */
import { Effect, Scope } from "effect"
import * as OnnxSession from "./OnnxSession.ts"

export interface Input {
  /** The session's settings; the provider is the one the step's key names (cpu or cuda), never auto. */
  readonly options: OnnxSession.Options
  readonly texts: ReadonlyArray<string>
  readonly batches: ReadonlyArray<ReadonlyArray<number>>
}

const sessions = new Map<string, Promise<OnnxSession.Session>>()
// Sessions live as long as the worker thread: this scope is never closed.
const forever = Scope.makeUnsafe()

const sessionFor = (options: OnnxSession.Options) => {
  const id = JSON.stringify(options)
  let session = sessions.get(id)
  if (session === undefined) {
    session = Effect.runPromise(OnnxSession.open(options).pipe(Scope.provide(forever)))
    // A failed open is not cached: the next shard tries again and reports its own error.
    session.catch(() => sessions.delete(id))
    sessions.set(id, session)
  }
  return session
}

export const embedShard = (input: Input) =>
  Effect.gen(function*() {
    const session = yield* Effect.tryPromise({
      try: () => sessionFor(input.options),
      catch: (error) => error instanceof OnnxSession.EmbedderError ? error : new OnnxSession.EmbedderError({ model: input.options.model, problem: String(error) })
    })
    return yield* session.embed(input.texts, input.batches)
  })

/** The task, for the Executor: cpu units go to any runner, cuda units only to runners with the gpu pool. */
export const task = (provider: "cpu" | "cuda") => ({
  module: import.meta.url,
  fn: "embedShard",
  errors: OnnxSession.EmbedderError,
  pool: provider === "cuda" ? "gpu" as const : "cpu" as const
})
