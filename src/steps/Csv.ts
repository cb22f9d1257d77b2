/** CSV reading for the importers (csv-parse: RFC 4180 quoting, so fields may hold commas). */
import { parse as parseCsv } from "csv-parse/sync"
import { InvalidStepInput } from "./InvalidStepInput.ts"

/** CSV records with the line each one ends on; quoted fields may hold commas, quotes and newlines. */
export const readCsvRecords = (step: string, file: string, text: string): Array<{ readonly cells: ReadonlyArray<string>; readonly line: number }> => {
  try {
    const records = parseCsv(text, { relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as Array<{ record: Array<string>; info: { lines: number } }>
    return records.map((r) => ({ cells: r.record, line: r.info.lines }))
  } catch (e) {
    throw new InvalidStepInput({ step, problem: `${file}: not valid CSV: ${e instanceof Error ? e.message : String(e)}` })
  }
}
