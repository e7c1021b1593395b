#!/usr/bin/env python3
"""Writes tests/fixtures/demo-model-reference.json: transformers' float32 greedy continuations of the
bundled demo model (models/kvasir-demo-retrieval) on retrieval prompts in the demo's format, up to
2K tokens with distractors, in the reference.json format ModelFidelityTest reads. Re-run it whenever
the demo model is retrained.

usage: demo_model_reference.py [--model models/kvasir-demo-retrieval] [--out tests/fixtures/demo-model-reference.json]"""

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_fixtures as mf  # noqa: E402  (sets the thread counts before torch loads)
import torch  # noqa: E402
import transformers  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402
from train_demo_model import Samples  # noqa: E402

# (name, first-turn tokens, facts, depth %)
CASES = [("retrieval-512", 512, 4, 30), ("retrieval-2k", 2048, 4, 50)]
STEPS = 6  # the three value tokens (digit pairs), ".", and what follows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=str(ROOT / "models" / "kvasir-demo-retrieval"))
    p.add_argument("--out", default=str(ROOT / "tests" / "fixtures" / "demo-model-reference.json"))
    args = p.parse_args()
    folder = Path(args.model)
    model = mf.load_reference_model(folder)
    samples = Samples(Tokenizer.from_file(str(folder / "tokenizer.json")))
    rng = random.Random(20261123)
    cases = []
    for name, length, facts, depth in CASES:
        ids, spans, _, _, value, _ = samples.make(rng, length, facts, depth)
        prompt = ids[:spans[0][0]]
        text = samples.tok.decode(prompt, skip_special_tokens=False)
        assert samples.encode(text) == prompt, "the prompt text does not re-encode to its ids"
        steps = mf.greedy_steps(model, prompt, STEPS)
        answer = samples.tok.decode([s["id"] for s in steps[:samples.value_tokens(value)]])
        print(f"{name}: {len(prompt)} tokens, asked value {value}, greedy answer {answer!r}", flush=True)
        cases.append({"name": name, "prompt": text, "chat": False, "prompt_ids": prompt, "value": value,
                      "steps": steps})
    mf._write_json(Path(args.out), {
        "model": folder.name, "transformers_version": transformers.__version__, "torch_version": torch.__version__,
        "weights_dtype": "float32", "compute_dtype": "float32", "attn_implementation": "eager", "cases": cases})
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
