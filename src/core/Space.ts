/**
 * The search-space interface. A space is declared by an architecture Schema, a canonical string form
 * (parse / format), sampling and mutation, optional enumeration and structural encodings, and a
 * transpiler to code text with its own options Schema. Steps and pipelines only ever see this
 * interface, so adding a space changes nothing in core, steps or pipelines.
 */
import { Data, type Result, type Schema } from "effect"
import type { Rng } from "./Rng.ts"

export class ArchParseError extends Data.TaggedError("ArchParseError")<{
  readonly space: string
  readonly input: string
  /** 0-based character offset of the problem. */
  readonly position: number
  readonly problem: string
}> {
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
  /** Modules whose content the drift guard fingerprints against `version`. */
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
  readonly transpile: (arch: A, options: O) => string
}

/** Encodes many architectures into one row-major Float32Array. */
export const encodeAll = <A>(encoding: Encoding<A>, archs: ReadonlyArray<A>): Float32Array => {
  const out = new Float32Array(archs.length * encoding.dimensions)
  archs.forEach((arch, i) => encoding.encodeInto(arch, out, i * encoding.dimensions))
  return out
}
