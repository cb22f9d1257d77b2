import { mkdirSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as Components from "../../src/components/registry.ts"
import * as Reducer from "../../src/components/Reducer.ts"
import * as Component from "../../src/core/Component.ts"
import { repoRoot, tempDir } from "../helpers.ts"

const failure = <A>(effect: Effect.Effect<A, Component.InvalidComponent>) =>
  Effect.map(Effect.exit(effect), (exit) => (Exit.isFailure(exit) ? String(exit.cause) : "succeeded"))

describe("components: located by name or module, identified for keys", () => {
  it.effect("a built-in by name: its module, decoded params with defaults, an identity without a fingerprint", () =>
    Effect.gen(function*() {
      const located = yield* Components.locate.head({ use: "gp" })
      assert.isTrue(located.builtin)
      assert.strictEqual(located.module, "src/components/heads/GaussianProcess.ts")
      const identity = yield* Component.identity(located)
      assert.deepStrictEqual(identity, { kind: "head", name: "gp", version: 1, params: { kernel: "rbf", lengths: "ard", scale: "global", iterations: 100 } })
    }))

  it.effect("a module path is resolved against the base folder; the export is checked, the kind, the params", () =>
    Effect.gen(function*() {
      const located = yield* Components.locate.reducer({ use: "test/fixtures/toyComponents.ts#firstColumns", params: { columns: 3 } }, repoRoot)
      assert.strictEqual(located.module, pathToFileURL(path.join(repoRoot, "test/fixtures/toyComponents.ts")).href)
      const loaded = yield* Component.load<Reducer.Reducer>(located)
      assert.deepStrictEqual(Array.from(loaded.instance.fit([], 0, 4, 0).transform([1, 2, 3, 4, 5, 6, 7, 8], 2)), [1, 2, 3, 5, 6, 7])
      const unknown = yield* failure(Components.locate.head({ use: "mlp2" }))
      assert.include(unknown, "component mlp2: expected a built-in head (cole-mlp, mlp-ensemble, gp) or a module and its export")
      for (const name of ["constructor", "toString"]) {
        assert.include(yield* failure(Components.locate.head({ use: name })), `component ${name}: expected a built-in head (cole-mlp, mlp-ensemble, gp)`)
      }
      const noHash = yield* failure(Components.locate.head({ use: "./head.ts" }))
      assert.include(noHash, "component ./head.ts: expected a built-in head")
      const wrongKind = yield* failure(Effect.flatMap(Components.locate.head({ use: "test/fixtures/toyComponents.ts#firstColumns" }, repoRoot), Component.load))
      assert.include(wrongKind, "is a reducer, expected a head")
      const badParams = yield* failure(Effect.flatMap(Components.locate.reducer({ use: "pca", params: { components: -1 } }), Component.load))
      assert.include(badParams, "component pca: params {\"components\":-1}:")
      const noExport = yield* failure(Effect.flatMap(Components.locate.head({ use: "test/fixtures/toyComponents.ts#nothing" }, repoRoot), Component.load))
      assert.include(noExport, "has no component export \"nothing\" (exports: firstColumns, nearestNeighbours, tenAtATime)")
      const missing = yield* failure(Effect.flatMap(Components.locate.reducer({ use: "./nowhere.ts#x" }, repoRoot), Component.load))
      assert.include(missing, "component ./nowhere.ts#x: cannot load")
    }))

  it("a user's module is fingerprinted by what it reaches, named relative to its folder", () => {
    const dir = tempDir()
    mkdirSync(path.join(dir, "lib"))
    const main = path.join(dir, "head.ts")
    writeFileSync(main, `import { helper } from "./lib/helper.ts"\nexport const x = helper\n`)
    writeFileSync(path.join(dir, "lib", "helper.ts"), "export const helper = 1\n")
    const url = pathToFileURL(main).href
    const before = Component.fingerprint(url)
    assert.strictEqual(Component.fingerprint(url), before)
    // The same files elsewhere: the same fingerprint.
    const moved = tempDir()
    mkdirSync(path.join(moved, "lib"))
    writeFileSync(path.join(moved, "head.ts"), `import { helper } from "./lib/helper.ts"\nexport const x = helper\n`)
    writeFileSync(path.join(moved, "lib", "helper.ts"), "export const helper = 1\n")
    assert.strictEqual(Component.fingerprint(pathToFileURL(path.join(moved, "head.ts")).href), before)
    // An edit to a file it imports changes it.
    writeFileSync(path.join(dir, "lib", "helper.ts"), "export const helper = 2\n")
    assert.notStrictEqual(Component.fingerprint(url), before)
  })
})
