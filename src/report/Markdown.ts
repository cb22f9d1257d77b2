/** Markdown pieces for reports. */

/** A Markdown table. */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  [`| ${header.join(" | ")} |`, `|${header.map(() => " --- |").join("")}`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n")

/** "p = …" for reading: 4 decimals, scientific below 1e-4, a bound where double precision ends. */
export const pValue = (p: number) => (p < 1e-15 ? "p < 1e-15" : `p = ${p < 1e-4 ? p.toExponential(1) : p.toFixed(4)}`)
