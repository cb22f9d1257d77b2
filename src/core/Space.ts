/**
 * The search-space interface. A space is declared by an architecture Schema, a canonical string form
 * (parse / format), sampling and mutation, optional enumeration and structural encodings, and a
 * transpiler to code text with its own options Schema. Steps and pipelines only ever see this
 * interface, so adding a space changes nothing in core, steps or pipelines.
 */
import { Effect, type Result, Schema } from "effect"
import type { Rng } from "./Rng.ts"

export class ArchParseError extends Schema.TaggedError<ArchParseError>()("ArchParseError", {
  space: Schema.String,
  input: Schema.String,
  /** 0-based character offset of the problem. */
  position: Schema.Int,
  problem: Schema.String
}) {
  override get message() {
    return `invalid ${this.space} architecture ${JSON.stringify(this.input)} at position ${this.position}: ${this.problem}`
  }
}

export interface Encoding<A> {
  readonly name: string
  readonly dimensions: number
  /** Writes the encoding of `arch` into `out` at `offset` (out is zero-filled by the caller). */
  readonly encodeInto: (arch: A, out: Float32Array, offset: number) => void
}

export interface Space<A, O = unknown> {
  readonly name: string
  /** Bumped whenever parsing, sampling, encodings or the transpiler change their output. */
  readonly version: number
  /** The space's module (`import.meta.url`): the drift guard fingerprints every file it reaches against `version`. */
  readonly sources: ReadonlyArray<string>
  readonly arch: Schema.Schema<A>
  readonly parse: (text: string) => Result.Result<A, ArchParseError>
  readonly format: (arch: A) => string
  readonly sample: (rng: Rng) => A
  readonly mutate: (arch: A, rng: Rng) => A
  /** Every architecture, for spaces small enough to list. */
  readonly enumerate?: () => ReadonlyArray<A>
  readonly encodings: Readonly<Record<string, Encoding<A>>>
  /** Transpiler options (verbosity, add-ons, …), decoded from a step's params. */
  readonly transpileOptions: Schema.Codec<O, any>
  /** The options of the method's default code text (what a code-text representation embeds). */
  readonly defaultTranspileOptions: O
  readonly transpile: (arch: A, options: O) => string
  /** Other string forms the space can print (e.g. einspace's `short` and `pretty`); `parse` reads them all. */
  readonly forms?: Readonly<Record<string, (arch: A) => string>>
  /** A human-readable account of the architecture's inferred shapes, for spaces that infer them. */
  readonly shapes?: (arch: A) => string
}

/** Encodes many architectures into one row-major Float32Array. */
export const encodeAll = <A>(encoding: Encoding<A>, archs: ReadonlyArray<A>): Float32Array => {
  const out = new Float32Array(archs.length * encoding.dimensions)
  archs.forEach((arch, i) => encoding.encodeInto(arch, out, i * encoding.dimensions))
  return out
}

export class UnknownEncoding extends Schema.TaggedError<UnknownEncoding>()("UnknownEncoding", {
  space: Schema.String,
  name: Schema.String,
  known: Schema.Array(Schema.String)
}) {
  override get message() {
    return `space ${this.space} has no encoding ${JSON.stringify(this.name)}; known: ${this.known.join(", ")}`
  }
}

export class InvalidTranspileOptions extends Schema.TaggedError<InvalidTranspileOptions>()("InvalidTranspileOptions", {
  space: Schema.String,
  options: Schema.Json,
  problem: Schema.String
}) {
  override get message() {
    return `${this.space} transpile options ${JSON.stringify(this.options)}: ${this.problem}`
  }
}

/** A space's encoding by name. */
export const getEncoding = <A>(space: Space<A, any>, name: string): Effect.Effect<Encoding<A>, UnknownEncoding> => {
  const encoding = space.encodings[name]
  return encoding !== undefined
    ? Effect.succeed(encoding)
    : Effect.fail(new UnknownEncoding({ space: space.name, name, known: Object.keys(space.encodings) }))
}

/** Decodes transpiler options with the space's Schema. */
export const decodeTranspileOptions = <O>(space: Space<any, O>, options: unknown): Effect.Effect<O, InvalidTranspileOptions> =>
  Schema.decodeUnknownEffect(space.transpileOptions)(options, { onExcessProperty: "error" }).pipe(
    Effect.mapError((e) => new InvalidTranspileOptions({ space: space.name, options, problem: e.message.replace(/\s*\n\s*/g, " ") }))
  )
