#!/usr/bin/env python3
"""The PyTorch / scikit-learn side of cole's benchmarks: the same work, timed the way a user would run it.

The TypeScript benchmarks in this folder call this script between their own rounds (alternating, so a
machine's drift hits both sides alike) and report the ratio. Each command prints one JSON object.

Needs Python 3 with PyTorch, NumPy and scikit-learn on an optimized BLAS. On Debian:

    apt-get install python3-torch python3-sklearn libopenblas0-pthread

Debian's python3-torch calls whatever libblas.so.3 is selected; with only the reference BLAS a 1024^2
matmul runs at a few GFLOP/s and every ratio against it is meaningless. `blas` measures that, and the
benchmarks refuse to report a ratio when it is slow (see bench/Reference.ts).

Commands:
  blas     GFLOP/s of a float32 1024 x 1024 matmul in torch, and numpy's BLAS library
  mlp      optimizer steps/s of an MLP regressor (the surrogate head's inner loop)
  trial    the surrogate fits of one BANANAS trial (|D| = 20, 30, ..., 490; an ensemble each), or the first K
  pca      scikit-learn PCA fits (full and randomized solvers) on a Gaussian matrix
  encoder  tokens/s of a transformer encoder (random weights) with masked mean pooling
"""
import argparse
import json
import random
import time


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def blas(args):
    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    a, b = torch.randn(args.size, args.size), torch.randn(args.size, args.size)
    for _ in range(3):
        a @ b
    _, seconds = timed(lambda: [a @ b for _ in range(args.repeats)])
    library = "unknown"
    try:
        from threadpoolctl import threadpool_info

        library = ", ".join(sorted({f"{i['internal_api']} {i.get('version') or ''} ({i.get('architecture') or ''})".strip() for i in threadpool_info() if i["user_api"] == "blas"}))
    except ImportError:
        pass
    return dict(torch=torch.__version__, numpy=np.__version__, threads=args.threads, size=args.size,
                gflops=round(2 * args.size ** 3 * args.repeats / seconds / 1e9, 1), numpy_blas=library)


def mlp_network(torch, inputs, layers, width):
    modules, d = [], inputs
    for _ in range(layers):
        modules += [torch.nn.Linear(d, width), torch.nn.ReLU()]
        d = width
    modules.append(torch.nn.Linear(d, 1))
    network = torch.nn.Sequential(*modules)
    for m in network:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            torch.nn.init.zeros_(m.bias)
    return network


def train(torch, x, y, layers, width, epochs, batch, loss, l1):
    """Adam (betas 0.9 / 0.99, lr 1e-3) on MSE or MAE plus l1 * |output weights|; returns the step count."""
    network = mlp_network(torch, x.shape[1], layers, width)
    optimizer = torch.optim.Adam(network.parameters(), lr=1e-3, betas=(0.9, 0.99))
    steps = 0
    for _ in range(epochs):
        order = torch.randperm(x.shape[0])
        for start in range(0, x.shape[0], batch):
            rows = order[start:start + batch]
            optimizer.zero_grad()
            error = network(x[rows]).squeeze(-1) - y[rows]
            value = error.abs().mean() if loss == "mae" else (error * error).mean()
            (value + l1 * network[-1].weight.abs().sum()).backward()
            optimizer.step()
            steps += 1
    return steps


def binary_rows(torch, n, d):
    return torch.rand(n, d).round(), torch.rand(n) * 10 + 65


def mlp(args):
    import torch

    x, y = binary_rows(torch, args.n, args.inputs)
    steps, seconds = timed(lambda: train(torch, x, y, args.layers, args.width, args.epochs, args.batch, args.loss, 0.2))
    return dict(steps=steps, seconds=round(seconds, 4), steps_per_s=round(steps / seconds, 1))


# The two BANANAS presets' ensemble members: hidden layers x width, epochs, loss.
PRESETS = {
    "cole-paper": dict(layers=3, width=128, epochs=200, loss="mse"),
    "naslib-default": dict(layers=20, width=20, epochs=500, loss="mae"),
}


def trial(args):
    import torch

    preset = PRESETS[args.preset]
    sizes = list(range(20, 500, 10))[:args.fits]

    def fits():
        steps = 0
        for n in sizes:
            x, y = binary_rows(torch, n, args.inputs)
            for _ in range(args.ensemble):
                steps += train(torch, x, y, preset["layers"], preset["width"], preset["epochs"], 32, preset["loss"], 0.2)
        return steps

    steps, seconds = timed(fits)
    return dict(preset=args.preset, fits=len(sizes), ensemble=args.ensemble, steps=steps, seconds=round(seconds, 3))


def pca(args):
    import numpy as np
    from sklearn.decomposition import PCA

    x = np.random.default_rng(0).standard_normal((args.n, args.d)).astype(np.float32)
    out = dict(n=args.n, d=args.d, k=args.k)
    for solver in ("full", "randomized"):
        _, out[f"seconds_{solver}"] = timed(lambda: PCA(n_components=args.k, svd_solver=solver, random_state=0).fit(x))
    return out


def encoder(args):
    import torch

    if args.lengths:
        with open(args.lengths) as f:
            lengths = [int(line) for line in f if line.strip()]
    else:
        draw = random.Random(0)
        lengths = [draw.randint(150, 260) for _ in range(512)]
    layer = torch.nn.TransformerEncoderLayer(args.hidden, args.heads, args.ffn, dropout=0.0, batch_first=True)
    model = torch.nn.TransformerEncoder(layer, args.layers, enable_nested_tensor=False).eval()
    embedding = torch.nn.Embedding(args.vocab, args.hidden)

    def run():
        real = processed = 0
        with torch.inference_mode():
            for start in range(0, len(lengths), args.batch):
                batch = lengths[start:start + args.batch]
                longest = max(batch)
                mask = torch.arange(longest).unsqueeze(0) < torch.tensor(batch).unsqueeze(1)
                hidden = model(embedding(torch.randint(0, args.vocab, (len(batch), longest))), src_key_padding_mask=~mask)
                weights = mask.unsqueeze(-1).float()
                (hidden * weights).sum(1) / weights.sum(1)
                real += sum(batch)
                processed += longest * len(batch)
        return real, processed

    (real, processed), seconds = timed(run)
    return dict(texts=len(lengths), real_tokens=real, processed_tokens=processed, seconds=round(seconds, 3),
                real_tokens_per_s=round(real / seconds, 1), padding_efficiency=round(real / processed, 4))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    c = commands.add_parser("blas")
    c.add_argument("--size", type=int, default=1024)
    c.add_argument("--repeats", type=int, default=20)
    c.add_argument("--threads", type=int, default=1)
    c = commands.add_parser("mlp")
    c.add_argument("--n", type=int, default=260)
    c.add_argument("--in", dest="inputs", type=int, default=155)
    c.add_argument("--layers", type=int, default=3)
    c.add_argument("--width", type=int, default=128)
    c.add_argument("--epochs", type=int, default=200)
    c.add_argument("--batch", type=int, default=32)
    c.add_argument("--loss", choices=["mse", "mae"], default="mse")
    c.add_argument("--threads", type=int, default=1)
    c = commands.add_parser("trial")
    c.add_argument("--preset", choices=sorted(PRESETS), default="cole-paper")
    c.add_argument("--in", dest="inputs", type=int, default=155)
    c.add_argument("--ensemble", type=int, default=3)
    c.add_argument("--fits", type=int, default=48, help="the first K of the 48 fits")
    c.add_argument("--threads", type=int, default=1)
    c = commands.add_parser("pca")
    c.add_argument("--n", type=int, default=3516)
    c.add_argument("--d", type=int, default=4096)
    c.add_argument("--k", type=int, default=128)
    c = commands.add_parser("encoder")
    c.add_argument("--layers", type=int, default=6)
    c.add_argument("--hidden", type=int, default=768)
    c.add_argument("--heads", type=int, default=12)
    c.add_argument("--ffn", type=int, default=3072)
    c.add_argument("--vocab", type=int, default=8000)
    c.add_argument("--lengths", help="a file with one token count per line, one line per text, in batch order")
    c.add_argument("--batch", type=int, default=32)
    c.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if hasattr(args, "threads") and args.command != "blas":
        import torch

        torch.set_num_threads(args.threads)
        torch.manual_seed(0)
    result = dict(blas=blas, mlp=mlp, trial=trial, pca=pca, encoder=encoder)[args.command](args)
    print(json.dumps(dict(command=args.command, **result)))


if __name__ == "__main__":
    main()
