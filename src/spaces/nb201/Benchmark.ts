/**
 * The NB201 ground-truth table: one accuracy per architecture and column, read from CSV (plain or gzip)
 * and checked on load — 15,625 unique canonical arch strings, numbers in [0, 100]. The project ships its
 * own copy in data/nb201/ (see its README). A folder with a SHA256SUMS file (the shipped one has) lists
 * the sha256 of each decompressed table, and a table that does not match is refused.
 */
import { existsSync, readFileSync, statSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { gunzipSync } from "node:zlib"
import { Config, Data, Effect, Option, Result, Schema } from "effect"
import * as Hash from "../../core/Hash.ts"
import { format, parse } from "./Strings.ts"

/** Objective columns and the file that holds each. */
export const COLUMNS: Readonly<Record<string, string>> = {
  cifar10_test: "nb201.csv",
  cifar100_test: "nb201.csv",
  imagenet16_test: "nb201.csv",
  cifar10_valid_12ep: "nb201_12epoch.csv",
  cifar10_test_12ep: "nb201_12epoch.csv",
  cifar100_valid_12ep: "nb201_12epoch.csv",
  cifar100_test_12ep: "nb201_12epoch.csv",
  imagenet16_valid_12ep: "nb201_12epoch.csv",
  imagenet16_test_12ep: "nb201_12epoch.csv"
}

export const ROWS = 15_625

const HOW = "Provide the table with --nb201 PATH or COLE_NB201=PATH (a folder holding nb201.csv and nb201_12epoch.csv, or one CSV file with an `arch` column)"

export class TableError extends Schema.TaggedError<TableError>()("Nb201TableError", {
  file: Schema.String,
  problem: Schema.String
}) {
  override get message() {
    return `NB201 table ${this.file}: ${this.problem}. ${HOW}`
  }
}

export class UnknownObjective extends Data.TaggedError("UnknownObjective")<{ readonly objective: string }> {
  override get message() {
    return `unknown NB201 objective ${JSON.stringify(this.objective)}; known: ${Object.keys(COLUMNS).join(", ")}`
  }
}

/** The project's own copy, resolved from the package root, so any working directory and the bin find it. */
export const defaultFolder = () => fileURLToPath(new URL("../../../data/nb201/", import.meta.url))

/** Where the NB201 tables are when no step names a location: the `COLE_NB201` setting (`--nb201`). */
export const location = Config.option(Config.String("COLE_NB201"))

/**
 * The CSV that holds `objective`: `location` (or the `COLE_NB201` setting, or the shipped copy) is a
 * CSV file or a folder of them; in a folder, `name.csv` is read if present, else `name.csv.gz`.
 */
export const resolveFile = (objective: string, given?: string) =>
  Effect.gen(function*() {
    const file = COLUMNS[objective]
    if (file === undefined) return yield* new UnknownObjective({ objective })
    const configured = yield* location.pipe(Effect.orElseSucceed(() => Option.none()))
    const where = given ?? Option.getOrElse(configured, defaultFolder)
    const isDir = (() => {
      try {
        return statSync(where).isDirectory()
      } catch {
        return false
      }
    })()
    if (!isDir) return where
    const plain = path.join(where, file)
    return existsSync(plain) || !existsSync(`${plain}.gz`) ? plain : `${plain}.gz`
  })

/** A table file's text bytes: gunzipped when it is gzip (by its magic number, whatever its name). */
export const readTable = (file: string) =>
  Effect.gen(function*() {
    const fail = (problem: string) => Effect.fail(new TableError({ file, problem }))
    let bytes: Buffer
    try {
      bytes = readFileSync(file)
    } catch (e) {
      return yield* fail(`cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
    }
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes
    try {
      return gunzipSync(bytes)
    } catch (e) {
      return yield* fail(`is not a valid gzip file (${(e as Error).message})`)
    }
  })

/** The file that records the expected digests of the tables in its folder (`<hex>  <name>` per line). */
export const DIGESTS = "SHA256SUMS"

/** The digest `file` must have, when its folder records one (name without `.gz`). */
const expectedDigest = (file: string): string | undefined => {
  let listing: string
  try {
    listing = readFileSync(path.join(path.dirname(file), DIGESTS), "utf8")
  } catch {
    return undefined
  }
  const name = path.basename(file).replace(/\.gz$/, "")
  return listing.split("\n").map((line) => line.trim().split(/\s+\*?/)).find(([, listed]) => listed === name)?.[0]
}

export interface Table {
  readonly file: string
  readonly digest: Hash.Digest
  readonly objective: string
  /** Accuracy (%) by canonical arch string. */
  readonly values: ReadonlyMap<string, number>
}

/** Reads and checks one objective column of an NB201 CSV (plain or gzip), and its digest where its folder lists one. */
export const load = (file: string, objective: string) =>
  Effect.gen(function*() {
    const fail = (problem: string) => Effect.fail(new TableError({ file, problem }))
    const bytes = yield* readTable(file)
    const digest = Hash.sha256(bytes)
    const expected = expectedDigest(file)
    if (expected !== undefined && digest !== `sha256:${expected}`) {
      return yield* fail(`has sha256 ${digest.slice("sha256:".length)} (decompressed), but ${DIGESTS} beside it lists ${expected}: the file is damaged or was replaced (restore it, e.g. with git checkout)`)
    }
    const lines = bytes.toString("utf8").split(/\r?\n/)
    while (lines.length > 0 && lines.at(-1) === "") lines.pop()
    const header = (lines[0] ?? "").split(",")
    const archAt = header.indexOf("arch")
    const valueAt = header.indexOf(objective)
    if (archAt < 0) return yield* fail(`has no "arch" column (columns: ${header.join(", ")})`)
    if (valueAt < 0) return yield* fail(`has no "${objective}" column (columns: ${header.join(", ")})`)
    if (lines.length - 1 !== ROWS) return yield* fail(`has ${lines.length - 1} rows, expected ${ROWS} (one per architecture)`)
    const values = new Map<string, number>()
    for (let i = 1; i < lines.length; i++) {
      const fields = lines[i]!.split(",")
      if (fields.length !== header.length) return yield* fail(`line ${i + 1} has ${fields.length} fields, expected ${header.length}`)
      const arch = fields[archAt]!
      const parsed = parse(arch)
      if (Result.isFailure(parsed)) return yield* fail(`line ${i + 1}: ${parsed.failure.message}`)
      if (format(parsed.success) !== arch) return yield* fail(`line ${i + 1}: ${JSON.stringify(arch)} is not in canonical form`)
      if (values.has(arch)) return yield* fail(`line ${i + 1}: ${JSON.stringify(arch)} appears twice`)
      const text = fields[valueAt]!
      const value = Number(text)
      if (text.trim() === "" || !Number.isFinite(value) || value < 0 || value > 100) {
        return yield* fail(`line ${i + 1}: ${objective} is ${JSON.stringify(text)}, expected an accuracy in [0, 100]`)
      }
      values.set(arch, value)
    }
    return { file, digest, objective, values } satisfies Table
  })

/** The maximum of the column and every architecture that reaches it. */
export const optimum = (table: Table) => {
  let best = -Infinity
  for (const v of table.values.values()) best = Math.max(best, v)
  return { value: best, archs: [...table.values].filter(([, v]) => v === best).map(([a]) => a).sort() }
}
