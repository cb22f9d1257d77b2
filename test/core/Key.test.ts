import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Hash from "../../src/core/Hash.ts"
import * as Step from "../../src/core/Step.ts"

// Params as a step would see them: a record of JSON scalars and small arrays.
const Scalar = Schema.Union([Schema.Int, Schema.Boolean, Schema.String])
const Params = Schema.Record(Schema.String, Schema.Union([Scalar, Schema.Array(Schema.Int)]))

const impl = (params: Step.Json, version = 1) => ({ step: "s", implementation: "i", version, params }) as unknown as Step.Implementation

const keyOf = (params: Step.Json, options: { version?: number; input?: Uint8Array; env?: Record<string, Step.Json> } = {}) =>
  Step.key(Step.preimage(impl(params, options.version), { data: Hash.sha256(options.input ?? new Uint8Array([1, 2])) }, options.env ?? { dtype: "float32" }))

const reversedKeys = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).reverse())

describe("cache keys", () => {
  it.prop("do not depend on param key order", [Params], ([params]) => {
    assert.strictEqual(keyOf(params), keyOf(reversedKeys(params) as Step.Json))
  })

  it.prop("change when any param changes", [Params, Schema.String, Scalar], ([params, name, value]) => {
    const changed = { ...params, [name]: value }
    if (JSON.stringify(changed[name]) === JSON.stringify(params[name])) return
    assert.notStrictEqual(keyOf(changed), keyOf(params))
  })

  it.prop("change when an input's bytes change", [Params, Schema.Array(Schema.Int), Schema.Array(Schema.Int)], ([params, a, b]) => {
    const bytesA = Uint8Array.from(a, (x) => x & 255)
    const bytesB = Uint8Array.from(b, (x) => x & 255)
    if (Buffer.compare(bytesA, bytesB) === 0) return
    assert.notStrictEqual(keyOf(params, { input: bytesA }), keyOf(params, { input: bytesB }))
  })

  it.prop("change when the step version changes", [Params, Schema.Int, Schema.Int], ([params, v1, v2]) => {
    if (v1 === v2) return
    assert.notStrictEqual(keyOf(params, { version: v1 }), keyOf(params, { version: v2 }))
  })

  it.prop("change when a declared environment fact changes", [Params, Schema.String, Schema.String], ([params, a, b]) => {
    if (a === b) return
    assert.notStrictEqual(keyOf(params, { env: { model: a } }), keyOf(params, { env: { model: b } }))
  })

  it("is the sha256 of the canonical preimage", () => {
    const pre = Step.preimage(impl({ b: 1, a: [2] }), {}, {})
    assert.strictEqual(
      Hash.canonicalJson(pre),
      `{"environment":{},"implementation":"i","inputs":{},"keyFormat":1,"params":{"a":[2],"b":1},"step":"s","version":1}`
    )
    assert.strictEqual(Step.key(pre), Hash.hex(Hash.sha256(Hash.canonicalJson(pre))))
  })
})
