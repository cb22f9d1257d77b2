/**
 * Task inputs and outputs between machines, through the shared store. A value is written in the
 * structured-clone format (`node:v8`), the same one worker threads use, so whatever a task takes on a
 * worker it takes on a runner. Large typed arrays among a value's top-level fields — the feature matrix
 * every CV trial of a node shares — are blobs of their own: content-addressed, so a node's 400 trials
 * store it once and a runner reads it once.
 */
import * as v8 from "node:v8"
import { Effect } from "effect"
import * as Hash from "../core/Hash.ts"
import type { Store } from "../core/Store.ts"

/** Fields at least this large travel as blobs of their own. */
const SEPARATE_BYTES = 64 * 1024

interface Separate {
  readonly $blob: string
  readonly type: string
}

const typedArrays = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array
} as const
type TypedArrayName = keyof typeof typedArrays

const isSeparate = (value: unknown): value is Separate =>
  typeof value === "object" && value !== null && "$blob" in value && "type" in value

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype

const bytesOf = (view: ArrayBufferView) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength)

/** Writes `value` to the store; returns the digest that `get` reads it back by. */
export const put = (store: Store["Service"], value: unknown) =>
  Effect.gen(function*() {
    let body = value
    if (isPlainObject(value)) {
      const fields: Record<string, unknown> = {}
      for (const [name, field] of Object.entries(value)) {
        if (ArrayBuffer.isView(field) && field.constructor.name in typedArrays && field.byteLength >= SEPARATE_BYTES) {
          const { digest } = yield* store.putBlob(bytesOf(field))
          fields[name] = { $blob: digest, type: field.constructor.name } satisfies Separate
        } else fields[name] = field
      }
      body = fields
    }
    const { digest } = yield* store.putBlob(v8.serialize(body))
    return digest
  })

/**
 * The separate blobs read last, by digest: a runner performing a CV node's trials reads the same
 * feature matrix for each of them, and reading and verifying it once is enough (a digest names its
 * bytes, so a cached copy can never be stale). Each read still gets its own copy of the bytes.
 */
const recent = new Map<string, Uint8Array>()
const RECENT_BLOBS = 4

const readSeparate = (store: Store["Service"], digest: string) =>
  Effect.gen(function*() {
    const cached = recent.get(digest)
    const bytes = cached ?? (yield* store.readBlob(digest as Hash.Digest))
    recent.delete(digest)
    recent.set(digest, bytes)
    if (recent.size > RECENT_BLOBS) recent.delete(recent.keys().next().value!)
    return bytes
  })

/** Reads a value `put` wrote. */
export const get = (store: Store["Service"], digest: string) =>
  Effect.gen(function*() {
    const body: unknown = v8.deserialize(yield* store.readBlob(digest as Hash.Digest))
    if (!isPlainObject(body)) return body
    const fields: Record<string, unknown> = {}
    for (const [name, field] of Object.entries(body)) {
      if (isSeparate(field) && field.type in typedArrays) {
        const bytes = yield* readSeparate(store, field.$blob)
        const Type = typedArrays[field.type as TypedArrayName]
        // A copy into a fresh buffer: aligned for the element type, and transferable to a worker.
        const copy = new Uint8Array(bytes.byteLength)
        copy.set(bytes)
        fields[name] = new Type(copy.buffer)
      } else fields[name] = field
    }
    return fields
  })
