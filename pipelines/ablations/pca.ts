/** The dimensionality reduction before the head: PCA to 128, to 32, or none. */
import type { CvAblation } from "../../src/pipelines/Ablation.ts"
import { shared } from "./base.ts"

export default {
  name: "pca",
  question: "does reducing the embeddings with PCA help the head at small budgets?",
  ...shared,
  axes: { reducer: ["pca128", "pca32", "none"] }
} satisfies CvAblation
