/** How much code text? The cell only (exclude-helper), with its helper module, or everything inlined. */
import type { CvAblation } from "../../src/pipelines/Ablation.ts"
import { shared } from "./base.ts"

export default {
  name: "verbosity",
  question: "does the verbosity of the code text change how well the surrogate ranks?",
  ...shared,
  axes: { mode: ["exclude-helper", "helper", "inline"] }
} satisfies CvAblation
