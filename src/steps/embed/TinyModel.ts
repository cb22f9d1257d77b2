/**
 * A deterministic transformer-like ONNX graph built in code, for tests, demos and benchmarks where no
 * real model can be downloaded: token embeddings, then L blocks of masked multi-head self-attention and
 * a ReLU feed-forward, each with a residual and LayerNorm. Encoder exports take (input_ids,
 * attention_mask, token_type_ids) and add learned absolute-position and token-type embeddings; decoder
 * exports take (input_ids, attention_mask, position_ids) and, like rotary models, see positions only
 * relatively (an ALiBi distance bias), so left padding with arange positions changes nothing. Outputs:
 * `last_hidden_state` and every `hidden_states.<i>`.
 */
import onnxProto from "onnx-proto"
import * as Rng from "../../core/Rng.ts"

const { onnx } = onnxProto

export interface Options {
  readonly kind: "encoder" | "decoder"
  readonly layers: number
  readonly hidden: number
  readonly heads: number
  readonly ffn: number
  readonly vocab: number
  readonly maxPositions: number
  readonly seed: number
  /** Emit `last_hidden_state` as float16 (as an fp16 export would). */
  readonly fp16Output?: boolean
  /** Variants that real exports get wrong, for error tests. */
  readonly variant?: "with-past" | "no-hidden-state" | "non-finite"
}

export const defaults: Options = {
  kind: "encoder",
  layers: 2,
  hidden: 64,
  heads: 4,
  ffn: 128,
  vocab: 512,
  maxPositions: 1024,
  seed: 0
}

const FLOAT = onnx.TensorProto.DataType.FLOAT
const INT64 = onnx.TensorProto.DataType.INT64
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16

const floatTensor = (name: string, dims: ReadonlyArray<number>, values: Float32Array) =>
  onnx.TensorProto.create({ name, dims: [...dims], dataType: FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) })

const int64Tensor = (name: string, values: ReadonlyArray<number>) =>
  onnx.TensorProto.create({ name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(BigInt64Array.from(values, BigInt).buffer) })

const scalarFloat = (name: string, value: number) =>
  onnx.TensorProto.create({ name, dims: [], dataType: FLOAT, rawData: new Uint8Array(Float32Array.of(value).buffer) })

const valueInfo = (name: string, elemType: number, dims: ReadonlyArray<string | number>) =>
  onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) }
      }
    }
  })

/** Builds the model; returns the serialized ModelProto and the matching config.json. */
export const build = (options: Options) => {
  const { hidden, heads, layers } = options
  if (hidden % heads !== 0) throw new RangeError(`hidden size ${hidden} is not divisible by ${heads} heads`)
  const rng = Rng.make(options.seed, "tiny-model")
  const initializers: Array<onnxProto.onnx.ITensorProto> = []
  const nodes: Array<onnxProto.onnx.INodeProto> = []
  let counter = 0
  const fresh = (prefix: string) => `${prefix}_${counter++}`
  const weight = (name: string, dims: ReadonlyArray<number>, scale = 0.02) => {
    const values = new Float32Array(dims.reduce((a, b) => a * b, 1))
    for (let i = 0; i < values.length; i++) values[i] = rng.normal() * scale
    initializers.push(floatTensor(name, dims, values))
    return name
  }
  const constant = (name: string, dims: ReadonlyArray<number>, fill: number) => {
    initializers.push(floatTensor(name, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(fill)))
    return name
  }
  const node = (opType: string, inputs: ReadonlyArray<string>, attributes: Array<onnxProto.onnx.IAttributeProto> = [], output = fresh(opType)) => {
    nodes.push(onnx.NodeProto.create({ opType, input: [...inputs], output: [output], name: fresh(`n_${opType}`), attribute: attributes }))
    return output
  }
  const ints = (name: string, values: ReadonlyArray<number>) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...values] })
  const int = (name: string, value: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value })
  const float = (name: string, value: number) => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value })
  const linear = (x: string, inDim: number, outDim: number, prefix: string) =>
    node("Add", [node("MatMul", [x, weight(`${prefix}.weight`, [inDim, outDim])]), constant(`${prefix}.bias`, [outDim], 0)])
  const layerNorm = (x: string, prefix: string) =>
    node("LayerNormalization", [x, constant(`${prefix}.gamma`, [hidden], 1), constant(`${prefix}.beta`, [hidden], 0)], [int("axis", -1), float("epsilon", 1e-5)])

  // Embeddings.
  let h = node("Gather", [weight("embed_tokens", [options.vocab, hidden]), "input_ids"])
  if (options.kind === "encoder") {
    const positionTable = weight("embed_positions", [options.maxPositions, hidden])
    initializers.push(int64Tensor("zero", [0]), int64Tensor("one", [1]), int64Tensor("one_index", [1]))
    const length = node("Squeeze", [node("Gather", [node("Shape", ["input_ids"]), "one_index"]), "zero"])
    const positions = node("Range", [node("Squeeze", ["zero", "zero"]), length, node("Squeeze", ["one", "zero"])])
    h = node("Add", [h, node("Gather", [positionTable, positions])])
    h = node("Add", [h, node("Gather", [weight("embed_token_types", [2, hidden]), "token_type_ids"])])
  }
  h = layerNorm(h, "embed_norm")
  const hiddenStates = [node("Identity", [h], [], "hidden_states.0")]

  // Padding as a large negative bias on the attention scores of padded keys: [B, 1, 1, L].
  initializers.push(int64Tensor("mask_axes", [1, 2]))
  const maskFloat = node("Cast", ["attention_mask"], [int("to", FLOAT)])
  initializers.push(scalarFloat("f_one", 1), scalarFloat("f_neg", -1e4))
  let maskBias = node("Unsqueeze", [node("Mul", [node("Sub", ["f_one", maskFloat]), "f_neg"]), "mask_axes"])
  if (options.kind === "decoder") {
    // ALiBi: −slope_head · |p_i − p_j|, one slope per head, a function of position differences only.
    const slopes = Float32Array.from({ length: heads }, (_, k) => -(2 ** (-8 * (k + 1) / heads)))
    initializers.push(floatTensor("alibi_slopes", [1, heads, 1, 1], slopes), int64Tensor("axis_1", [1]), int64Tensor("axis_2", [2]))
    const p = node("Cast", ["position_ids"], [int("to", FLOAT)])
    const distance = node("Abs", [node("Sub", [node("Unsqueeze", [p, "axis_2"]), node("Unsqueeze", [p, "axis_1"])])])
    maskBias = node("Add", [maskBias, node("Mul", [node("Unsqueeze", [distance, "axis_1"]), "alibi_slopes"])])
  }
  const dh = hidden / heads
  initializers.push(int64Tensor("split_heads", [0, 0, heads, dh]), int64Tensor("merge_heads", [0, 0, hidden]))
  initializers.push(scalarFloat("attention_scale", 1 / Math.sqrt(dh)))

  for (let l = 0; l < layers; l++) {
    const p = `layers.${l}`
    const project = (name: string, perm: ReadonlyArray<number>) =>
      node("Transpose", [node("Reshape", [linear(h, hidden, hidden, `${p}.${name}`), "split_heads"])], [ints("perm", perm)])
    const q = project("q", [0, 2, 1, 3])
    const k = project("k", [0, 2, 3, 1])
    const v = project("v", [0, 2, 1, 3])
    const scores = node("Add", [node("Mul", [node("MatMul", [q, k]), "attention_scale"]), maskBias])
    const context = node("MatMul", [node("Softmax", [scores], [int("axis", -1)]), v])
    const merged = node("Reshape", [node("Transpose", [context], [ints("perm", [0, 2, 1, 3])]), "merge_heads"])
    h = layerNorm(node("Add", [h, linear(merged, hidden, hidden, `${p}.o`)]), `${p}.attention_norm`)
    const ff = linear(node("Relu", [linear(h, hidden, options.ffn, `${p}.ff_in`)]), options.ffn, hidden, `${p}.ff_out`)
    h = layerNorm(node("Add", [h, ff]), `${p}.ff_norm`)
    hiddenStates.push(node("Identity", [h], [], `hidden_states.${l + 1}`))
  }

  const lastName = options.variant === "no-hidden-state" ? "pooled_output" : "last_hidden_state"
  // A broken export: every hidden state times infinity (±Inf, and NaN where it was 0).
  if (options.variant === "non-finite") {
    initializers.push(scalarFloat("f_inf", Infinity))
    h = node("Mul", [h, "f_inf"])
  }
  if (options.fp16Output) node("Cast", [h], [int("to", FLOAT16)], lastName)
  else node("Identity", [h], [], lastName)

  const idsShape = ["batch", "sequence"]
  const inputs = [
    valueInfo("input_ids", INT64, idsShape),
    valueInfo("attention_mask", INT64, idsShape),
    valueInfo(options.kind === "decoder" ? "position_ids" : "token_type_ids", INT64, idsShape)
  ]
  if (options.variant === "with-past") {
    inputs.push(valueInfo("past_key_values.0.key", FLOAT, ["batch", heads, "past_sequence", dh]))
    // Consume it, as a real with-cache export would, so the runtime keeps the input.
    const pastSum = node("ReduceSum", ["past_key_values.0.key"], [int("keepdims", 0)])
    node("Identity", [pastSum], [], "past_sum")
  }
  const outputs = [
    valueInfo(lastName, options.fp16Output ? FLOAT16 : FLOAT, ["batch", "sequence", hidden]),
    ...hiddenStates.map((name) => valueInfo(name, FLOAT, ["batch", "sequence", hidden])),
    ...(options.variant === "with-past" ? [valueInfo("past_sum", FLOAT, [])] : [])
  ]
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "cole tiny model",
    opsetImport: [{ domain: "", version: 17 }],
    graph: { name: "tiny", node: nodes, initializer: initializers, input: inputs, output: outputs }
  })
  const config = {
    model_type: options.kind === "decoder" ? "tiny-decoder" : "tiny-encoder",
    hidden_size: hidden,
    num_hidden_layers: layers,
    num_attention_heads: heads,
    intermediate_size: options.ffn,
    vocab_size: options.vocab,
    max_position_embeddings: options.maxPositions
  }
  return { bytes: onnx.ModelProto.encode(model).finish(), config }
}
