#!/usr/bin/env python3
"""Write a safetensors file of random tensors, for tests and benchmarks.

    make_safetensors.py OUT TOTAL_MIB TENSORS [--changed FRACTION] [--seed N]

Tensor i holds F32 values drawn from a generator seeded with (seed, i), so two
files made with the same seed are identical. --changed FRACTION rewrites that
share of the tensors (every k-th one, k = round(1 / FRACTION)) with other
values, as a fine-tune that trains only some layers would: same names,
shapes, dtypes and offsets, new bytes. Sizes vary from tensor to tensor (a
few are tiny, like biases and norms) and add up to about TOTAL_MIB.
"""

import argparse
import json
import random
import struct


def tensor_sizes(total_bytes, count):
    rng = random.Random(1234)
    weights = [0.001 if i % 7 == 3 else rng.uniform(0.5, 1.5) for i in range(count)]
    scale = total_bytes / sum(weights)
    return [max(4, int(w * scale) // 4 * 4) for w in weights]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("total_mib", type=int)
    parser.add_argument("tensors", type=int)
    parser.add_argument("--changed", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    sizes = tensor_sizes(args.total_mib << 20, args.tensors)
    every = round(1 / args.changed) if args.changed > 0 else 0
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for i, size in enumerate(sizes):
        header[f"layers.{i:04d}.weight"] = {"dtype": "F32", "shape": [size // 4], "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # pad as the reference writer does
    with open(args.out, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for i, size in enumerate(sizes):
            changed = every and i % every == every // 2
            seed = (args.seed * 1_000_003 + i) * 2 + (1 if changed else 0)
            out.write(random.Random(seed).randbytes(size))


if __name__ == "__main__":
    main()
