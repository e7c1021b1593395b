#!/usr/bin/env python3
"""Measures Hugging Face transformers' float32 CPU speed on a model folder, as a baseline for
kvasir's own numbers. Prints one JSON object.

    hf_decode_speed.py MODEL_DIR --prompt-tokens N --new-tokens M [--threads 2] [--attn sdpa]

Prefill: one forward pass over N prompt ids (seeded random ids below the tokenizer's size) that
fills a KV cache and computes only the last position's logits, as generate() does. Decode: M
greedy steps of one token each on that cache. A short warm-up (8 tokens, 2 steps) runs first and
is not timed."""

import argparse
import json
import os
import sys
import time

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("model_dir")
parser.add_argument("--prompt-tokens", type=int, required=True)
parser.add_argument("--new-tokens", type=int, required=True)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--attn", default="sdpa", choices=["sdpa", "eager"])
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()
os.environ["OMP_NUM_THREADS"] = str(args.threads)

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import AutoModelForCausalLM, DynamicCache  # noqa: E402


def id_limit(model_dir, vocab_size):
    """Prompt ids stay among the tokenizer's ordinary tokens (the bench model's vocabulary is
    larger than its tokenizer)."""
    try:
        with open(os.path.join(model_dir, "tokenizer.json"), encoding="utf-8") as f:
            return min(len(json.load(f)["model"]["vocab"]), vocab_size)
    except OSError:
        return vocab_size


@torch.no_grad()
def run(model, ids, new_tokens):
    cache = DynamicCache()
    start = time.perf_counter()
    out = model(input_ids=ids, past_key_values=cache, use_cache=True, logits_to_keep=1)
    prefill = time.perf_counter() - start
    token = out.logits[:, -1].argmax(-1, keepdim=True)
    start = time.perf_counter()
    for _ in range(new_tokens):
        out = model(input_ids=token, past_key_values=out.past_key_values, use_cache=True)
        token = out.logits[:, -1].argmax(-1, keepdim=True)
    decode = time.perf_counter() - start
    return prefill, decode


def main():
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(args.model_dir, dtype=torch.float32, attn_implementation=args.attn)
    model.eval()
    load = time.perf_counter() - start
    g = torch.Generator().manual_seed(args.seed)
    limit = id_limit(args.model_dir, model.config.vocab_size)
    ids = torch.randint(0, limit, (1, args.prompt_tokens), generator=g)
    run(model, ids[:, :8], 2)
    prefill, decode = run(model, ids, args.new_tokens)
    print(json.dumps({
        "model_dir": args.model_dir,
        "prompt_tokens": args.prompt_tokens,
        "new_tokens": args.new_tokens,
        "threads": args.threads,
        "dtype": "float32",
        "attn_implementation": args.attn,
        "load_s": round(load, 3),
        "prefill_s": round(prefill, 3),
        "prefill_tok_s": round(args.prompt_tokens / prefill, 2),
        "decode_s": round(decode, 3),
        "decode_tok_s": round(args.new_tokens / decode, 2) if args.new_tokens else None,
        "torch_version": torch.__version__,
        "transformers_version": transformers.__version__,
    }))


if __name__ == "__main__":
    sys.exit(main())
