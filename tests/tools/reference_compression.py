#!/usr/bin/env python3
"""Writes tests/fixtures/compression/<model>.json: an independent torch reference of prefill-time
KV-cache compression (full, streamingllm, h2o, snapkv, pyramidkv, windowkv) on the fixture models,
written from the specs only (/work/shared/specs/baselines-and-quantized-pruning.md sections 1-2,
windowkv.md sections 1-6 and 9), never from the Java policies.

For each model and the "long" prompt:
  1. a manual float32 forward built from the Hugging Face modules (checked against transformers'
     own logits) gives per layer the post-RoPE Q, K and V of every prompt position;
  2. each method picks the kept prompt positions per layer and stored head (ascending);
  3. greedy decoding attends, per query head, over its stored head's kept prompt entries plus every
     generated token, at positions prompt_length + t. The first token comes from the full prefill.

Conventions (spec choices, also written into every case's params):
  * softmax and all scores in float32 (no fp16 emulation); ties: higher score first, then lower
    position (baselines 1.5) or lower window index (windowkv 3.4);
  * gqa_mode "repeat": K/V repeated to every query head, per-query-head scores and selection, one
    stored head per query head; "native": one stored head per KV head, query-head scores reduced by
    the mean over the group where baselines 1.6 says (snapkv/pyramidkv: after the window sum, before
    pooling; h2o: after the column sum; streamingllm: none). WindowKV scores average over all query
    heads and one window set serves every head of a layer (windowkv 1.6), so both modes keep the same
    positions and differ only in the number of stored heads;
  * prompts shorter than the budget are not compressed; n == B keeps everything (baselines 1.7, 8.13);
  * windowkv with a single group (shared_layers == layers) uses the uniform budget M for every layer
    (windowkv 9.5 "or define num_groups = 1 as a uniform budget M"); the reference code divides by zero.

Each selection is recomputed in float64 from the same float32 Q/K; "float64_agrees" says whether
the float32 selection survives. "cut_margin" is, over layers and heads, the smallest relative gap
between the last kept and the first dropped score (when those tie exactly, as max-pooling plateaus
do, the gap between the tied value and its nearest distinct neighbours): a tiny margin flags a
near-tie that another float32 engine may legitimately break the other way.

usage: reference_compression.py [--fixtures tests/fixtures] [--only MODEL ...] [--check-only] [--self-test]

Every run first checks the selection code against the specs' hand-computed test vectors."""

import argparse
import json
import math
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import AutoModelForCausalLM  # noqa: E402

MODELS = ["llama-gqa-bf16", "mistral-mha-f16", "qwen2-bias-f32"]
NEW_TOKENS = 16
PROMPT_CASE = "long"
BUDGET = 64
WINDOW = 8
KERNEL = 7
SINKS = 4
PYRAMID_BETA = 20
WKV_BUDGET = 48
WKV_DEFAULTS = {"review_window": 8, "suffix_max": 32, "suffix_avg": 16, "windowkv_beta": 14}


# ----------------------------------------------------------------------------- model

class Runner:
    """Manual float32 forward over the Hugging Face module weights."""

    def __init__(self, folder):
        self.hf = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch.float32,
                                                       attn_implementation="eager").eval()
        cfg = self.hf.config
        self.cfg = cfg
        self.layers = cfg.num_hidden_layers
        self.hq = cfg.num_attention_heads
        self.hkv = cfg.num_key_value_heads
        self.group = self.hq // self.hkv
        self.d = getattr(cfg, "head_dim", None) or cfg.hidden_size // self.hq
        eos = cfg.eos_token_id
        self.eos = sorted(eos if isinstance(eos, list) else [eos])

    def _rope(self, x, positions):
        """x: [H, T, d] rotated at positions (rotate-half pairing, HF's cos/sin incl. llama3 scaling)."""
        m = self.hf.model
        cos, sin = m.rotary_emb(x.transpose(0, 1).unsqueeze(0), torch.tensor([positions]))
        cos, sin = cos[0].unsqueeze(0), sin[0].unsqueeze(0)          # [1, T, d]
        half = x.shape[-1] // 2
        rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
        return x * cos + rotated * sin

    def _qkv(self, layer, x, positions):
        attn = layer.self_attn
        h = layer.input_layernorm(x)                                  # [T, hidden]
        t = h.shape[0]
        q = attn.q_proj(h).view(t, self.hq, self.d).transpose(0, 1)   # [Hq, T, d]
        k = attn.k_proj(h).view(t, self.hkv, self.d).transpose(0, 1)  # [Hkv, T, d]
        v = attn.v_proj(h).view(t, self.hkv, self.d).transpose(0, 1)
        return self._rope(q, positions), self._rope(k, positions), v

    def _finish(self, layer, x, o):
        """o: [Hq, T, d] attention output -> residual stream after the layer."""
        t = o.shape[1]
        x = x + layer.self_attn.o_proj(o.transpose(0, 1).reshape(t, self.hq * self.d))
        return x + layer.mlp(layer.post_attention_layernorm(x))

    def _logits(self, x):
        return self.hf.lm_head(self.hf.model.norm(x))

    @torch.no_grad()
    def prefill(self, ids):
        """Full causal prefill. Returns logits [T, V] and per layer (Q [Hq,T,d], K, V [Hkv,T,d])."""
        n = len(ids)
        x = self.hf.model.embed_tokens(torch.tensor(ids))
        mask = torch.full((n, n), float("-inf")).triu(1)
        captured = []
        for layer in self.hf.model.layers:
            q, k, v = self._qkv(layer, x, list(range(n)))
            captured.append((q, k, v))
            kr = k.repeat_interleave(self.group, dim=0)
            vr = v.repeat_interleave(self.group, dim=0)
            p = torch.softmax(q @ kr.transpose(1, 2) / math.sqrt(self.d) + mask, dim=-1)
            x = self._finish(layer, x, p @ vr)
        return self._logits(x), captured

    @torch.no_grad()
    def hf_logits(self, ids):
        return self.hf(torch.tensor([ids])).logits[0]

    @torch.no_grad()
    def generate(self, ids, last_logits, captured, kept, stored_of_query, steps):
        """Greedy decode over the compressed cache.

        kept[l][s]: ascending prompt positions of stored head s in layer l; stored_of_query maps a
        query head to its stored head (repeat: h, native: h // group). Stored head s holds K/V of KV
        head s // (stored heads per KV head)."""
        n = len(ids)
        stored = len(kept[0])
        per_kv = stored // self.hkv
        cache = []
        for li, (_, k, v) in enumerate(captured):
            ks, vs = [], []
            for s in range(stored):
                idx = torch.tensor(kept[li][s], dtype=torch.long)
                ks.append(k[s // per_kv][idx])
                vs.append(v[s // per_kv][idx])
            cache.append((ks, vs))
        logits = last_logits
        tokens, logprobs, gaps = [], [], []
        for t in range(steps):
            lp = torch.log_softmax(logits.double(), dim=-1)
            top = torch.topk(lp, 2)
            tok = int(top.indices[0])
            tokens.append(tok)
            logprobs.append(round(float(top.values[0]), 6))
            gaps.append(round(float(top.values[0] - top.values[1]), 6))
            if t == steps - 1:
                break
            pos = n + t
            x = self.hf.model.embed_tokens(torch.tensor([tok]))
            for li, layer in enumerate(self.hf.model.layers):
                q, k, v = self._qkv(layer, x, [pos])
                ks, vs = cache[li]
                for s in range(stored):
                    ks[s] = torch.cat([ks[s], k[s // per_kv]], dim=0)
                    vs[s] = torch.cat([vs[s], v[s // per_kv]], dim=0)
                outs = []
                for h in range(self.hq):
                    s = stored_of_query(h)
                    p = torch.softmax(q[h] @ ks[s].T / math.sqrt(self.d), dim=-1)
                    outs.append(p @ vs[s])
                x = self._finish(layer, x, torch.stack(outs))
            logits = self._logits(x)[0]
        return tokens, logprobs, gaps


# ----------------------------------------------------------------------------- selection helpers

NEG = float("-inf")


def top_positions(scores, count):
    """Indices of the `count` largest scores: higher score first, then lower position. Returns
    (ascending positions, relative margin between the last kept and the first dropped score)."""
    vals = scores.tolist()
    order = sorted(range(len(vals)), key=lambda j: (-vals[j], j))
    chosen = sorted(order[:count])
    margin = math.inf
    if 0 < count < len(vals):
        c, d = vals[order[count - 1]], vals[order[count]]
        if c != d:
            margin = rel_gap(c, d)
        else:
            # an exact tie straddles the cut (max-pooling plateaus): it is broken by position, which is
            # robust; what is fragile is a neighbouring distinct value close enough to swap with it
            distinct = sorted(set(vals), reverse=True)
            i = distinct.index(c)
            for neighbour in distinct[max(0, i - 1): i] + distinct[i + 1: i + 2]:
                margin = min(margin, rel_gap(c, neighbour))
    return chosen, margin


def rel_gap(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-30)


def window_sums(q, k, w, dtype):
    """SnapKV family (baselines 1.3): per query head, sum over the last w queries of the causal
    softmax, for candidates 0..n-w-1. q: [H, n, d], k: [H, n, d] (already repeated)."""
    q, k = q.to(dtype), k.to(dtype)
    n, d = q.shape[1], q.shape[2]
    a = q[:, n - w:] @ k.transpose(1, 2) / math.sqrt(d)                # [H, w, n]
    r = torch.arange(w)[:, None]
    j = torch.arange(n)[None, :]
    a = a.masked_fill((j >= n - w) & (j - (n - w) > r), NEG)
    p = torch.softmax(a, dim=-1)
    return p.sum(dim=1)[:, : n - w]


def pool(s, kernel, pooling):
    """Stride-1 pooling, padding kernel//2 (baselines 1.4). s: [H, m]."""
    p = kernel // 2
    m = s.shape[1]
    out = torch.empty_like(s)
    for j in range(m):
        lo, hi = max(0, j - p), min(m, j + p + 1)
        if pooling == "maxpool":
            out[:, j] = s[:, lo:hi].max(dim=1).values
        else:
            out[:, j] = s[:, lo:hi].sum(dim=1) / kernel
    return out


def reduce_group(scores, group):
    """Native GQA: mean over each KV group's consecutive query heads. [Hq, m] -> [Hkv, m]."""
    return scores.view(scores.shape[0] // group, group, -1).mean(dim=1)


def causal_column_sums(q, k, dtype):
    """H2O (baselines 2.3): column sums of the full causal attention matrix. [H, n]."""
    q, k = q.to(dtype), k.to(dtype)
    n, d = q.shape[1], q.shape[2]
    a = q @ k.transpose(1, 2) / math.sqrt(d)
    a = a + torch.full((n, n), NEG, dtype=dtype).triu(1)
    return torch.softmax(a, dim=-1).sum(dim=1)


# ----------------------------------------------------------------------------- methods

def pyramid_caps(layers, n, budget, w, beta):
    """Selected tokens per layer (window extra), baselines 2.5."""
    base = budget - w
    if n < budget:
        return None
    if n < 2 * base:
        return [base] * layers
    min_n = base // beta
    max_n = 2 * base - min_n
    if max_n >= n - w:
        max_n = n - w
        min_n = 2 * base - max_n
    steps = (max_n - min_n) // (layers - 1)
    return [max_n - l * steps for l in range(layers)]


def select_baseline(method, p, captured, n, group, mode, dtype):
    """kept[layer][stored head] for the baselines and the smallest cut margin."""
    layers = len(captured)
    hq = captured[0][0].shape[0]
    stored = hq if mode == "repeat" else hq // group
    everything = [[list(range(n)) for _ in range(stored)] for _ in range(layers)]
    if method == "full":
        return everything, math.inf
    budget = p["budget"]
    if n < budget:
        return everything, math.inf
    if method == "streamingllm":
        sinks = p["sink_tokens"]
        keep = list(range(sinks)) + list(range(n - (budget - sinks), n))
        return [[list(keep) for _ in range(stored)] for _ in range(layers)], math.inf
    w = p["window"]
    caps = [budget - w] * layers
    if method == "pyramidkv":
        caps = pyramid_caps(layers, n, budget, w, p["pyramid_beta"])
    kept, margin = [], math.inf
    for li, (q, k, _) in enumerate(captured):
        kr = k.repeat_interleave(group, dim=0)
        if method == "h2o":
            scores = causal_column_sums(q, kr, dtype)[:, : n - w]
            if mode == "native":
                scores = reduce_group(scores, group)
        else:
            scores = window_sums(q, kr, w, dtype)
            if mode == "native":
                scores = reduce_group(scores, group)
            scores = pool(scores, p["kernel"], p["pooling"])
        layer = []
        for s in range(stored):
            chosen, m = top_positions(scores[s], caps[li])
            margin = min(margin, m)
            layer.append(chosen + list(range(n - w, n)))
        kept.append(layer)
    return kept, margin


def group_budgets(layers, shared, m, beta):
    """WindowKV group pyramid (windowkv 4); a single group gets the uniform budget M (9.5)."""
    groups = layers // shared
    assert groups * shared == layers, "shared_layers must divide the layer count"
    if groups == 1:
        return [m] * layers
    last = m * shared // beta
    first = 2 * m - last
    step = (first - last) // (groups - 1)
    per_group = [first - g * step for g in range(groups)]
    per_group[-1] = last
    return [per_group[l // shared] for l in range(layers)]


def select_windowkv(p, captured, n, group, mode, dtype):
    layers = len(captured)
    hq = captured[0][0].shape[0]
    stored = hq if mode == "repeat" else hq // group
    w = p["review_window"]
    strategy = "max" if p["task_type"] == "qa" else "average"
    s = p["suffix_max"] if strategy == "max" else p["suffix_avg"]
    big_l = n - s
    budgets = group_budgets(layers, p["shared_layers"], p["budget"], p["windowkv_beta"])
    ranges = [(m * w, min((m + 1) * w, big_l)) for m in range(-(-big_l // w))]
    kept, margin, shared_windows = [], math.inf, None
    for li, (q, k, _) in enumerate(captured):
        b = budgets[li]
        if big_l <= b:
            positions = list(range(n))
        else:
            if li % p["shared_layers"] == 0:
                drop = -(-(big_l - b) // w)
                keep_count = len(ranges) - drop
                if keep_count <= 0:
                    shared_windows = []
                else:
                    # evidence A[h][j], windowkv 3.2: softmax over all T keys, causal inside the suffix
                    qq, kk = q.to(dtype), k.repeat_interleave(group, dim=0).to(dtype)
                    z = qq[:, big_l:] @ kk.transpose(1, 2) / math.sqrt(qq.shape[2])   # [Hq, s, T]
                    i = torch.arange(s)[:, None]
                    j = torch.arange(n)[None, :]
                    z = z.masked_fill((j >= big_l) & (j - big_l > i), NEG)
                    a = torch.softmax(z, dim=-1).sum(dim=1)[:, :big_l]                # [Hq, L]
                    scores = []
                    for lo, hi in ranges:
                        seg = a[:, lo:hi]
                        if strategy == "average":
                            scores.append(float(seg.mean()))
                        else:
                            km = min(w // 2, hi - lo)
                            scores.append(float(torch.topk(seg, km, dim=1).values.mean()))
                    chosen, m = top_positions(torch.tensor(scores, dtype=torch.float64), keep_count)
                    margin = min(margin, m)
                    shared_windows = chosen
            positions = [j for m in shared_windows for j in range(*ranges[m])] + list(range(big_l, n))
            positions.sort()
        kept.append([list(positions) for _ in range(stored)])
    return kept, margin


def select(method, p, captured, n, group, mode, dtype=torch.float32):
    if method == "windowkv":
        return select_windowkv(p, captured, n, group, mode, dtype)
    return select_baseline(method, p, captured, n, group, mode, dtype)


# ----------------------------------------------------------------------------- cases

def case_params(runner, n):
    """(method, params, gqa modes) for one model."""
    base = {"window": WINDOW, "kernel": KERNEL, "pooling": "maxpool"}
    modes = ["repeat", "native"]
    wkv = dict(WKV_DEFAULTS)
    out = [("full", {}, modes),
           ("streamingllm", {"budget": BUDGET, "sink_tokens": SINKS}, modes),
           ("h2o", {"budget": BUDGET, "window": WINDOW}, modes),
           ("snapkv", {"budget": BUDGET, **base}, modes),
           ("snapkv", {"budget": BUDGET, **base, "pooling": "avgpool"}, modes),
           ("pyramidkv", {"budget": BUDGET, **base, "pyramid_beta": PYRAMID_BETA}, modes)]
    for shared in sorted({1, runner.layers}):
        for task in ("qa", "other"):
            out.append(("windowkv", {"budget": WKV_BUDGET, **wkv, "shared_layers": shared, "task_type": task,
                                     "strict_budget": False}, modes))
    # pyramidkv's middle regime (B <= n < 2 (B - w): every layer keeps B - w, no pyramid)
    middle = (n + 1) // 2 + WINDOW + 1
    assert middle <= n < 2 * (middle - WINDOW)
    out.append(("pyramidkv", {"budget": middle, **base, "pyramid_beta": PYRAMID_BETA}, modes))
    # windowkv: a deepest budget below the partial window's length keeps only the observation window
    # there (K_keep = 0, spec 3.4 step 3) on the models whose r exceeds floor(M / beta); a review
    # window of 4 (top-k 2 for "max")
    out.append(("windowkv", {"budget": 28, **wkv, "shared_layers": 1, "task_type": "qa", "strict_budget": False},
                modes))
    for task in ("qa", "other"):
        out.append(("windowkv", {"budget": WKV_BUDGET, **wkv, "review_window": 4, "shared_layers": 1,
                                 "task_type": task, "strict_budget": False}, ["repeat"]))
    # budget >= prompt length: every method must reproduce full
    out += [("streamingllm", {"budget": n, "sink_tokens": SINKS}, ["repeat"]),
            ("h2o", {"budget": n, "window": WINDOW}, ["repeat"]),
            ("snapkv", {"budget": n, **base}, ["repeat"]),
            ("pyramidkv", {"budget": n, **base, "pyramid_beta": PYRAMID_BETA}, ["repeat"])]
    # windowkv: every layer's group budget must cover the review region; with G = 1 the deepest
    # budget is floor(M / beta), so M = beta * n
    for task in ("qa", "other"):
        out.append(("windowkv", {"budget": WKV_DEFAULTS["windowkv_beta"] * n, **wkv, "shared_layers": 1,
                                 "task_type": task, "strict_budget": False}, ["repeat"]))
    return out


def build(folder, check_only=False):
    runner = Runner(folder)
    ref = json.loads((folder / "reference.json").read_text())
    ref_case = next(c for c in ref["cases"] if c["name"] == PROMPT_CASE)
    ids = ref_case["prompt_ids"]
    n = len(ids)
    logits, captured = runner.prefill(ids)
    diff = float((logits - runner.hf_logits(ids)).abs().max())
    print(f"{folder.name}: n={n} manual-vs-transformers max |logit diff| {diff:.2e}", flush=True)
    assert diff < 1e-4, diff
    if check_only:
        return None
    cases = []
    for method, params, modes in case_params(runner, n):
        for mode in modes:
            kept, margin = select(method, params, captured, n, runner.group, mode)
            kept64, _ = select(method, params, captured, n, runner.group, mode, torch.float64)
            stored_of_query = (lambda h: h) if mode == "repeat" else (lambda h: h // runner.group)
            tokens, logprobs, gaps = runner.generate(ids, logits[-1], captured, kept, stored_of_query, NEW_TOKENS)
            case = {"method": method, "params": params, "gqa_mode": mode, "prompt_case": PROMPT_CASE,
                    "stored_heads": len(kept[0]),
                    "kept_per_layer": [len(kept[l][0]) for l in range(len(kept))],
                    "float64_agrees": kept == kept64,
                    "cut_margin": None if math.isinf(margin) else float(f"{margin:.3e}"),
                    "tokens": tokens, "steps_gap": gaps, "logprobs": logprobs, "kept": kept}
            if method == "windowkv":
                s = params["suffix_max"] if params["task_type"] == "qa" else params["suffix_avg"]
                case["layer_budgets"] = group_budgets(runner.layers, params["shared_layers"], params["budget"],
                                                      params["windowkv_beta"])
                case["observation_window"] = s
            if method == "full":
                hf_ids = [st["id"] for st in ref_case["steps"][:NEW_TOKENS]]
                assert tokens == hf_ids, f"full-cache decode {tokens} != transformers' greedy {hf_ids}"
            cases.append(case)
            print(f"  {method:12s} {mode:7s} {json.dumps(params, separators=(',', ':'))[:90]:90s} "
                  f"kept/layer {case['kept_per_layer']} f64 {case['float64_agrees']} margin {case['cut_margin']} "
                  f"tokens {tokens}", flush=True)
    return {"model": folder.name, "tool": "tests/tools/reference_compression.py",
            "transformers_version": transformers.__version__, "torch_version": torch.__version__,
            "compute_dtype": "float32", "prompt_case": PROMPT_CASE, "prompt_ids": ids, "prompt_length": n,
            "query_heads": runner.hq, "kv_heads": runner.hkv, "layers": runner.layers, "eos_token_ids": runner.eos,
            "new_tokens": NEW_TOKENS, "cases": cases}


# ----------------------------------------------------------------------------- spec test vectors

def self_test():
    """The reference against the specs' hand-computed vectors (baselines 7.1-7.3, 7.5; windowkv 8.1-8.4)."""
    f64 = torch.float64

    def head(u, qs=(1.0,)):
        """One KV head, D = 1, k_j = ln(u_j); one query head per entry of qs with q = that value."""
        n = len(u)
        k = torch.log(torch.tensor(u, dtype=f64)).view(1, n, 1)
        q = torch.tensor(qs, dtype=f64).view(-1, 1, 1).expand(len(qs), n, 1).clone()
        return [(q, k, torch.zeros(1, n, 1, dtype=f64))]

    def kept(method, params, cap, mode="repeat"):
        n = cap[0][1].shape[1]
        group = cap[0][0].shape[0]
        return select(method, params, cap, n, group, mode, f64)[0][0]

    def close(a, b):
        assert all(abs(x - y) < 1e-6 for x, y in zip(a, b)) and len(a) == len(b), (a, b)

    # S1
    cap = head([4, 1, 2, 1, 1, 1])
    close(window_sums(cap[0][0], cap[0][1], 2, f64)[0].tolist(), [0.844444, 0.211111, 0.422222, 0.211111])
    snap = {"budget": 4, "window": 2, "kernel": 1, "pooling": "maxpool"}
    assert kept("snapkv", snap, cap) == [[0, 2, 4, 5]]
    assert kept("snapkv", {**snap, "kernel": 3}, cap) == [[0, 1, 4, 5]]
    close(pool(window_sums(cap[0][0], cap[0][1], 2, f64), 3, "avgpool")[0].tolist(),
          [0.351852, 0.492593, 0.281481, 0.211111])
    assert kept("snapkv", {**snap, "kernel": 3, "pooling": "avgpool"}, cap) == [[0, 1, 4, 5]]
    # S2 (pooling and selection only)
    s2 = torch.tensor([[0.10, 0.05, 0.90, 0.02, 0.01, 0.30, 0.03, 0.04]], dtype=f64)
    close(pool(s2, 3, "maxpool")[0].tolist(), [0.10, 0.90, 0.90, 0.90, 0.30, 0.30, 0.30, 0.04])
    assert top_positions(pool(s2, 3, "maxpool")[0], 3)[0] == [1, 2, 3]
    assert top_positions(pool(s2, 3, "maxpool")[0], 6)[0] == [1, 2, 3, 4, 5, 6]
    close(pool(s2, 3, "avgpool")[0].tolist(), [0.05, 0.35, 0.323333, 0.31, 0.11, 0.113333, 0.123333, 0.023333])
    assert top_positions(s2[0], 3)[0] == [0, 2, 5]
    # S3
    assert kept("snapkv", snap, head([1, 1, 1])) == [[0, 1, 2]]
    assert kept("snapkv", snap, head([1, 3, 1, 1])) == [[0, 1, 2, 3]]
    # S4 (GQA): query heads A (q = +1) and B (q = -1) share one KV head
    cap = head([1, 1, 2, 2, 1, 1], qs=(1.0, -1.0))
    assert kept("snapkv", snap, cap) == [[2, 3, 4, 5], [0, 1, 4, 5]]
    assert kept("snapkv", snap, cap, "native") == [[2, 3, 4, 5]]
    # T1-T3
    sl = {"budget": 6, "sink_tokens": 4}
    assert kept("streamingllm", sl, head([1] * 10)) == [[0, 1, 2, 3, 8, 9]]
    assert kept("streamingllm", sl, head([1] * 5)) == [[0, 1, 2, 3, 4]]
    assert kept("streamingllm", sl, head([1] * 6)) == [[0, 1, 2, 3, 4, 5]]
    # H1-H3
    cap = head([3, 1, 2, 1, 1])
    close(causal_column_sums(cap[0][0], cap[0][1], f64)[0, :4].tolist(), [3.053571, 0.684524, 0.869048, 0.267857])
    assert kept("h2o", {"budget": 3, "window": 1}, cap) == [[0, 2, 4]]
    assert kept("h2o", {"budget": 4, "window": 2}, head([1, 1, 2, 2, 1, 1])) == [[0, 2, 4, 5]]
    assert kept("h2o", {"budget": 3, "window": 1}, head([1, 1])) == [[0, 1]]
    # PyramidKV budgets (7.5)
    caps = pyramid_caps(32, 241, 128, 8, 20)
    assert caps[0] == 233 and caps[-1] == 16 and sum(caps) == 3984
    caps = pyramid_caps(32, 2000, 128, 8, 20)
    assert caps[:3] == [234, 227, 220] and caps[-1] == 17 and sum(caps) == 4016
    assert pyramid_caps(32, 200, 128, 8, 20) == [120] * 32 and pyramid_caps(32, 100, 128, 8, 20) is None
    assert sum(pyramid_caps(32, 8000, 64, 8, 20)) == 2032 and sum(pyramid_caps(32, 8000, 512, 8, 20)) == 16576
    # WindowKV group budgets (8.1)
    assert group_budgets(32, 8, 2048, 14) == [b for b in (2926, 2341, 1756, 1170) for _ in range(8)]
    assert group_budgets(32, 8, 1024, 14)[::8] == [1463, 1171, 879, 585]
    assert group_budgets(32, 8, 512, 14)[::8] == [732, 586, 440, 292]
    assert group_budgets(4, 2, 6, 4) == [9, 9, 3, 3] and group_budgets(4, 2, 5, 5) == [8, 8, 2, 2]
    assert group_budgets(6, 2, 12, 4) == [18, 18, 12, 12, 6, 6]
    b = group_budgets(32, 1, 2048, 14)
    assert b[:2] == [3950, 3828] and b[29:] == [412, 290, 146]

    # WindowKV selection, construction C (8.0): d = 4, one KV head, query head h = 2 e_h
    def layer_c(vs, t):
        """vs[h] = review values of query head h (length L); t = prompt length."""
        hq, big_l = len(vs), len(vs[0])
        q = torch.zeros(hq, t, 4, dtype=f64)
        for h in range(hq):
            q[h, :, h] = 2.0
        k = torch.zeros(1, t, 4, dtype=f64)
        for h in range(hq):
            k[0, :big_l, h] = torch.log(torch.tensor(vs[h], dtype=f64))
            k[0, big_l:, h] = -30.0
        return (q, k, torch.zeros(1, t, 4, dtype=f64))

    def wkv(layers, t, shared, m, beta, task):
        p = {"budget": m, "review_window": 4, "suffix_max": 4, "suffix_avg": 4, "windowkv_beta": beta,
             "shared_layers": shared, "task_type": task}
        hq = layers[0][0].shape[0]
        return [kl[0] for kl in select_windowkv(p, layers, t, hq, "repeat", f64)[0]]

    rng = lambda a, b: list(range(a, b + 1))  # noqa: E731
    v1 = [4, 1, 1, 1] + [1] * 4 + [2] * 4 + [1, 1, 6, 1]
    ex1 = [layer_c([v1], 20)] * 4                                     # B = [8, 8, 2, 2]
    assert wkv(ex1, 20, 2, 5, 5, "other")[0] == rng(8, 19)
    assert wkv(ex1, 20, 2, 5, 5, "qa")[0] == rng(0, 3) + rng(12, 19)
    a = [3, 1, 1, 1, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 10]
    bb = [1, 1, 1, 1, 1, 2, 1, 2, 1, 2, 1, 2, 4, 3, 1, 1, 7]
    ex2 = [layer_c([a, bb], 21)] * 4                                  # B = [9, 9, 3, 3]
    for task in ("qa", "other"):
        assert wkv(ex2, 21, 2, 6, 4, task)[0] == rng(4, 7) + rng(12, 20)
    v = [1, 1, 1, 1, 5, 1, 1, 1, 1, 1, 4, 4, 2, 2, 2, 1.5, 0.5]
    w2 = [0.5, 1.5, 2, 2, 2, 4, 4, 1, 1, 1, 1, 1, 5, 1, 1, 1, 1]
    ex3 = [layer_c([v], 21), layer_c([w2], 21)] * 2
    got = wkv(ex3, 21, 2, 6, 4, "qa")
    assert got == [rng(4, 15) + rng(17, 20)] * 2 + [rng(8, 11) + rng(17, 20)] * 2, got
    short = [layer_c([v[:9]], 13), layer_c([w2[:9]], 13)] * 2
    got = wkv(short, 13, 2, 6, 4, "qa")
    assert got == [rng(0, 12)] * 2 + [rng(4, 7) + rng(9, 12)] * 2, got
    dropped = [layer_c([v1], 20)] * 2 + [layer_c([[1] * 16], 20)] * 2
    got = wkv(dropped, 20, 2, 6, 4, "qa")
    assert got[2] == rng(16, 19) and got[3] == rng(16, 19), got
    print("self-test: spec vectors baselines 7.1-7.3, 7.5 and windowkv 8.1-8.4 pass")


def dump(doc):
    """Compact JSON, one case per line (kept lists are long)."""
    head = {k: v for k, v in doc.items() if k != "cases"}
    lines = json.dumps(head, separators=(",", ":"))[:-1] + ',"cases":[\n'
    lines += ",\n".join(json.dumps(c, separators=(",", ":")) for c in doc["cases"])
    return lines + "\n]}\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = Path(__file__).resolve().parents[1] / "fixtures"
    ap.add_argument("--fixtures", type=Path, default=root)
    ap.add_argument("--only", nargs="*", default=MODELS)
    ap.add_argument("--check-only", action="store_true", help="only compare the manual forward with transformers")
    ap.add_argument("--self-test", action="store_true", help="only check the selection code against the spec vectors")
    args = ap.parse_args()
    torch.set_num_threads(1)
    self_test()
    if args.self_test:
        return
    out_dir = args.fixtures / "compression"
    out_dir.mkdir(exist_ok=True)
    for name in args.only:
        doc = build(args.fixtures / "models" / name, args.check_only)
        if doc is not None:
            path = out_dir / f"{name}.json"
            path.write_text(dump(doc))
            print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    sys.exit(main())
