#!/usr/bin/env python3
"""Write a GGUF file (llama.cpp's format, version 3) of random tensors.

    make_gguf.py OUT TOTAL_MIB TENSORS [--changed FRACTION] [--seed N] [--vocab N]

Like make_safetensors.py: tensor i holds bytes drawn from a generator seeded
with (seed, i); --changed FRACTION rewrites every k-th tensor (k = round(1 /
FRACTION)) with other bytes, as a fine-tune would, leaving names, types,
shapes and offsets alone. The header carries metadata of several kinds and a
vocabulary of --vocab strings (default 20,000), as real GGUF files do; tensor
data is aligned to 32 bytes. Sizes vary, a few tensors are tiny (norms).
"""

import struct

from fake_tensors import arguments, tensor_sizes, write_tensor_data

ALIGNMENT = 32
TYPE_U32, TYPE_F32, TYPE_STRING, TYPE_ARRAY = 4, 6, 8, 9
GGML_F32, GGML_Q8_0 = 0, 8


def gguf_string(text):
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def main():
    parser = arguments(__doc__)
    parser.add_argument("--vocab", type=int, default=20000)
    args = parser.parse_args()

    sizes = tensor_sizes(args.total_mib << 20, args.tensors, ALIGNMENT, 4321)
    metadata = [
        gguf_string("general.architecture") + struct.pack("<I", TYPE_STRING) + gguf_string("llama"),
        gguf_string("general.alignment") + struct.pack("<II", TYPE_U32, ALIGNMENT),
        gguf_string("llama.rope.freq_base") + struct.pack("<If", TYPE_F32, 10000.0),
        gguf_string("tokenizer.ggml.tokens") + struct.pack("<IIQ", TYPE_ARRAY, TYPE_STRING, args.vocab)
        + b"".join(gguf_string(f"tok{i}") for i in range(args.vocab)),
    ]
    infos, offset = [], 0
    for i, size in enumerate(sizes):
        tiny = i % 7 == 3
        ggml_type, shape = (GGML_F32, [size // 4]) if tiny else (GGML_Q8_0, [size // 34 * 32])
        infos.append(gguf_string(f"blk.{i}.weight") + struct.pack("<I", len(shape))
                     + b"".join(struct.pack("<Q", d) for d in shape) + struct.pack("<IQ", ggml_type, offset))
        offset += size
    header = b"GGUF" + struct.pack("<IQQ", 3, len(sizes), len(metadata)) + b"".join(metadata) + b"".join(infos)
    header += b"\0" * (-len(header) % ALIGNMENT)
    with open(args.out, "wb") as out:
        out.write(header)
        write_tensor_data(out, sizes, args.seed, args.changed)


if __name__ == "__main__":
    main()
