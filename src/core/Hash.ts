/**
 * Canonical JSON (RFC 8785 style) and sha256 digests: the basis of every cache key and blob name.
 */
import { createHash, hash } from "node:crypto"
import { Data } from "effect"

/** A content digest, always written `sha256:<64 hex digits>`. */
export type Digest = `sha256:${string}`

export class NonCanonicalValue extends Data.TaggedError("NonCanonicalValue")<{
  readonly path: string
  readonly value: string
  readonly expected: string
}> {
  override get message() {
    return `cannot hash ${this.value} at ${this.path}: expected ${this.expected}`
  }
}

const describe = (value: unknown): string =>
  typeof value === "number" || typeof value === "bigint" ? String(value) : typeof value

const encode = (value: unknown, path: string): string => {
  if (value === null) return "null"
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false"
    case "string":
      return JSON.stringify(value)
    case "number":
      if (!Number.isFinite(value)) {
        throw new NonCanonicalValue({ path, value: describe(value), expected: "a finite number" })
      }
      // JSON.stringify gives ECMAScript's shortest round-trip form, which RFC 8785 adopts; -0 prints as 0.
      return JSON.stringify(value)
    case "object": {
      if (Array.isArray(value)) return `[${value.map((item, i) => encode(item, `${path}[${i}]`)).join(",")}]`
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) {
        throw new NonCanonicalValue({ path, value: proto?.constructor?.name ?? "object", expected: "a plain object" })
      }
      // RFC 8785 orders keys by UTF-16 code units, which is what the default sort compares.
      const keys = Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] !== undefined).sort()
      return `{${keys.map((key) => `${JSON.stringify(key)}:${encode((value as Record<string, unknown>)[key], `${path}.${key}`)}`).join(",")}}`
    }
    default:
      throw new NonCanonicalValue({ path, value: describe(value), expected: "JSON data" })
  }
}

/** Serialises JSON data canonically; throws NonCanonicalValue for NaN, Infinity, functions, class instances. */
export const canonicalJson = (value: unknown): string => encode(value, "$")

/** sha256 of bytes or of a string's UTF-8 encoding. */
export const sha256 = (data: Uint8Array | string): Digest => `sha256:${hash("sha256", data, "hex")}`

/** sha256 of the canonical JSON of a value. */
export const digestJson = (value: unknown): Digest => sha256(canonicalJson(value))

/** An incremental hasher, for data that arrives in pieces. */
export const hasher = () => {
  const h = createHash("sha256")
  return {
    update: (chunk: Uint8Array) => void h.update(chunk),
    digest: (): Digest => `sha256:${h.digest("hex")}`
  }
}

export const isDigest = (value: string): value is Digest => /^sha256:[0-9a-f]{64}$/.test(value)

/** The hex part of a digest, used for file names. */
export const hex = (digest: Digest): string => digest.slice("sha256:".length)
