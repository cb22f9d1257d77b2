/**
 * A small line chart as standalone SVG text: one line per series, optional ±error bars at the points
 * or a shaded band, linear or log x axis, gridded y axis, a legend below. No dependencies; the output
 * is deterministic, so reports diff cleanly.
 */
export interface Point {
  readonly x: number
  readonly y: number
  /** Half-width of an error bar or band at this point (0 or absent: none). */
  readonly spread?: number
}

export interface Series {
  readonly name: string
  readonly points: ReadonlyArray<Point>
}

export interface Options {
  readonly xLabel: string
  readonly yLabel: string
  readonly xLog?: boolean
  /** How the spread is drawn: bars at the points, or a band along the line. */
  readonly spread?: "bars" | "band"
  /** Labelled x ticks (default: every x of the data). */
  readonly xTicks?: ReadonlyArray<number>
  /** Horizontal reference lines, e.g. a threshold. */
  readonly rules?: ReadonlyArray<{ readonly y: number; readonly label: string }>
  readonly width?: number
  readonly height?: number
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
const f = (v: number) => v.toFixed(1)

/** A "nice" grid step for a range: 1, 2 or 5 × 10^k, about six lines. */
const gridStep = (range: number) => {
  const raw = range / 6
  const power = 10 ** Math.floor(Math.log10(raw))
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!
}

export const svg = (series: ReadonlyArray<Series>, o: Options): string => {
  const width = o.width ?? 640, height = o.height ?? 400
  const margin = { left: 60, right: 16, top: 16, bottom: 48 + 18 * series.length }
  const all = series.flatMap((s) => s.points)
  const xs = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b)
  const lows = [...all.map((p) => p.y - (p.spread ?? 0)), ...(o.rules ?? []).map((r) => r.y)]
  const highs = [...all.map((p) => p.y + (p.spread ?? 0)), ...(o.rules ?? []).map((r) => r.y)]
  const [lo, hi] = [Math.min(...lows), Math.max(...highs)]
  const step = gridStep(hi > lo ? hi - lo : Math.max(Math.abs(hi), 1))
  const yMin = Math.floor(lo / step) * step, yMax = Math.ceil(hi / step) * step || step
  const scaleX = o.xLog ? Math.log : (v: number) => v
  const [xMin, xMax] = [scaleX(xs[0] ?? 1), scaleX(xs.at(-1) ?? 10)]
  const plotW = width - margin.left - margin.right, plotH = height - margin.top - margin.bottom
  const x = (v: number) => margin.left + (xMax === xMin ? plotW / 2 : ((scaleX(v) - xMin) / (xMax - xMin)) * plotW)
  const y = (v: number) => margin.top + (1 - (v - yMin) / (yMax - yMin || 1)) * plotH
  const digits = Math.max(0, -Math.floor(Math.log10(step)))
  const out: Array<string> = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`
  ]
  for (let v = yMin; v <= yMax + step / 2; v += step) {
    out.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#ddd"/>`)
    out.push(`<text x="${margin.left - 6}" y="${f(y(v) + 4)}" text-anchor="end">${v.toFixed(digits)}</text>`)
  }
  for (const t of o.xTicks ?? xs) out.push(`<text x="${f(x(t))}" y="${margin.top + plotH + 16}" text-anchor="middle">${t}</text>`)
  out.push(`<text x="${margin.left + plotW / 2}" y="${margin.top + plotH + 34}" text-anchor="middle">${escape(o.xLabel)}</text>`)
  out.push(`<text transform="translate(14 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(o.yLabel)}</text>`)
  for (const r of o.rules ?? []) {
    out.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${f(y(r.y))}" y2="${f(y(r.y))}" stroke="#555" stroke-dasharray="4 3"/>`)
    out.push(`<text x="${margin.left + plotW - 4}" y="${f(y(r.y) - 4)}" text-anchor="end" fill="#555">${escape(r.label)}</text>`)
  }
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!
    const points = [...s.points].sort((a, b) => a.x - b.x)
    if (o.spread === "band" && points.some((p) => (p.spread ?? 0) > 0)) {
      const upper = points.map((p) => `${f(x(p.x))},${f(y(p.y + (p.spread ?? 0)))}`)
      const lower = points.map((p) => `${f(x(p.x))},${f(y(p.y - (p.spread ?? 0)))}`).reverse()
      out.push(`<polygon fill="${color}" fill-opacity="0.2" stroke="none" points="${[...upper, ...lower].join(" ")}"/>`)
    }
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map((p) => `${f(x(p.x))},${f(y(p.y))}`).join(" ")}"/>`)
    if (o.spread !== "band") {
      for (const p of points) {
        if ((p.spread ?? 0) > 0) out.push(`<line x1="${f(x(p.x))}" x2="${f(x(p.x))}" y1="${f(y(p.y - p.spread!))}" y2="${f(y(p.y + p.spread!))}" stroke="${color}"/>`)
        out.push(`<circle cx="${f(x(p.x))}" cy="${f(y(p.y))}" r="3" fill="${color}"/>`)
      }
    }
    const ly = margin.top + plotH + 52 + 18 * i
    out.push(`<line x1="${margin.left}" x2="${margin.left + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`)
    out.push(`<text x="${margin.left + 30}" y="${ly}">${escape(s.name)}</text>`)
  })
  out.push("</svg>")
  return `${out.join("\n")}\n`
}
