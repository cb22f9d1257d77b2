/** Which language model: every model folder in $COLE_MODELS (comma-separated) against the featurizer. */
import type { CvAblation } from "../../src/pipelines/Ablation.ts"
import { shared } from "./base.ts"

const models = (process.env.COLE_MODELS ?? "").split(",").map((m) => m.trim()).filter((m) => m !== "")

export default {
  name: "models",
  question: "which frozen code model's embeddings rank best (against the model-free featurizer)?",
  ...shared,
  base: { ...shared.base, representation: "hashed-ngram" },
  axes: { representation: ["hashed-ngram", ...models.map((m) => `onnx:${m}`)] },
  ...(models.length === 0 ? { needs: "set COLE_MODELS=DIR1,DIR2,… (exported model folders) or give --axis representation=onnx:DIR1,onnx:DIR2" } : {})
} satisfies CvAblation
