/**
 * Kendall τ against training budget as a standalone SVG: log-scaled budget axis, one line per
 * configuration with ±1 std bars, a legend. No dependencies; the output is deterministic text.
 */
export interface Series {
  readonly name: string
  readonly points: ReadonlyArray<{ readonly budget: number; readonly meanTau: number; readonly stdTau: number }>
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

export const tauByBudget = (series: ReadonlyArray<Series>, size = { width: 640, height: 400 }): string => {
  const margin = { left: 56, right: 16, top: 16, bottom: 48 + 18 * series.length }
  const budgets = [...new Set(series.flatMap((s) => s.points.map((p) => p.budget)))].sort((a, b) => a - b)
  const lows = series.flatMap((s) => s.points.map((p) => p.meanTau - p.stdTau))
  const highs = series.flatMap((s) => s.points.map((p) => p.meanTau + p.stdTau))
  const yMin = Math.floor(Math.min(0, ...lows) * 10) / 10
  const yMax = Math.ceil(Math.max(0.1, ...highs) * 10) / 10
  const [bMin, bMax] = [Math.log(budgets[0] ?? 1), Math.log(budgets.at(-1) ?? 10)]
  const plotW = size.width - margin.left - margin.right
  const plotH = size.height - margin.top - margin.bottom
  const x = (b: number) => margin.left + (bMax === bMin ? plotW / 2 : ((Math.log(b) - bMin) / (bMax - bMin)) * plotW)
  const y = (t: number) => margin.top + (1 - (t - yMin) / (yMax - yMin)) * plotH
  const f = (v: number) => v.toFixed(1)
  const parts: Array<string> = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`
  ]
  for (let t = yMin; t <= yMax + 1e-9; t += 0.1) {
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="#ddd"/>`)
    parts.push(`<text x="${margin.left - 6}" y="${f(y(t) + 4)}" text-anchor="end">${t.toFixed(1)}</text>`)
  }
  for (const b of budgets) parts.push(`<text x="${f(x(b))}" y="${margin.top + plotH + 16}" text-anchor="middle">${b}</text>`)
  parts.push(`<text x="${margin.left + plotW / 2}" y="${margin.top + plotH + 34}" text-anchor="middle">training budget (architectures, log scale)</text>`)
  parts.push(`<text transform="translate(14 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">Kendall τ-b (mean ± std)</text>`)
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!
    const points = [...s.points].sort((a, b) => a.budget - b.budget)
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map((p) => `${f(x(p.budget))},${f(y(p.meanTau))}`).join(" ")}"/>`)
    for (const p of points) {
      parts.push(`<line x1="${f(x(p.budget))}" x2="${f(x(p.budget))}" y1="${f(y(p.meanTau - p.stdTau))}" y2="${f(y(p.meanTau + p.stdTau))}" stroke="${color}"/>`)
      parts.push(`<circle cx="${f(x(p.budget))}" cy="${f(y(p.meanTau))}" r="3" fill="${color}"/>`)
    }
    const ly = margin.top + plotH + 52 + 18 * i
    parts.push(`<line x1="${margin.left}" x2="${margin.left + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`)
    parts.push(`<text x="${margin.left + 30}" y="${ly}">${escape(s.name)}</text>`)
  })
  parts.push("</svg>")
  return `${parts.join("\n")}\n`
}
