#!/usr/bin/env python3
"""Writes a random-weight model with Llama-3.2-1B's shape, for speed benchmarks (not committed).

    make_bench_model.py OUT_DIR [--layers N] [--seed S]

hidden 2048, intermediate 8192, 16 layers, 32 query heads, 8 KV heads, head_dim 64, vocab 128256,
rope_theta 500000 with llama3 rope_scaling (factor 32, low 1, high 4, original 8192), tied
embeddings, bf16: about 2.5 GB. The tokenizer files are the llama-gqa-bf16 fixture's (768 ids);
its special-token ids are below the model's vocabulary, so prompts it makes are valid input.

Tensors are drawn in chunks and written straight into model.safetensors, so memory use stays at
a few hundred MB whatever the size. The weights are N(0, 0.02) and the norms ones: the text is
meaningless, only the arithmetic counts."""

import argparse
import hashlib
import json
import os
import shutil
import struct
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")

import torch  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "models" / "llama-gqa-bf16"
CHUNK_ELEMENTS = 1 << 24
STD = 0.02


def config_for(layers, fixture_config):
    return {
        "architectures": ["LlamaForCausalLM"],
        "attention_bias": False,
        "attention_dropout": 0.0,
        "bos_token_id": fixture_config["bos_token_id"],
        "eos_token_id": fixture_config["eos_token_id"],
        "head_dim": 64,
        "hidden_act": "silu",
        "hidden_size": 2048,
        "initializer_range": STD,
        "intermediate_size": 8192,
        "max_position_embeddings": 131072,
        "mlp_bias": False,
        "model_type": "llama",
        "num_attention_heads": 32,
        "num_hidden_layers": layers,
        "num_key_value_heads": 8,
        "pretraining_tp": 1,
        "rms_norm_eps": 1e-05,
        "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                         "original_max_position_embeddings": 8192, "rope_type": "llama3"},
        "rope_theta": 500000.0,
        "tie_word_embeddings": True,
        "torch_dtype": "bfloat16",
        "use_cache": True,
        "vocab_size": 128256,
    }


def tensor_shapes(c):
    h, inter, d = c["hidden_size"], c["intermediate_size"], c["head_dim"]
    q, kv = c["num_attention_heads"] * d, c["num_key_value_heads"] * d
    shapes = {"model.embed_tokens.weight": (c["vocab_size"], h), "model.norm.weight": (h,)}
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        shapes.update({
            p + "input_layernorm.weight": (h,),
            p + "post_attention_layernorm.weight": (h,),
            p + "self_attn.q_proj.weight": (q, h),
            p + "self_attn.k_proj.weight": (kv, h),
            p + "self_attn.v_proj.weight": (kv, h),
            p + "self_attn.o_proj.weight": (h, q),
            p + "mlp.gate_proj.weight": (inter, h),
            p + "mlp.up_proj.weight": (inter, h),
            p + "mlp.down_proj.weight": (h, inter),
        })
    return dict(sorted(shapes.items()))


def numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def write_safetensors(path, shapes, seed):
    """Header first (offsets are known from the shapes), then each tensor chunk by chunk."""
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, shape in shapes.items():
        size = numel(shape) * 2
        header[name] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    header_bytes = json.dumps(header, separators=(",", ":")).encode()
    header_bytes += b" " * (-len(header_bytes) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for name, shape in shapes.items():
            digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
            g = torch.Generator().manual_seed(int.from_bytes(digest[:8], "little"))
            remaining = numel(shape)
            while remaining:
                n = min(remaining, CHUNK_ELEMENTS)
                if name.endswith("norm.weight"):
                    chunk = torch.ones(n, dtype=torch.bfloat16)
                else:
                    chunk = (STD * torch.randn(n, generator=g)).to(torch.bfloat16)
                f.write(chunk.view(torch.int16).numpy().tobytes())
                remaining -= n
    return offset


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("--layers", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args()
    torch.set_num_threads(2)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fixture_config = json.loads((FIXTURE / "config.json").read_text())
    config = config_for(args.layers, fixture_config)
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    generation = {"bos_token_id": config["bos_token_id"], "eos_token_id": config["eos_token_id"]}
    (out / "generation_config.json").write_text(json.dumps(generation, indent=2) + "\n")
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(FIXTURE / name, out / name)
    data_bytes = write_safetensors(out / "model.safetensors", tensor_shapes(config), args.seed)
    print(json.dumps({"out_dir": str(out), "layers": args.layers, "weights_bytes": data_bytes,
                      "file_bytes": (out / "model.safetensors").stat().st_size}))


if __name__ == "__main__":
    sys.exit(main())
