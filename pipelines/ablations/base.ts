/**
 * What the paper's ablations share: the code-text representation (an ONNX model folder from
 * $COLE_MODEL, else the model-free hashed n-gram featurizer), the COLE head with PCA-128 and the hinge
 * loss, NB201 `exclude-helper` text, and the quickstart's scale (R = 2 at budgets 14…879; pass
 * `--repeats 10` for the paper's).
 */
import type { CvAblation } from "../../src/pipelines/Ablation.ts"

export const model = process.env.COLE_MODEL || undefined
export const codeText = model === undefined ? "hashed-ngram" : `onnx:${model}`

export const shared: Pick<CvAblation, "base" | "objective" | "repeats" | "budgets"> = {
  base: { representation: codeText, reducer: "pca128", loss: "hinge", epochs: 100 },
  objective: process.env.COLE_OBJECTIVE ?? "cifar10_test",
  repeats: 2,
  budgets: [14, 55, 220, 879]
}
