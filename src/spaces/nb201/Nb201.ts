/** The NAS-Bench-201 search space, as the search-space interface. */
import { Arch, TranspileOptions } from "../../../schemas/Nb201.ts"
import type { Space } from "../../core/Space.ts"
import { encodings } from "./Encodings.ts"
import { enumerate, mutate, sample } from "./Sampling.ts"
import { format, parse } from "./Strings.ts"
import { transpile } from "./Transpile.ts"

export const nb201: Space<Arch, TranspileOptions> = {
  name: "nb201",
  version: 1,
  sources: [import.meta.url],
  arch: Arch,
  parse,
  format,
  sample,
  mutate,
  enumerate,
  encodings,
  transpileOptions: TranspileOptions,
  defaultTranspileOptions: { mode: "exclude-helper", addon: "none" },
  transpile
}
