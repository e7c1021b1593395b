#!/usr/bin/env python3
"""Writes tests/fixtures/qpruning/<model>.json: what QPruningKV's own code produces for `--quant
reference` (baselines spec 3.1-3.4) on the fixture models, for QPruningKVReferenceTest.

The reference code is run, not rewritten:
  * selection: QPruningKV's SnapKVCluster.update_kv (pyramidkv/pyramidkv_utils.py of a QPruningKV
    checkout, --qpruningkv), on K/V repeated to every query head as its attention forwards do;
  * cache lifecycle: transformers' HQQQuantizedLayer (QuantizedLayer.update: the compressed prompt is
    quantized once at the first update, every later update returns dequant ++ residual ++ new);
  * quantizer: hqq 0.2.2's Quantizer.quantize / Quantizer.cuda / Quantizer.dequantize (hqq is not on
    the package index here: put its source on PYTHONPATH, see tests/tools/README.md).

What is not the reference's: the model forward is reference_compression.Runner's float32 forward
(checked against transformers' logits), attention reads the fp16 cache widened to float32, and the
first token comes from the full prefill. The cache holds K/V in half precision, as the reference's
fp16 model does, and the quantizer's compute dtype is fp16 (HQQQuantizedLayer takes it from the
cached K/V), so codes, scales, zeros and the fp16 dequantization are exactly hqq's.

Cases per model: bits 8/4/2 x full/snapkv x group 64 (QPruningKV's --group_size) and 32, key axis 1,
value axis 0, residual length = new tokens (QPruningKV's rule: the residual never flushes). The
prompt is the first PROMPT_TOKENS tokens of the "long" prompt so that every case satisfies hqq's
shape rules (G divides the layer's element count N; 2-bit packing splits the N/G key rows and the G
value rows into 4, so both must be multiples of 4). SnapKV uses avgpool: with maxpool the pooled
scores tie on plateaus and torch.topk orders ties arbitrarily (differently on CPU and CUDA, and for
different k), while the store order decides the quantization groups; the tool asserts the kept
scores are distinct so that the order is defined.

Per case the fixture records the greedy ids and top-1 log-probs over NEW_TOKENS steps, the top-1/
top-2 gaps, the SnapKV store order per layer and stored head (positions, cache order), and
`perturbed_logprob_shift`: the largest log-prob change, over PERTURBATION_DRAWS draws, when every
float32 K/V entry is multiplied by (1 + 1e-5 u), u uniform in [-1, 1], before it enters the cache
(teacher-forced on the reference's ids). That is the size of the differences two float32 forwards
legitimately have, and the fp16 rounding and the quantization amplify it: an entry near an fp16 or
a code boundary moves by a whole step. The Java test's bound is derived from it.

Also writes tests/fixtures/qpruning/hqq-roundtrip.json: hqq's dequantized values of a small random
layer cache at every bit width and two groups (see hqq_roundtrip), for a bit-exact check.

usage: qpruning_reference.py --qpruningkv DIR [--fixtures tests/fixtures] [--only MODEL ...]"""

import argparse
import contextlib
import importlib.util
import io
import json
import math
import sys
import types
from pathlib import Path

if importlib.util.find_spec("termcolor") is None:
    # hqq 0.2.2 imports termcolor for its warnings only, and transformers imports hqq when it finds it
    _stub = types.ModuleType("termcolor")
    _stub.colored = lambda s, *a, **k: s
    sys.modules["termcolor"] = _stub

from reference_compression import MODELS, PROMPT_CASE, Runner, dump  # noqa: E402

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import cache_utils  # noqa: E402

PROMPT_TOKENS = 384
NEW_TOKENS = 20
BITS = [8, 4, 2]
GROUPS = [64, 32]
AXIS_KEY, AXIS_VALUE = 1, 0
SNAPKV = {"budget": 64, "window": 8, "kernel": 7, "pooling": "avgpool"}
PERTURBATION = 1e-5
PERTURBATION_DRAWS = 5


def load_hqq():
    """hqq 0.2.2's Quantizer."""
    import hqq
    from hqq.core.quantize import Quantizer
    assert hqq.__version__ == "0.2.2", f"need hqq 0.2.2 on PYTHONPATH, found {hqq.__version__}"
    # transformers checks the installed distribution's version; the source tree has none
    cache_utils.is_hqq_available = lambda *a, **k: True
    cache_utils.HQQQuantizer = Quantizer
    return Quantizer


def load_snapkv(qpruningkv):
    path = qpruningkv / "pyramidkv" / "pyramidkv_utils.py"
    spec = importlib.util.spec_from_file_location("qpruningkv_utils", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class ReferenceCase:
    """One model, bits, method and group: QPruningKV's selection + transformers' HQQ layer cache."""

    def __init__(self, runner, utils, captured, bits, method, group, noise=None):
        """noise(shape) -> multipliers applied to the float32 K/V before they enter the cache."""
        self.runner = runner
        self.noise = noise if noise is not None else (lambda shape: 1)
        self.layers = []
        self.order = []
        hq, group_n = runner.hq, runner.group
        for q, k, v in captured:
            # QPruningKV's attention forwards repeat K/V to every query head before compressing
            kr = utils.repeat_kv(k.unsqueeze(0), group_n)
            vr = utils.repeat_kv(v.unsqueeze(0), group_n)
            qb = q.unsqueeze(0)
            if method == "snapkv":
                cluster = utils.SnapKVCluster(window_size=SNAPKV["window"], max_capacity_prompt=SNAPKV["budget"],
                                              kernel_size=SNAPKV["kernel"], pooling=SNAPKV["pooling"])
                t = kr.shape[2]
                # the same selection applied to a tensor holding each entry's position gives the store order
                pos = torch.arange(t, dtype=torch.float32).view(1, 1, t, 1).expand(1, hq, t, runner.d).contiguous()
                with contextlib.redirect_stdout(io.StringIO()):  # update_kv prints its budget
                    kc, vc = cluster.update_kv(kr, qb, vr, None, group_n)
                    _, order = cluster.update_kv(kr, qb, pos, None, group_n)
                self.order.append(order[0, :, :, 0].to(torch.int64).tolist())
                check_distinct(kr, qb, order, SNAPKV)
            else:
                kc, vc = kr, vr
            layer = cache_utils.HQQQuantizedLayer(nbits=bits, axis_key=AXIS_KEY, axis_value=AXIS_VALUE,
                                                  q_group_size=group, residual_length=NEW_TOKENS)
            # the reference model runs in fp16: its cache holds half-precision K/V
            layer.update(self.fp16(kc), self.fp16(vc))
            self.layers.append(layer)

    def fp16(self, x):
        return (x * self.noise(x.shape)).half().contiguous()

    @torch.no_grad()
    def decode(self, ids, first_logits, steps, forced=None):
        """Greedy steps, or the forced ids' steps."""
        r = self.runner
        n = len(ids)
        logits = first_logits
        tokens, logprobs, gaps = [], [], []
        for t in range(steps):
            lp = torch.log_softmax(logits.double(), dim=-1)
            top = torch.topk(lp, 2)
            tok = int(top.indices[0]) if forced is None else forced[t]
            tokens.append(tok)
            logprobs.append(float(lp[tok]))
            gaps.append(float(top.values[0] - top.values[1]))
            if t == steps - 1:
                break
            x = r.hf.model.embed_tokens(torch.tensor([tok]))
            for li, layer in enumerate(r.hf.model.layers):
                q, k, v = r._qkv(layer, x, [n + t])
                kr = self.fp16(k.repeat_interleave(r.group, dim=0).unsqueeze(0))
                vr = self.fp16(v.repeat_interleave(r.group, dim=0).unsqueeze(0))
                keys, values = self.layers[li].update(kr, vr)
                keys, values = keys[0].float(), values[0].float()
                p = torch.softmax(q @ keys.transpose(1, 2) / math.sqrt(r.d), dim=-1)
                x = r._finish(layer, x, p @ values)
            logits = r._logits(x)[0]
        return tokens, logprobs, gaps


def check_distinct(k, q, order, p):
    """The kept candidates' pooled scores (recomputed as SnapKVCluster does) must not tie."""
    w = p["window"]
    scores = torch.softmax(q[..., -w:, :] @ k.transpose(2, 3) / math.sqrt(k.shape[-1])
                           + torch.cat([torch.zeros(w, k.shape[2] - w),
                                        torch.full((w, w), float("-inf")).triu(1)], dim=1), dim=-1)
    sums = scores[..., : -w].sum(dim=-2)
    pooled = torch.nn.functional.avg_pool1d(sums, kernel_size=p["kernel"], padding=p["kernel"] // 2, stride=1)
    kept = order[0, :, : p["budget"] - w, 0].to(torch.int64)
    vals = pooled[0].gather(1, kept)
    assert bool((vals[:, 1:] < vals[:, :-1]).all()), "tied or unsorted SnapKV scores: store order undefined"


def build(folder, utils, seed):
    runner = Runner(folder)
    ref = json.loads((folder / "reference.json").read_text())
    ids = next(c for c in ref["cases"] if c["name"] == PROMPT_CASE)["prompt_ids"][:PROMPT_TOKENS]
    logits, captured = runner.prefill(ids)
    diff = float((logits - runner.hf_logits(ids)).abs().max())
    assert diff < 1e-4, diff
    gen = torch.Generator().manual_seed(seed)

    def noise(shape):
        return 1 + PERTURBATION * (2 * torch.rand(shape, generator=gen) - 1)

    cases = []
    for method in ["full", "snapkv"]:
        for group in GROUPS:
            for bits in BITS:
                case = ReferenceCase(runner, utils, captured, bits, method, group)
                tokens, logprobs, gaps = case.decode(ids, logits[-1], NEW_TOKENS)
                shift = 0.0
                for _ in range(PERTURBATION_DRAWS):
                    shifted = ReferenceCase(runner, utils, captured, bits, method, group, noise)
                    _, noisy, _ = shifted.decode(ids, logits[-1], NEW_TOKENS, forced=tokens)
                    shift = max(shift, max(abs(a - b) for a, b in zip(logprobs, noisy)))
                doc = {"method": method, "bits": bits, "group": group, "tokens": tokens,
                       "logprobs": [round(x, 7) for x in logprobs], "steps_gap": [round(x, 6) for x in gaps],
                       "perturbed_logprob_shift": float(f"{shift:.3e}")}
                if method == "snapkv":
                    doc["store_order"] = case.order
                cases.append(doc)
                print(f"  {folder.name} {method:6s} G={group:2d} {bits}-bit tokens {tokens[:8]}... "
                      f"min gap {min(gaps):.4f} perturbed shift {shift:.2e}", flush=True)
    return {"model": folder.name, "tool": "tests/tools/qpruning_reference.py",
            "reference": {"qpruningkv_commit": "43687a27ebc327b58baacdb310d08cd848d0478b",
                          "hqq": "0.2.2 (126a8b2171c3df1ba13aca1c697f8177d7e9aa59)",
                          "transformers_version": transformers.__version__, "torch_version": torch.__version__},
            "compute": "float32 model, fp16 cache, hqq fp16 dequantization, float32 attention",
            "prompt_case": PROMPT_CASE, "prompt_ids": ids, "new_tokens": NEW_TOKENS,
            "axis_key": AXIS_KEY, "axis_value": AXIS_VALUE, "gqa_mode": "repeat", "snapkv": SNAPKV,
            "perturbation": PERTURBATION, "cases": cases}


def hqq_roundtrip(seed):
    """hqq's codes and fp16 dequantization of one small layer cache [1, H, T, D] (keys axis 1, values
    axis 0), for a bit-exact check of the quantizer without a model forward in between. Data are
    drawn until a one-division inverse scale (qmax / range instead of torch's reciprocal(range) *
    qmax) changes at least one value somewhere (it changes the last bit of some scales, and that
    moves only a code on a rounding boundary), and float32 dequantization arithmetic changes values
    in every case, so the check tells both apart from hqq."""
    from hqq.core.quantize import Quantizer
    heads, tokens, dim = 2, 8, 16
    gen = torch.Generator().manual_seed(seed)
    while True:
        x = (torch.randn(1, heads, tokens, 2, dim, generator=gen) * 1.5).half()
        cases, division_tells, arithmetic_tells = [], False, True
        for bits in BITS:
            for group in [32, 16]:
                case = {"bits": bits, "group": group}
                for name, axis, which in [("keys", AXIS_KEY, 0), ("values", AXIS_VALUE, 1)]:
                    t = x[:, :, :, which, :].contiguous()
                    q, meta = Quantizer.quantize(t, nbits=bits, group_size=group, axis=axis, device="cpu",
                                                 compute_dtype=torch.float16)
                    meta["compute_dtype"] = torch.float16
                    Quantizer.cuda(q, meta=meta, device="cpu")
                    exact = Quantizer.dequantize(q, meta).float().flatten()
                    division_tells |= bool((emulate(t, bits, group, axis, True, False) != exact).any())
                    arithmetic_tells &= bool((emulate(t, bits, group, axis, False, True) != exact).any())
                    assert bool((emulate(t, bits, group, axis, True, True) == exact).all()), "emulation != hqq"
                    case[name] = [float(v) for v in exact]
                cases.append(case)
        if division_tells and arithmetic_tells:
            return {"heads": heads, "tokens": tokens, "dim": dim, "axis_key": AXIS_KEY, "axis_value": AXIS_VALUE,
                    "keys": [float(v) for v in x[0, :, :, 0, :].float().flatten()],
                    "values": [float(v) for v in x[0, :, :, 1, :].float().flatten()], "cases": cases}


def emulate(t, bits, group, axis, fp16_arithmetic, torch_division):
    """hqq's quantize-dequantize written out, with one of its two roundings changed (see hqq_roundtrip)."""
    w = t.float().reshape([-1, group]) if axis == 1 else t.float().reshape([group, -1])
    lo, hi = w.min(dim=axis, keepdim=True)[0], w.max(dim=axis, keepdim=True)[0]
    qmax = 2 ** bits - 1
    inverse = (1.0 / (hi - lo)) * qmax if torch_division else torch.full_like(hi, qmax) / (hi - lo)
    s = inverse.clamp(max=2e4)
    z = -lo * s
    codes = torch.round(w * s + z).clamp(0, qmax)
    scale16, zero16 = (1.0 / s).half(), z.half()
    if fp16_arithmetic:
        out = (codes.half() - zero16) * scale16
    else:
        out = (codes - zero16.float()) * scale16.float()
    return out.float().flatten()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = Path(__file__).resolve().parents[1] / "fixtures"
    ap.add_argument("--qpruningkv", type=Path, required=True, help="a QPruningKV checkout (commit 43687a2)")
    ap.add_argument("--fixtures", type=Path, default=root)
    ap.add_argument("--only", nargs="*", default=MODELS)
    args = ap.parse_args()
    torch.set_num_threads(1)
    load_hqq()
    utils = load_snapkv(args.qpruningkv)
    out_dir = args.fixtures / "qpruning"
    out_dir.mkdir(exist_ok=True)
    roundtrip = out_dir / "hqq-roundtrip.json"
    roundtrip.write_text(json.dumps(hqq_roundtrip(seed=2026), separators=(",", ":")) + "\n")
    print(f"wrote {roundtrip} ({roundtrip.stat().st_size} bytes)")
    for name in args.only:
        doc = build(args.fixtures / "models" / name, utils, seed=1000 + MODELS.index(name))
        path = out_dir / f"{name}.json"
        path.write_text(dump(doc))
        print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    sys.exit(main())
