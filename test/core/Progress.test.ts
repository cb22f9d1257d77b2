import { describe, expect, it } from "vitest"
import * as Progress from "../../src/core/Progress.ts"

const fakeStream = (isTTY: boolean) => {
  const written: Array<string> = []
  return { stream: { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream, written }
}

describe("Progress", () => {
  it("logs one line per interval when not on a TTY, and a final line", () => {
    const { stream, written } = fakeStream(false)
    const tracker = Progress.make(stream, 60_000).track("embed", 4)
    for (let i = 0; i < 4; i++) tracker.advance()
    tracker.done()
    expect(written).toHaveLength(2)
    expect(written[0]).toMatch(/^embed \[######------------------\] 1\/4 \d+\.\ds eta \d+\.\ds\n$/)
    expect(written[1]).toMatch(/^embed \[########################\] 4\/4 \d+\.\ds\n$/)
  })

  it("redraws one line in place on a TTY", () => {
    const { stream, written } = fakeStream(true)
    const tracker = Progress.make(stream).track("shards", 2)
    tracker.advance()
    tracker.advance()
    tracker.done()
    expect(written.every((w) => w.startsWith("\r\x1b[2K"))).toBe(true)
    expect(written.at(-1)).toMatch(/2\/2 .*\n$/)
  })
})
