/** Numbers as the API and the reports carry them: JSON has no NaN or ±∞, so a value that is not finite is null. */
import { Schema } from "effect"

export const Num = Schema.NullOr(Schema.Number)

export const finite = (n: number | null | undefined): number | null => (n !== null && n !== undefined && Number.isFinite(n) ? n : null)
