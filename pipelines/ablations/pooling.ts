/** How a language model's token states become one vector: mean, last token, or the mean over all layers. */
import type { CvAblation } from "../../src/pipelines/Ablation.ts"
import { model, shared } from "./base.ts"

export default {
  name: "pooling",
  question: "which pooling of the model's hidden states ranks best?",
  ...shared,
  axes: { pooling: ["mean", "last-token", "all-layer-mean"] },
  ...(model === undefined ? { needs: "pooling needs a language model: set COLE_MODEL=DIR or give --axis representation=onnx:DIR" } : {})
} satisfies CvAblation
