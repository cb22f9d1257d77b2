import { describe, expect, it } from "vitest"
import * as Hash from "../../src/core/Hash.ts"

describe("canonicalJson", () => {
  it("sorts keys by UTF-16 code units at every depth and drops no array entry", () => {
    // RFC 8785 §3.2.3 orders "\u20ac" (€) after "\r" and digits before letters; code-unit order puts
    // the astral "\ud83d\ude00" before "\ufb33" even though its code point is larger.
    const value = { "\u20ac": 1, "\r": 2, "1": 3, "\ufb33": 4, "\ud83d\ude00": 5, b: [3, { z: 1, a: 2 }], a: null }
    expect(Hash.canonicalJson(value)).toBe(
      `{"\\r":2,"1":3,"a":null,"b":[3,{"a":2,"z":1}],"\u20ac":1,"\ud83d\ude00":5,"\ufb33":4}`
    )
  })

  it("writes numbers in their shortest round-trip form (RFC 8785 appendix B vectors)", () => {
    const cases: Array<[number, string]> = [
      [0, "0"],
      [-0, "0"],
      [1e21, "1e+21"],
      [1e-7, "1e-7"],
      [333333333.3333333, "333333333.3333333"],
      [4.5, "4.5"],
      [0.000001, "0.000001"],
      [9007199254740991, "9007199254740991"],
      [5e-324, "5e-324"],
      [1.7976931348623157e308, "1.7976931348623157e+308"]
    ]
    for (const [n, text] of cases) expect(Hash.canonicalJson(n)).toBe(text)
  })

  it("rejects NaN and Infinity naming where they are", () => {
    expect(() => Hash.canonicalJson({ params: { lr: NaN } })).toThrowError(/\$\.params\.lr.*finite number/)
    expect(() => Hash.canonicalJson([1, Infinity])).toThrowError(/\$\[1\]/)
    expect(() => Hash.canonicalJson({ when: new Date(0) })).toThrowError(/plain object/)
  })

  it("omits undefined members, as JSON.stringify does", () => {
    expect(Hash.canonicalJson({ a: undefined, b: 1 })).toBe(`{"b":1}`)
  })
})

describe("sha256", () => {
  it("matches the FIPS 180-2 test vector", () => {
    expect(Hash.sha256("abc")).toBe("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    expect(Hash.isDigest(Hash.sha256(new Uint8Array(0)))).toBe(true)
  })

  it("hashes incrementally to the same digest", () => {
    const h = Hash.hasher()
    h.update(Buffer.from("a"))
    h.update(Buffer.from("bc"))
    expect(h.digest()).toBe(Hash.sha256("abc"))
  })

  it("digests equal values equally, whatever their key order", () => {
    expect(Hash.digestJson({ a: 1, b: [1, 2] })).toBe(Hash.digestJson({ b: [1, 2], a: 1 }))
    expect(Hash.digestJson({ a: 1 })).not.toBe(Hash.digestJson({ a: 2 }))
  })
})
