import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { parseCompare } from "../../src/cli/cvCommand.ts"
import { splitSettings } from "../../src/cli/common.ts"
import type { Configuration } from "../../src/pipelines/CrossValidation.ts"

const base: Configuration = { representation: "path-naslib", reducer: "none", loss: "hinge", epochs: 100 }

describe("--compare settings", () => {
  it("split at commas and spaces outside a ref's JSON", () => {
    expect(splitSettings(`representation=hashed-ngram,head={"use":"gp","params":{"kernel":"matern52","iterations":5}} loss=mse`)).toEqual([
      "representation=hashed-ngram",
      `head={"use":"gp","params":{"kernel":"matern52","iterations":5}}`,
      "loss=mse"
    ])
    expect(splitSettings(`reducer={"use":"./a b.ts#x"}`)).toEqual([`reducer={"use":"./a b.ts#x"}`])
  })

  it.effect("a component as a name, a module or a ref; a malformed ref is one line naming it", () =>
    Effect.gen(function*() {
      expect(yield* parseCompare(base, "head=gp,reducer=rp64")).toEqual({ ...base, head: "gp", reducer: "rp64" })
      expect(yield* parseCompare(base, `head={"use":"gp","params":{"kernel":"matern52"}}`)).toEqual({ ...base, head: { use: "gp", params: { kernel: "matern52" } } })
      const malformed = yield* Effect.flip(parseCompare(base, `head={"use":}`))
      expect(malformed.message).toMatch(/^--compare head=\{"use":\}: /)
    }))
})
