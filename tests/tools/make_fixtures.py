#!/usr/bin/env python3
"""Writes the committed test fixtures (see README.md):

  tests/fixtures/models/<name>/     tiny random-weight Hugging Face model folders + reference.json
  tests/fixtures/tokenizers/*.json  tokenizer encode/decode/chat-template cases

Deterministic: tokenizers are trained on fixed text, every weight tensor is drawn from its own
torch.Generator seeded from the model seed and the tensor name, and the reference is computed in
float32 on one thread. Re-running rewrites byte-identical files.

usage: make_fixtures.py [--out tests/fixtures] [--only NAME ...]"""

import argparse
import hashlib
import json
import math
import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("RAYON_NUM_THREADS", "2")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import torch  # noqa: E402
import transformers  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer  # noqa: E402
from transformers.tokenization_utils_tokenizers import TokenizersBackend  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixture_text  # noqa: E402
import fixture_tokenizers  # noqa: E402

STEPS = 24
TOP = 5
LONG_PROMPT_MIN_TOKENS = 400
QK_STD = 0.15
EMBED_STD = 0.8
# The seeds in the specs were picked with --search-seeds: the first seed (counting up) whose
# reference has every greedy top-1/top-2 logprob gap at least this wide.
MIN_GAP = 0.04


def llama_spec():
    tok_json, tok_config, ids = fixture_tokenizers.build_llama3()
    config = {
        "architectures": ["LlamaForCausalLM"],
        "attention_bias": False,
        "attention_dropout": 0.0,
        "bos_token_id": ids["<|begin_of_text|>"],
        "eos_token_id": [ids["<|end_of_text|>"], ids["<|eot_id|>"]],
        "head_dim": 16,
        "hidden_act": "silu",
        "hidden_size": 64,
        "initializer_range": 0.3,
        "intermediate_size": 176,
        "max_position_embeddings": 4096,
        "mlp_bias": False,
        "model_type": "llama",
        "num_attention_heads": 4,
        "num_hidden_layers": 3,
        "num_key_value_heads": 2,
        "pretraining_tp": 1,
        "rms_norm_eps": 1e-05,
        # head_dim 16 and theta 5e5 give wavelengths 6.3, 32.4, 167, ... positions; with an original
        # context of 64 (low-frequency wavelength 64, high-frequency wavelength 16) the first pair is
        # kept, the second is smoothed and the rest are divided by the factor: all three branches.
        "rope_scaling": {"factor": 8.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                         "original_max_position_embeddings": 64, "rope_type": "llama3"},
        "rope_theta": 500000.0,
        "tie_word_embeddings": False,
        "torch_dtype": "bfloat16",
        "transformers_version": transformers.__version__,
        "use_cache": True,
        "vocab_size": 768,
    }
    generation = {"bos_token_id": config["bos_token_id"], "do_sample": True,
                  "eos_token_id": config["eos_token_id"], "temperature": 0.6, "top_p": 0.9,
                  "transformers_version": transformers.__version__}
    return dict(name="llama-gqa-bf16", seed=1001, dtype=torch.bfloat16, config=config, generation=generation,
                tokenizer_json=tok_json, tokenizer_config=tok_config, norm_noise=0.2, bias_std=0.0, qk_std=QK_STD, embed_std=EMBED_STD)


def mistral_spec():
    tok_json, tok_config, ids = fixture_tokenizers.build_mistral()
    config = {
        "architectures": ["MistralForCausalLM"],
        "attention_dropout": 0.0,
        "bos_token_id": ids["<s>"],
        "eos_token_id": ids["</s>"],
        "head_dim": 24,
        "hidden_act": "silu",
        "hidden_size": 64,
        "initializer_range": 0.3,
        "intermediate_size": 160,
        "max_position_embeddings": 32768,
        "model_type": "mistral",
        "num_attention_heads": 4,
        "num_hidden_layers": 2,
        "num_key_value_heads": 4,
        "rms_norm_eps": 1e-05,
        "rope_theta": 1000000.0,
        "sliding_window": None,
        "tie_word_embeddings": False,
        "torch_dtype": "float16",
        "transformers_version": transformers.__version__,
        "use_cache": True,
        "vocab_size": 642,
    }
    generation = {"bos_token_id": config["bos_token_id"], "eos_token_id": config["eos_token_id"],
                  "transformers_version": transformers.__version__}
    return dict(name="mistral-mha-f16", seed=2019, dtype=torch.float16, config=config, generation=generation,
                tokenizer_json=tok_json, tokenizer_config=tok_config, norm_noise=0.2, bias_std=0.0, qk_std=QK_STD, embed_std=EMBED_STD)


def qwen2_spec():
    tok_json, tok_config, ids = fixture_tokenizers.build_qwen2()
    config = {
        "architectures": ["Qwen2ForCausalLM"],
        "attention_dropout": 0.0,
        "bos_token_id": ids["<|endoftext|>"],
        "eos_token_id": ids["<|im_end|>"],
        "hidden_act": "silu",
        "hidden_size": 64,
        "initializer_range": 0.3,
        "intermediate_size": 144,
        "max_position_embeddings": 32768,
        "max_window_layers": 3,
        "model_type": "qwen2",
        "num_attention_heads": 4,
        "num_hidden_layers": 3,
        "num_key_value_heads": 2,
        "rms_norm_eps": 1e-06,
        "rope_theta": 1000000.0,
        # Like the real Qwen2 configs: a sliding_window value that must be ignored because
        # use_sliding_window is false (small here, so the long case catches an engine that applies it).
        "sliding_window": 32,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
        "transformers_version": transformers.__version__,
        "use_cache": True,
        "use_sliding_window": False,
        # One id more than the tokenizer has, as real Qwen2 checkpoints pad their embedding tables.
        "vocab_size": 704,
    }
    generation = {"bos_token_id": ids["<|endoftext|>"], "do_sample": True,
                  "eos_token_id": [ids["<|im_end|>"], ids["<|endoftext|>"]], "pad_token_id": ids["<|endoftext|>"],
                  "repetition_penalty": 1.1, "temperature": 0.7, "top_k": 20, "top_p": 0.8,
                  "transformers_version": transformers.__version__}
    return dict(name="qwen2-bias-f32", seed=3031, dtype=torch.float32, config=config, generation=generation,
                tokenizer_json=tok_json, tokenizer_config=tok_config, norm_noise=0.2, bias_std=0.2, qk_std=QK_STD, embed_std=EMBED_STD)


SPECS = [llama_spec, mistral_spec, qwen2_spec]


def _is_flat(value):
    scalar = (int, float, str, bool, type(None))
    return isinstance(value, list) and all(
        isinstance(v, scalar) or (isinstance(v, list) and all(isinstance(w, scalar) for w in v)) for v in value)


def _format_json(value, indent=0):
    """json.dumps(indent=2), except that lists of numbers (ids, [id, logprob] pairs) stay on one line."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, dict) and value:
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {_format_json(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and value and not _is_flat(value):
        items = [inner + _format_json(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _write_json(path, obj):
    text = _format_json(obj) + "\n"
    assert json.loads(text) == obj
    path.write_text(text, encoding="utf-8")


def _generator(seed, name):
    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return torch.Generator().manual_seed(int.from_bytes(digest[:8], "little"))


def _weight_std(spec, name):
    """initializer_range for most matrices. Queries and keys are smaller so attention stays a soft
    mixture (scores with a std of about 1.5) rather than a one-hot pick, where a wrong softmax scale
    would go unnoticed; the output embedding is larger so greedy top-1/top-2 gaps are wide."""
    if name.endswith(("q_proj.weight", "k_proj.weight")):
        return spec["qk_std"]
    if name.endswith(("lm_head.weight", "embed_tokens.weight")):
        return spec["embed_std"]
    return spec["config"]["initializer_range"]


def _random_state_dict(spec):
    """Every tensor of the architecture, drawn independently of transformers' init order. Norm
    weights and biases are random too (transformers initialises them to ones and zeros), so an
    engine that skips them or applies them wrongly fails the reference."""
    config = AutoConfig.for_model(**{k: v for k, v in spec["config"].items()
                                     if k not in ("architectures", "transformers_version", "torch_dtype")})
    with torch.device("meta"):
        shapes = {name: tuple(t.shape) for name, t in AutoModelForCausalLM.from_config(config).state_dict().items()}
    tensors = {}
    for name in sorted(shapes):
        if spec["config"]["tie_word_embeddings"] and name == "lm_head.weight":
            continue
        g = _generator(spec["seed"], name)
        shape = shapes[name]
        if name.endswith("norm.weight"):
            t = 1.0 + spec["norm_noise"] * torch.randn(shape, generator=g)
        elif name.endswith(".bias"):
            t = spec["bias_std"] * torch.randn(shape, generator=g)
        else:
            t = _weight_std(spec, name) * torch.randn(shape, generator=g)
        tensors[name] = t.to(spec["dtype"]).contiguous()
    return tensors


def write_model_folder(spec, folder):
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    _write_json(folder / "config.json", spec["config"])
    _write_json(folder / "generation_config.json", spec["generation"])
    (folder / "tokenizer.json").write_text(spec["tokenizer_json"], encoding="utf-8")
    _write_json(folder / "tokenizer_config.json", spec["tokenizer_config"])
    save_file(_random_state_dict(spec), str(folder / "model.safetensors"), metadata={"format": "pt"})


def load_tokenizer(folder):
    """The fast tokenizer exactly as tokenizer.json describes it (TokenizersBackend, which is what
    PreTrainedTokenizerFast is in transformers 5), never a class that rebuilds the pipeline."""
    return TokenizersBackend.from_pretrained(str(folder))


def check_auto_tokenizer(folder, tok, texts):
    """Reports (does not fail) where AutoTokenizer's class disagrees with tokenizer.json."""
    auto = AutoTokenizer.from_pretrained(str(folder))
    bad = [t for t in texts if auto(t)["input_ids"] != tok(t)["input_ids"]]
    return type(auto).__name__, len(bad)


def load_reference_model(folder):
    model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch.float32, attn_implementation="eager")
    model.eval()
    stored = load_file(str(folder / "model.safetensors"))
    params = dict(model.named_parameters())
    for name, t in stored.items():
        assert torch.equal(params[name].detach(), t.to(torch.float32)), f"{name} did not load as an exact upcast"
    return model


def check_rope(model, config):
    """The llama3 inverse frequencies, computed here from the formula, must be what the model uses."""
    rs = config.get("rope_scaling")
    if not rs:
        return
    d = config["head_dim"]
    inv = 1.0 / (config["rope_theta"] ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    low_wl = rs["original_max_position_embeddings"] / rs["low_freq_factor"]
    high_wl = rs["original_max_position_embeddings"] / rs["high_freq_factor"]
    expected, branches = [], set()
    for f in inv.tolist():
        wl = 2 * math.pi / f
        if wl < high_wl:
            expected.append(f)
            branches.add("kept")
        elif wl > low_wl:
            expected.append(f / rs["factor"])
            branches.add("scaled")
        else:
            s = (rs["original_max_position_embeddings"] / wl - rs["low_freq_factor"]) / (
                rs["high_freq_factor"] - rs["low_freq_factor"])
            expected.append((1 - s) * f / rs["factor"] + s * f)
            branches.add("smoothed")
    actual = model.model.rotary_emb.inv_freq
    assert torch.allclose(actual, torch.tensor(expected), rtol=1e-6, atol=0), (actual, expected)
    assert branches == {"kept", "scaled", "smoothed"}, branches


@torch.no_grad()
def greedy_steps(model, prompt_ids, count=STEPS):
    ids = list(prompt_ids)
    steps = []
    for _ in range(count):
        logits = model(torch.tensor([ids]), use_cache=False).logits[0, -1].float()
        logprobs = torch.log_softmax(logits, dim=-1)
        top = torch.topk(logprobs, TOP)
        chosen = int(torch.argmax(logits))
        assert chosen == int(top.indices[0])
        vals = top.values.tolist()
        steps.append({
            "id": chosen,
            "logprob": round(float(logprobs[chosen]), 6),
            "top": [[int(i), round(float(v), 6)] for i, v in zip(top.indices.tolist(), vals)],
            "gap": round(vals[0] - vals[1], 6),
        })
        ids.append(chosen)
    return steps


def long_prompt(tok):
    lines = fixture_text.long_prompt().splitlines(keepends=True)
    text = ""
    for line in lines:
        text += line
        if len(tok(text)["input_ids"]) >= LONG_PROMPT_MIN_TOKENS:
            return text
    raise AssertionError("long prompt too short")


def check_sliding_window_ignored(folder, model, prompt_ids):
    """Qwen2: use_sliding_window=false must mean full attention even though sliding_window is set."""
    config = json.loads((folder / "config.json").read_text())
    if config.get("sliding_window") is None or config.get("use_sliding_window", True):
        return
    assert len(prompt_ids) > 2 * config["sliding_window"]
    full = AutoConfig.from_pretrained(str(folder))
    full.sliding_window = None
    other = AutoModelForCausalLM.from_pretrained(str(folder), config=full, dtype=torch.float32,
                                                 attn_implementation="eager")
    with torch.no_grad():
        a = model(torch.tensor([prompt_ids]), use_cache=False).logits
        b = other(torch.tensor([prompt_ids]), use_cache=False).logits
    assert torch.equal(a, b), "transformers applied the sliding window"


def make_reference(spec, folder):
    tok = load_tokenizer(folder)
    model = load_reference_model(folder)
    check_rope(model, spec["config"])
    cases = []
    plain = [("short", fixture_text.MODEL_PROMPTS["short"]), ("long", long_prompt(tok)),
             ("code", fixture_text.MODEL_PROMPTS["code"]), ("unicode", fixture_text.MODEL_PROMPTS["unicode"])]
    for name, prompt in plain:
        ids = tok(prompt, add_special_tokens=True)["input_ids"]
        cases.append({"name": name, "prompt": prompt, "chat": False, "prompt_ids": ids})
    rendered = tok.apply_chat_template(fixture_text.CHAT_MESSAGES, tokenize=False, add_generation_prompt=True)
    cases.insert(1, {"name": "chat", "prompt": rendered, "chat": True, "messages": fixture_text.CHAT_MESSAGES,
                     "add_generation_prompt": True,
                     "prompt_ids": tok(rendered, add_special_tokens=False)["input_ids"]})
    long_ids = next(c["prompt_ids"] for c in cases if c["name"] == "long")
    check_sliding_window_ignored(folder, model, long_ids)
    for case in cases:
        case["steps"] = greedy_steps(model, case["prompt_ids"])
    reference = {
        "model": spec["name"],
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__,
        "weights_dtype": str(spec["dtype"]).replace("torch.", ""),
        "compute_dtype": "float32",
        "attn_implementation": "eager",
        "cases": cases,
    }
    _write_json(folder / "reference.json", reference)
    gaps = {c["name"]: min(s["gap"] for s in c["steps"]) for c in cases}
    lengths = {c["name"]: len(c["prompt_ids"]) for c in cases}
    return gaps, lengths


def tokenizer_fixture(folder, tok_json_path=None):
    tok = load_tokenizer(folder)
    raw = Tokenizer.from_file(str(tok_json_path or folder / "tokenizer.json"))
    texts = fixture_text.tokenizer_test_strings()
    cases = []
    for text in texts:
        ids = tok(text, add_special_tokens=False)["input_ids"]
        with_special = tok(text, add_special_tokens=True)["input_ids"]
        assert ids == raw.encode(text, add_special_tokens=False).ids, repr(text)
        assert with_special == raw.encode(text, add_special_tokens=True).ids, repr(text)
        decoded = tok.decode(ids, skip_special_tokens=False)
        assert decoded == raw.decode(ids, skip_special_tokens=False), repr(text)
        cases.append({"text": text, "ids": ids, "ids_with_special": with_special, "decoded": decoded})
    chats = []
    for messages, flag in fixture_text.chat_renderings():
        rendered = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=flag)
        chats.append({"messages": messages, "add_generation_prompt": flag, "rendered": rendered,
                      "ids": tok(rendered, add_special_tokens=False)["input_ids"]})
    auto_class, auto_mismatches = check_auto_tokenizer(folder, tok, texts)
    fixture = {
        "tokenizer": folder.name,
        "transformers_version": transformers.__version__,
        "tokenizers_version": __import__("tokenizers").__version__,
        "cases": cases,
        "chat": chats,
    }
    return fixture, auto_class, auto_mismatches


def write_metaspace_variant(out):
    """A tokenizer-only fixture: the Mistral vocabulary with the Metaspace pipeline that
    transformers 5's LlamaTokenizer and newer Llama-2/Mistral repos use."""
    tok_json, tok_config, _ = fixture_tokenizers.build_mistral(metaspace=True)
    folder = out / "tokenizers" / "mistral-metaspace"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "tokenizer.json").write_text(tok_json, encoding="utf-8")
    _write_json(folder / "tokenizer_config.json", tok_config)
    fixture, auto_class, auto_bad = tokenizer_fixture(folder)
    _write_json(out / "tokenizers" / "mistral-metaspace.json", fixture)
    return fixture, auto_class, auto_bad


def search_seeds(tries, only):
    import tempfile
    for make_spec in SPECS:
        spec = make_spec()
        if only and spec["name"] not in only:
            continue
        start = spec["seed"]
        with tempfile.TemporaryDirectory() as tmp:
            for seed in range(start, start + tries):
                spec["seed"] = seed
                folder = Path(tmp) / spec["name"]
                write_model_folder(spec, folder)
                gaps, _ = make_reference(spec, folder)
                print(f"{spec['name']} seed {seed} min gap {min(gaps.values()):.6f}", flush=True)
                if min(gaps.values()) >= MIN_GAP:
                    break


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "fixtures"))
    parser.add_argument("--only", nargs="*", help="model names to rebuild (default: all)")
    parser.add_argument("--search-seeds", type=int, metavar="N",
                        help=f"try N seeds per model from the spec's seed up, print the first with gap >= {MIN_GAP}")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    out = Path(args.out)
    (out / "tokenizers").mkdir(parents=True, exist_ok=True)
    if args.search_seeds:
        search_seeds(args.search_seeds, args.only)
        return
    summary = {}
    for make_spec in SPECS:
        spec = make_spec()
        if args.only and spec["name"] not in args.only:
            continue
        folder = out / "models" / spec["name"]
        write_model_folder(spec, folder)
        gaps, lengths = make_reference(spec, folder)
        fixture, auto_class, auto_bad = tokenizer_fixture(folder)
        _write_json(out / "tokenizers" / f"{spec['name']}.json", fixture)
        summary[spec["name"]] = {
            "min_gap": min(gaps.values()), "min_gap_per_case": gaps, "prompt_tokens": lengths,
            "tokenizer_cases": len(fixture["cases"]), "chat_cases": len(fixture["chat"]),
            "auto_tokenizer_class": auto_class, "auto_tokenizer_mismatches": auto_bad,
            "folder_bytes": sum(p.stat().st_size for p in folder.iterdir()),
        }
    if not args.only or "mistral-metaspace" in args.only:
        fixture, auto_class, auto_bad = write_metaspace_variant(out)
        summary["mistral-metaspace"] = {"tokenizer_cases": len(fixture["cases"]), "chat_cases": len(fixture["chat"]),
                                        "auto_tokenizer_class": auto_class, "auto_tokenizer_mismatches": auto_bad}
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
