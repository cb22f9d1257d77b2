import { readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import * as Fingerprint from "../../src/core/Fingerprint.ts"
import { implementations } from "../../src/steps/registry.ts"
import { repoRoot, tempDir } from "../helpers.ts"

describe("step drift guard", () => {
  it("every built-in implementation matches steps.lock.json (bump the version when code changes)", () => {
    const lock = JSON.parse(readFileSync(path.join(repoRoot, "steps.lock.json"), "utf8"))
    expect(Fingerprint.check(implementations, lock)).toEqual([])
  })

  it("flags a code change without a version bump, and accepts it once bumped and locked", () => {
    const file = path.join(tempDir(), "step.ts")
    writeFileSync(file, "export const v = 1\n")
    const identity = { step: "x", implementation: "y", version: 1, sources: [file] }
    const lock = Fingerprint.lock([identity])
    expect(Fingerprint.check([identity], lock)).toEqual([])

    writeFileSync(file, "export const v = 2\n")
    expect(Fingerprint.check([identity], lock)).toEqual([
      "x/y changed but its version is still 1: bump the version, then run `npm run cole -- steps lock`"
    ])
    const bumped = { ...identity, version: 2 }
    expect(Fingerprint.check([bumped], lock)).toEqual([
      "x/y is at version 2 but the lock says 1: run `npm run cole -- steps lock`"
    ])
    expect(Fingerprint.check([bumped], Fingerprint.lock([bumped]))).toEqual([])
    expect(Fingerprint.check([], lock)).toEqual(["x/y is locked but no longer registered: run `npm run cole -- steps lock`"])
  })

  it("ignores line-ending changes", () => {
    const file = path.join(tempDir(), "step.ts")
    writeFileSync(file, "a\nb\n")
    const before = Fingerprint.fingerprint({ step: "x", implementation: "y", version: 1, sources: [file] })
    writeFileSync(file, "a\r\nb\r\n")
    expect(Fingerprint.fingerprint({ step: "x", implementation: "y", version: 1, sources: [file] })).toBe(before)
  })
})
