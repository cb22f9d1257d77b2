/**
 * The one web page of `cole serve` and of `report.html`: the same script and styles, served as files by
 * the server or inlined, with the data, into a report that opens from disk. Nothing comes from a CDN.
 */
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"

const require = createRequire(import.meta.url)

/** The page's files by the name it asks for them: its own script and styles, and uPlot's. */
const sources: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  "app.js": { file: fileURLToPath(new URL("./page/app.js", import.meta.url)), type: "text/javascript; charset=utf-8" },
  "style.css": { file: fileURLToPath(new URL("./page/style.css", import.meta.url)), type: "text/css; charset=utf-8" },
  "uPlot.iife.min.js": { file: require.resolve("uplot/dist/uPlot.iife.min.js"), type: "text/javascript; charset=utf-8" },
  "uPlot.min.css": { file: require.resolve("uplot/dist/uPlot.min.css"), type: "text/css; charset=utf-8" }
}

export const assetNames = Object.keys(sources)

const read = new Map<string, { readonly text: string; readonly type: string }>()

/** An asset's text and content type (read once); undefined for a name the page does not use. */
export const asset = (name: string): { readonly text: string; readonly type: string } | undefined => {
  const source = Object.hasOwn(sources, name) ? sources[name] : undefined
  if (source === undefined) return undefined
  if (!read.has(name)) read.set(name, { text: readFileSync(source.file, "utf8"), type: source.type })
  return read.get(name)
}

const text = (name: string) => asset(name)!.text

/** JSON that is safe inside a script element: no `<` can close it. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029")

const shell = (title: string, head: string, body: string) =>
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</title>
${head}
</head>
<body>
<div id="app"><p class="empty">Loading…</p></div>
${body}
</body>
</html>
`

/** The page `cole serve` serves: its assets are separate files under /assets/. */
export const served = () =>
  shell(
    "cole",
    `<link rel="stylesheet" href="assets/uPlot.min.css">\n<link rel="stylesheet" href="assets/style.css">`,
    `<script src="assets/uPlot.iife.min.js"></script>\n<script src="assets/app.js"></script>`
  )

/** What a report carries: the same views the API serves, all of them, inlined. */
export interface ReportData {
  readonly title: string
  readonly cv?: unknown
  /** Every ordered pair's test, by `a\u0000b`. */
  readonly cvTests?: Readonly<Record<string, unknown>>
  readonly search?: unknown
  /** Every evaluation, by arm name, then trial number. */
  readonly evaluations?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
}

/** A self-contained page: scripts, styles and data inlined, so it opens from disk without a server. */
export const report = (data: ReportData) =>
  shell(
    data.title,
    `<style>\n${text("uPlot.min.css")}\n${text("style.css")}\n</style>`,
    `<script type="application/json" id="cole-report">${scriptJson(data)}</script>\n<script>\n${text("uPlot.iife.min.js")}\n</script>\n<script>\n${text("app.js")}\n</script>`
  )
