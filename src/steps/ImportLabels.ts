/**
 * Accuracies measured elsewhere, as an Objective artifact: a CSV of (architecture string, value), one
 * row per architecture, a header row optional. Fields may be quoted (RFC 4180), as einspace strings,
 * full of commas, must be. Strings are parsed by the space and stored in canonical form; the file's
 * sha256 is part of the params, so an edited file is a new artifact.
 */
import * as path from "node:path"
import { readFileSync } from "node:fs"
import { Effect, Result, Schema } from "effect"
import * as Step from "../core/Step.ts"
import { getSpace } from "../spaces/registry.ts"
import { readCsvRecords } from "./Csv.ts"
import { digestFiles } from "./ImportEmbeddings.ts"
import { Architectures, ImportObjective } from "./Services.ts"
import { InvalidStepInput } from "./InvalidStepInput.ts"

const fail = (file: string, problem: string): never => {
  throw new InvalidStepInput({ step: "import-objective", problem: `${file}: ${problem}` })
}

const Params = Schema.Struct({
  space: Schema.String,
  file: Schema.String,
  /** The file's content: a changed file is a new artifact. */
  sha256: Schema.String
})
type Params = typeof Params.Type

/** The file's rows, canonicalised by the space; every problem names the file and line. */
const readLabels = (params: Params) =>
  Effect.gen(function*() {
    const space = yield* getSpace(params.space)
    const file = params.file
    const text = yield* Effect.try({ try: () => readFileSync(file, "utf8"), catch: () => new InvalidStepInput({ step: "import-objective", problem: `${file}: cannot be read` }) })
    const records = readCsvRecords("import-objective", file, text)
    // A header row is one whose second cell is not a number.
    const body = records.length > 0 && Number.isNaN(Number(records[0]!.cells[1])) ? records.slice(1) : records
    if (body.length === 0) fail(file, "no rows: expected (architecture, value) rows")
    const seen = new Map<string, number>()
    const arch: Array<string> = []
    const value = new Float64Array(body.length)
    body.forEach(({ cells, line }, i) => {
      if (cells.length !== 2) fail(file, `line ${line}: ${cells.length} fields, expected 2 (architecture, value); quote strings that contain commas`)
      const parsed = space.parse(cells[0]!)
      if (Result.isFailure(parsed)) fail(file, `line ${line}: ${parsed.failure.message}`)
      const canonical = space.format(Result.getOrThrow(parsed))
      const v = cells[1] === "" ? Number.NaN : Number(cells[1])
      if (!Number.isFinite(v)) fail(file, `line ${line}: value ${JSON.stringify(cells[1])} is not a finite number`)
      if (seen.has(canonical)) fail(file, `line ${line}: the architecture repeats line ${seen.get(canonical)}`)
      seen.set(canonical, line)
      arch.push(canonical)
      value[i] = v
    })
    return { arch, value }
  }).pipe(Effect.catchDefect((e) => (e instanceof InvalidStepInput ? Effect.fail(e) : Effect.die(e))))

/** The labels as the objective. */
export const objective = Step.implement(ImportObjective, {
  implementation: "labels-csv",
  version: 1,
  params: Params,
  sources: [import.meta.url],
  run: (_inputs, params) => Effect.map(readLabels(params), (labels) => ({ objective: labels }))
})

/** The labelled architectures, in file order: the pool a cross-validation on the labels uses. */
export const architectures = Step.implement(Architectures, {
  implementation: "labels-csv",
  version: 1,
  params: Params,
  sources: [import.meta.url],
  run: (_inputs, params) => Effect.map(readLabels(params), ({ arch }) => ({ architectures: { arch } }))
})

/** The params for one labels file (its digest read now, so the keys follow the bytes). */
export const labelsParams = (options: { readonly space: string; readonly file: string }): Params => {
  const file = path.resolve(options.file)
  return { space: options.space, file, sha256: digestFiles([file]) }
}
