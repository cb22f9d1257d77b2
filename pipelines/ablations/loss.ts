/** The head's training loss: pairwise hinge (ranking) or mean squared error (regression). */
import type { CvAblation } from "../../src/pipelines/Ablation.ts"
import { shared } from "./base.ts"

export default {
  name: "loss",
  question: "does a ranking loss beat regression for a surrogate judged by Kendall τ?",
  ...shared,
  axes: { loss: ["hinge", "mse"] }
} satisfies CvAblation
