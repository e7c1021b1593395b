#!/usr/bin/env python3
"""Re-derives every reference.json from the model files with a small NumPy float64 forward pass
written from the documented math (no transformers), and reports the largest logprob difference.

    check_reference.py [FIXTURES_DIR]

It is the specification the Java engine implements, in ~100 lines: RMSNorm, q/k/v projections
(+bias when present), rotate-half RoPE with llama3 scaling, causal GQA attention, SwiGLU MLP,
tied or separate output embedding. If this agrees with transformers, the fixtures say what the
spec says."""

import json
import math
import sys
from pathlib import Path

import numpy as np
from safetensors.torch import load_file


def inv_freq(cfg, d):
    f = 1.0 / cfg["rope_theta"] ** (np.arange(0, d, 2, dtype=np.float64) / d)
    rs = cfg.get("rope_scaling")
    if not rs:
        return f
    assert rs["rope_type"] == "llama3"
    orig, lo, hi, factor = (rs["original_max_position_embeddings"], rs["low_freq_factor"],
                            rs["high_freq_factor"], rs["factor"])
    out = []
    for x in f:
        wl = 2 * math.pi / x
        if wl < orig / hi:
            out.append(x)
        elif wl > orig / lo:
            out.append(x / factor)
        else:
            s = (orig / wl - lo) / (hi - lo)
            out.append((1 - s) * x / factor + s * x)
    return np.array(out)


def rope(x, pos, freqs):
    """x: [T, H, d]; pairs element i with i + d/2 (Hugging Face rotate_half)."""
    ang = pos[:, None] * freqs[None, :]
    cos = np.concatenate([np.cos(ang)] * 2, axis=-1)[:, None, :]
    sin = np.concatenate([np.sin(ang)] * 2, axis=-1)[:, None, :]
    half = x.shape[-1] // 2
    rotated = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
    return x * cos + rotated * sin


def rmsnorm(x, w, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * w


def forward(cfg, w, ids):
    """Logits [T, vocab] for all positions, float64. Full causal attention (use_sliding_window is
    false or sliding_window is null in every fixture)."""
    h = cfg["hidden_size"]
    nh, nkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    d = cfg.get("head_dim") or h // nh
    eps = cfg["rms_norm_eps"]
    freqs = inv_freq(cfg, d)
    T = len(ids)
    pos = np.arange(T, dtype=np.float64)
    x = w["model.embed_tokens.weight"][ids]
    mask = np.triu(np.full((T, T), -np.inf), k=1)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        a = rmsnorm(x, w[p + "input_layernorm.weight"], eps)
        proj = {}
        for name in ("q", "k", "v"):
            y = a @ w[p + f"self_attn.{name}_proj.weight"].T
            if p + f"self_attn.{name}_proj.bias" in w:
                y = y + w[p + f"self_attn.{name}_proj.bias"]
            proj[name] = y.reshape(T, -1, d)
        q, k, v = rope(proj["q"], pos, freqs), rope(proj["k"], pos, freqs), proj["v"]
        group = nh // nkv
        heads = []
        for hq in range(nh):
            kv = hq // group
            scores = q[:, hq] @ k[:, kv].T / math.sqrt(d) + mask
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            heads.append((scores / scores.sum(axis=-1, keepdims=True)) @ v[:, kv])
        x = x + np.concatenate(heads, axis=-1) @ w[p + "self_attn.o_proj.weight"].T
        m = rmsnorm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = m @ w[p + "mlp.gate_proj.weight"].T
        up = m @ w[p + "mlp.up_proj.weight"].T
        x = x + (gate / (1 + np.exp(-gate)) * up) @ w[p + "mlp.down_proj.weight"].T
    x = rmsnorm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else w["lm_head.weight"]
    return x @ head.T


def log_softmax(z):
    z = z - z.max()
    return z - np.log(np.exp(z).sum())


def check(folder):
    cfg = json.loads((folder / "config.json").read_text())
    w = {k: t.double().numpy() for k, t in load_file(str(folder / "model.safetensors")).items()}
    ref = json.loads((folder / "reference.json").read_text())
    worst = 0.0
    for case in ref["cases"]:
        ids = case["prompt_ids"] + [s["id"] for s in case["steps"]]
        logits = forward(cfg, w, np.array(ids))
        start = len(case["prompt_ids"]) - 1
        for j, step in enumerate(case["steps"]):
            lp = log_softmax(logits[start + j])
            assert int(np.argmax(lp)) == step["id"], (folder.name, case["name"], j)
            for tid, tlp in step["top"]:
                worst = max(worst, abs(lp[tid] - tlp))
    return worst


def main():
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "fixtures"
    for folder in sorted((root / "models").iterdir()):
        print(f"{folder.name}: greedy ids agree, max |logprob difference| {check(folder):.2e}")


if __name__ == "__main__":
    main()
