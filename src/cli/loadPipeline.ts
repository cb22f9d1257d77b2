/** Loads a pipeline file: a module whose default export is made with `Pipeline.make`. */
import { existsSync } from "node:fs"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { Data, Effect } from "effect"
import type * as Pipeline from "../core/Pipeline.ts"

export class PipelineFileError extends Data.TaggedError("PipelineFileError")<{
  readonly file: string
  readonly reason: string
}> {
  override get message() {
    return `pipeline file ${this.file}: ${this.reason}`
  }
}

const isPipeline = (value: unknown): value is Pipeline.Pipeline =>
  typeof value === "object" && value !== null && "name" in value && "program" in value && "layer" in value

export const loadPipeline = (file: string) =>
  Effect.gen(function*() {
    const absolute = path.resolve(file)
    if (!existsSync(absolute)) return yield* new PipelineFileError({ file, reason: "no such file" })
    const module = yield* Effect.tryPromise({
      try: () => import(pathToFileURL(absolute).href),
      catch: (e) => new PipelineFileError({ file, reason: `cannot be loaded: ${e instanceof Error ? e.message : String(e)}` })
    })
    if (!isPipeline(module.default)) {
      return yield* new PipelineFileError({ file, reason: "its default export is not a pipeline (use `export default Pipeline.make(...)`)" })
    }
    return module.default as Pipeline.Pipeline
  })
