/**
 * The built-in components of each kind by name, and how a ref is located: a built-in's name, or a
 * user's `module.ts#export`. Kept apart from the kinds' interfaces, so a component's fingerprint covers
 * its own code and not every other built-in's.
 */
import * as Component from "../core/Component.ts"

export const reducers: Component.Builtins = {
  pca: { module: new URL("./reducers/Pca.ts", import.meta.url).href, export: "pca" },
  identity: { module: new URL("./reducers/Identity.ts", import.meta.url).href, export: "identity" },
  "random-projection": { module: new URL("./reducers/RandomProjection.ts", import.meta.url).href, export: "randomProjection" }
}

export const heads: Component.Builtins = {
  "cole-mlp": { module: new URL("./heads/ColeMlp.ts", import.meta.url).href, export: "coleMlp" },
  "mlp-ensemble": { module: new URL("./heads/MlpEnsemble.ts", import.meta.url).href, export: "mlpEnsemble" },
  gp: { module: new URL("./heads/GaussianProcess.ts", import.meta.url).href, export: "gaussianProcess" }
}

export const strategies: Component.Builtins = {
  bananas: { module: new URL("../search/strategies/Bananas.ts", import.meta.url).href, export: "bananas" },
  re: { module: new URL("../search/strategies/RegularizedEvolution.ts", import.meta.url).href, export: "regularizedEvolution" },
  random: { module: new URL("../search/strategies/RandomSearch.ts", import.meta.url).href, export: "randomSearch" }
}

/** Locates a ref of each kind; module paths are resolved against `base` (default: the working folder). */
export const locate = {
  reducer: (ref: Component.Ref, base?: string) => Component.locate("reducer", ref, reducers, base),
  head: (ref: Component.Ref, base?: string) => Component.locate("head", ref, heads, base),
  strategy: (ref: Component.Ref, base?: string) => Component.locate("strategy", ref, strategies, base)
}
