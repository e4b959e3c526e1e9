"""Shared by make_safetensors.py and make_gguf.py: tensor sizes and the
random tensor bytes, identical for a given seed, with some tensors rewritten
as a fine-tune would."""

import argparse
import random


def arguments(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("out")
    parser.add_argument("total_mib", type=int)
    parser.add_argument("tensors", type=int)
    parser.add_argument("--changed", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    return parser


def tensor_sizes(total_bytes, count, multiple, seed):
    """Sizes adding up to about total_bytes, multiples of `multiple`; every
    7th tensor (from the 4th) is tiny, like a norm or a bias."""
    rng = random.Random(seed)
    weights = [0.001 if i % 7 == 3 else rng.uniform(0.5, 1.5) for i in range(count)]
    scale = total_bytes / sum(weights) if weights else 0
    return [max(multiple, int(w * scale) // multiple * multiple) for w in weights]


def write_tensor_data(out, sizes, seed, changed):
    """Tensor i's bytes come from a generator seeded with (seed, i); with
    changed = FRACTION > 0, every k-th tensor (k = round(1 / FRACTION)) gets
    other bytes."""
    every = round(1 / changed) if changed > 0 else 0
    for i, size in enumerate(sizes):
        rewritten = every and i % every == every // 2
        tensor_seed = (seed * 1_000_003 + i) * 2 + (1 if rewritten else 0)
        out.write(random.Random(tensor_seed).randbytes(size))
