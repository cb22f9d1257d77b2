/** Context prepended to the code text: none, a task comment, or the whole backbone network. */
import type { CvAblation } from "../../src/pipelines/Ablation.ts"
import { shared } from "./base.ts"

export default {
  name: "addons",
  question: "does context around the cell (a task comment, the backbone) help the surrogate rank?",
  ...shared,
  axes: { addon: ["none", "comment", "backbone"] }
} satisfies CvAblation
