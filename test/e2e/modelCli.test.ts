/** `cole model tiny | check` as a user meets them. */
import { rmSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { tempDir } from "../helpers.ts"
import { cole } from "./cli.ts"

describe("cole model", () => {
  it("writes a tiny decoder folder, checks it, and names what is missing in a broken one", async () => {
    const out = path.join(tempDir(), "tiny")
    const made = await cole(["model", "tiny", "--out", out, "--kind", "decoder", "--layers", "1", "--hidden", "32", "--heads", "2"])
    expect(made.code, made.stderr).toBe(0)
    expect(made.stdout).toMatch(/^wrote .*tiny: decoder, 1 layers × 32 hidden, 2 heads, vocabulary \d+/)
    const checked = await cole(["model", "check", out])
    expect(checked.stdout).toMatch(/inputs:\s+input_ids, attention_mask, position_ids/)
    expect(checked.stdout).toMatch(/hidden size:\s+32 \(float32\)/)
    expect(checked.stdout).toMatch(/padding left/)
    rmSync(path.join(out, "tokenizer.json"))
    const broken = await cole(["model", "check", out])
    expect(broken.code).not.toBe(0)
    expect(broken.stderr.trim()).toBe(`cole: model folder ${out}: tokenizer.json is missing`)
  }, 60_000)
})
