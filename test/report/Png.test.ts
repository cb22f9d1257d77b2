import { describe, expect, it } from "vitest"
import * as LinePlot from "../../src/report/LinePlot.ts"
import * as Png from "../../src/report/Png.ts"

const chart = (y: number) => LinePlot.svg([{ name: "arm", points: [{ x: 1, y: 1 }, { x: 2, y }] }], { xLabel: "t", yLabel: "value", width: 320, height: 200 })

describe("PNG rendering", () => {
  it("a PNG at twice the SVG's size, deterministic, different charts differ", () => {
    const png = Png.fromSvg(chart(2))
    expect(Buffer.from(png.subarray(0, 8)).toString("hex")).toBe("89504e470d0a1a0a")
    const ihdr = Buffer.from(png.subarray(8, 33))
    expect(ihdr.toString("latin1", 4, 8)).toBe("IHDR")
    expect([ihdr.readUInt32BE(8), ihdr.readUInt32BE(12)]).toEqual([640, 400])
    expect(Buffer.from(Png.fromSvg(chart(2))).equals(Buffer.from(png))).toBe(true)
    expect(Buffer.from(Png.fromSvg(chart(3))).equals(Buffer.from(png))).toBe(false)
  })
})
