#!/usr/bin/env python3
"""The GPU kit's Python steps (run.sh calls them on the GPU machine; standard library only).

    kit_report.py prompt FILE                     writes the equality check's prompt (400 words)
    kit_report.py equal CPU_LOG DEVICE_LOG        exit 0 when both generate runs give the same ids and KV bytes
    kit_report.py table OUT_DIR MODEL BANDWIDTH_GBS BUDGET DEVICE   the bench table (markdown) from OUT_DIR/bench-*.log
"""

import glob
import json
import os
import sys

WORDS = "the quick brown fox jumps over a lazy dog while seven wizards quietly hex bold jumping zebras".split()


def last_json(path):
    """The JSON object a kvasir --json run printed: the last one starting a line (nested ones are indented)."""
    text = open(path, encoding="utf-8", errors="replace").read()
    start = text.rfind("\n{") + 1
    if not text.startswith("{", start):
        return None
    return json.JSONDecoder().raw_decode(text[start:])[0]


def prompt(path):
    with open(path, "w", encoding="utf-8") as f:
        f.write(" ".join(WORDS[(i * 7) % len(WORDS)] for i in range(400)))


def equal(cpu_log, device_log):
    cpu, dev = last_json(cpu_log), last_json(device_log)
    if cpu is None or dev is None:
        print(f"no JSON result in {cpu_log if cpu is None else device_log}")
        return 1
    diff = max((abs(a["logprob"] - b["logprob"]) for a, b in zip(cpu["steps"], dev["steps"])), default=0.0)
    print(f"cpu ids    {cpu['output_ids']}\ndevice ids {dev['output_ids']}")
    print(f"max |log-prob difference| {diff:.3g}; KV bytes cpu {cpu['kv']['bytes']} device {dev['kv']['bytes']}")
    same = cpu["output_ids"] == dev["output_ids"] and cpu["kv"]["bytes"] == dev["kv"]["bytes"]
    print("equal" if same else "DIFFERENT")
    return 0 if same else 1


def table(out, model, bandwidth, budget, device):
    """Decode GB/s = decode tok/s x (weight bytes + KV bytes): a decode step reads every weight (kept on the
    device at its file width) and the whole cache once."""
    bandwidth = float(bandwidth)
    weights = sum(os.path.getsize(f) for f in glob.glob(os.path.join(model, "*.safetensors")))
    print(f"kvasir bench --backend tornado; model {os.path.basename(model)} ({weights / 1e9:.3f} GB of weights); {device}")
    print(f"memory bandwidth {bandwidth:.0f} GB/s" if bandwidth else "memory bandwidth unknown (run.sh --bandwidth GB/s)")
    print()
    print("| context | method | KV | prefill tok/s | decode tok/s | first call: prefill / decode tok/s | decode GB/s | of bandwidth |")
    print("|---|---|---|---|---|---|---|---|")
    logs = []
    for path in glob.glob(os.path.join(out, "bench-*.log")):
        _, ctx, name = os.path.basename(path)[:-len(".log")].split("-")
        logs.append((int(ctx), name, path))
    for ctx, name, path in sorted(logs):
        o = last_json(path)
        method = name + (f" {budget}" if name == "snapkv" else "")
        if o is None:
            print(f"| {ctx} | {method} | failed: see {os.path.basename(path)} | | | | | |")
            continue
        gbs = o["decode_tok_s_median"] * (weights + o["kv_bytes"]) / 1e9
        share = f"{100 * gbs / bandwidth:.1f}%" if bandwidth else "-"
        print(f"| {ctx} | {method} | {o['kv_storage']} | {o['prefill_tok_s_median']:.1f} | {o['decode_tok_s_median']:.2f} | "
              f"{o['first_call_prefill_tok_s']:.1f} / {o['first_call_decode_tok_s']:.2f} | {gbs:.2f} | {share} |")
    return 0


if __name__ == "__main__":
    commands = {"prompt": prompt, "equal": equal, "table": table}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(commands[sys.argv[1]](*sys.argv[2:]) or 0)
