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

import json
import struct

from fake_tensors import arguments, tensor_sizes, write_tensor_data


def main():
    args = arguments(__doc__).parse_args()
    sizes = tensor_sizes(args.total_mib << 20, args.tensors, 4, 1234)
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for i, size in enumerate(sizes):
        header[f"layers.{i:04d}.weight"] = {"dtype": "F32", "shape": [size // 4], "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # pad as the reference writer does
    with open(args.out, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        write_tensor_data(out, sizes, args.seed, args.changed)


if __name__ == "__main__":
    main()
