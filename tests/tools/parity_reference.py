#!/usr/bin/env python3
"""Records what the reference benchmark scripts do on text written here, into tests/fixtures/parity/ (issue #20;
read by the tests module's *ParityTest classes). One file per item:

  cleanup.json   transformers' decode with clean_up_tokenization_spaces (as 4.x applied it) in KVCache-Factory's
                 middle truncation (run_longbench.py), per fixture tokenizer, flag on and off
  limits.json    model2maxlen of QPruningKV, KVCache-Factory and WindowKV's limit, with file:line and commit, and
                 the limit each repository's lookup loop gives for a list of model paths
  needle.json    KVCache-Factory's haystack read, trim and needle insertion (LLMNeedleHaystackTester methods run
                 as they are) on haystack/*.txt, per tokenizer and grid (10, 7 and 13 depths)
  stops.json     transformers generate() of the fixture models with KVCache-Factory's eos_token_id list (stop
                 tokens + the newline token) and the needle's decode; the reference's newline token id
  rouge.json     google-research rouge_scorer rouge1 with the Porter stemmer, x10, as the needle scores answers
  ruler.json     NVIDIA/RULER's templates (prepare.py + template.py + synthetic/constants.py, niah.py's rewrite)
  buckets.json   LongBench eval.py scorer_e (KVCache-Factory's copy) with an empty length bucket, and the
                 result.json text its json.dump writes (NaN)

The reference code is not committed: fetch it into REFS (default /tmp/kvasir-refs) as the README says:
  REFS/kvcache-factory/{run_needle_in_haystack,run_longbench,run_ruler,eval,metrics}.py, pyramidkv/eval_utils.py
      (c97f9d7)
  REFS/qpruningkv/{run_longbench,run_ruler}.py (43687a2)   REFS/windowkv/run_demo.py (7513467)
  REFS/rouge/{rouge_scorer,tokenize,scoring}.py (google-research rouge/)
  REFS/ruler/scripts/synthetic.yaml, REFS/ruler/scripts/data (c3f5e3b)

Run: /root/kvasir-venv/bin/python tests/tools/parity_reference.py [REFS]
"""
import ast
import contextlib
import glob
import io
import hashlib
import json
import os
import sys
import types
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModelForCausalLM
from transformers.tokenization_utils_tokenizers import TokenizersBackend

sys.path.append("/usr/lib/python3/dist-packages")  # Debian's python3-nltk (rouge_score's Porter stemmer), six

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
OUT = FIXTURES / "parity"
REFS = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KVASIR_REFS", "/tmp/kvasir-refs"))
MODELS = ["llama-gqa-bf16", "mistral-mha-f16", "qwen2-bias-f32"]
# --model_provider as KVCache-Factory's README runs each family; qwen2 is not listed (falls to the last branch)
PROVIDER = {"llama-gqa-bf16": "LLaMA3", "mistral-mha-f16": "Mistral", "qwen2-bias-f32": "Qwen2"}
# the real checkpoints' tokenizer_config flag: Llama-3 true, Mistral-7B-Instruct-v0.2 and Qwen2 false
REAL_CLEAN_UP = {"llama-gqa-bf16": True, "mistral-mha-f16": False, "qwen2-bias-f32": False}
COMMITS = {"kvcache-factory": "c97f9d706d63d1b56e980f8b81b2a924c21162b3",
           "qpruningkv": "43687a27ebc327b58baacdb310d08cd848d0478b",
           "windowkv": "7513467999fe8fb9d895d94f2ba2f5d1439a0362",
           "ruler": "c3f5e3b4f87f97e048793bb510a3a6b19a46bf3a"}

# Haystack written for these fixtures: sentence ends as "." , ".\n", "?" and "!"; spaces before punctuation and
# split contractions (what the clean-up rewrites); one file with Windows line endings and one lone "\r".
HAYSTACK = {
    "a_lighthouse.txt": (
        "The old lighthouse stood on the rocks for a hundred years. Its keeper did n't sleep much , and he 's "
        "proud of it .\nEvery night he climbed the stairs with a lamp. The ships passed by ; some waved , some "
        "did not !\nWhy would a keeper stay so long ? Because the sea is a good teacher . He wrote notes in a "
        "small book: the wind, the rain, the birds.\n\nIn winter the waves were tall. In summer the children "
        "came to see the light , and they 're always asking questions . I 'm sure they 've learned a lot .\n"),
    "b_garden.txt": (
        "A garden needs patience.\r\nThe seeds wait in the dark soil , and the gardener waits with them .\r\n"
        "Water in the morning, weed in the evening.\r\nWhat grows best? Beans, peas and tall sunflowers !\r\n"
        "The bees do n't mind the heat . They 're busy all day .\r\nAt night the garden is quiet.\rThe moon "
        "looks down on the rows of green.\r\n"),
    "c_river.txt": (
        "The river runs through the valley: slow in August, fast in April.\nFishermen sit on the bank . "
        "They do n't talk much .\nA boat goes by. Then another. Then none for an hour.\nWhere does the water "
        "go ? To the sea , of course , and back again as rain .\nThe mill by the river has n't turned in years "
        ", but it 's still standing .\n"),
}
NEEDLE = "\nThe best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.\n"


def load_tokenizer(model, clean_up):
    # TokenizersBackend reads tokenizer.json as is (tests/tools/README.md); the override makes transformers 5
    # apply the clean-up to BPE tokenizers as transformers 4.x did whenever the flag was set
    return TokenizersBackend.from_pretrained(
        str(FIXTURES / "models" / model), clean_up_tokenization_spaces=clean_up,
        clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output=True)


def source_line(repo, file, needle):
    """1-based line of the first line of `file` containing needle (asserting it is there)."""
    for i, line in enumerate((REFS / repo / file).read_text().splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{repo}/{file} has no line with {needle!r}: fetch commit {COMMITS[repo]}")


def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def haystack_text():
    return "".join(HAYSTACK[k] for k in sorted(HAYSTACK))


def longbench_truncation_code():
    """KVCache-Factory run_longbench.py's middle truncation, its own lines, compiled to run here."""
    src = (REFS / "kvcache-factory" / "run_longbench.py").read_text()
    want = ["if len(batch_input_ids[0]) > model_max_len:", "half = int(model_max_len/2)",
            "prompt = tokenizer.decode(batch_input_ids[0][:half], skip_special_tokens=True)"
            "+tokenizer.decode(batch_input_ids[0][-half:], skip_special_tokens=True)"]
    lines = [line.strip() for line in src.splitlines()]
    for w in want:
        assert w in lines, f"run_longbench.py no longer has: {w}"
    body = f"{want[0]}\n    {want[1]}\n    {want[2]}\n"
    return compile(body, "run_longbench.py", "exec"), source_line("kvcache-factory", "run_longbench.py", want[2][:40])


def cleanup_fixture():
    code, line = longbench_truncation_code()
    prompts = [HAYSTACK[k] for k in sorted(HAYSTACK)] + [
        "Answer the question based on the given passages.\n\n" + haystack_text() + "\n\nQuestion: Who 's there ?\nAnswer:"]
    cases = []
    differ = 0
    for model in MODELS:
        for clean_up in (True, False):
            tok = load_tokenizer(model, clean_up)
            for prompt in prompts:
                for limit in (16, 41, 64, 101, 128, 255):
                    ns = {"tokenizer": tok, "model_max_len": limit, "prompt": prompt,
                          "batch_input_ids": torch.tensor([tok(prompt, add_special_tokens=True).input_ids])}
                    exec(code, ns)
                    plain = tok.decode(ns["batch_input_ids"][0][:limit // 2], skip_special_tokens=True,
                                       clean_up_tokenization_spaces=False) + tok.decode(
                        ns["batch_input_ids"][0][-(limit // 2):], skip_special_tokens=True, clean_up_tokenization_spaces=False)
                    truncated = ns["prompt"] != prompt
                    differ += truncated and clean_up and plain != ns["prompt"]
                    cases.append({"tokenizer": model, "clean_up_tokenization_spaces": clean_up, "limit": limit,
                                  "prompt": prompt, "truncated": ns["prompt"]})
    return {"source": f"KVCache-Factory {COMMITS['kvcache-factory'][:7]} run_longbench.py:{line}",
            "cases_where_clean_up_changes_the_text": differ, "cases": cases}


def limits_fixture():
    repos = [("qpruningkv", "run_longbench.py"), ("qpruningkv", "run_ruler.py"),
             ("kvcache-factory", "run_longbench.py"), ("kvcache-factory", "run_ruler.py")]
    paths = ["/models/Meta-Llama-3-8B-Instruct", "/m/llama-2-7b-chat-hf", "/m/Llama2-13b", "/m/Mistral-7B-Instruct-v0.2",
             "/llama3/mistral-7b", "/m/Llama-3.1-8B-Instruct", "/m/qwen2-7b", "/m/LLAMA3-70B"]
    out = []
    for repo, file in repos:
        tree = ast.parse((REFS / repo / file).read_text())
        table = None
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "model2maxlen" for t in node.targets):
                table, lineno = ast.literal_eval(node.value), node.lineno
        # the repositories' own lookup: lowercased path, every key that is a substring, last one wins
        loop = ("model_path = args.model_path.lower()", "for key in model2maxlen:", "if key in model_path:",
                "model_max_len = model2maxlen[key]")
        src = [line.strip() for line in (REFS / repo / file).read_text().splitlines()]
        assert all(s in src for s in loop), f"{repo}/{file}: lookup changed"
        looked_up = {}
        for p in paths:
            ns = {"args": types.SimpleNamespace(model_path=p), "model2maxlen": table, "model_max_len": None}
            exec(f"{loop[0]}\n{loop[1]}\n    {loop[2]}\n        {loop[3]}\n", ns)
            looked_up[p] = ns["model_max_len"]
        out.append({"repo": repo, "commit": COMMITS[repo], "file": file, "line": lineno, "model2maxlen": table,
                    "limit_by_model_path": looked_up})
    demo_line = source_line("windowkv", "run_demo.py", "if len(model_input_ids) > 7950")
    return {"repositories": out, "windowkv": {"commit": COMMITS["windowkv"], "file": "run_demo.py", "line": demo_line,
            "limit": 7950, "note": "demo only; cuts token ids, no decode"}}


def needle_tester_class():
    """LLMNeedleHaystackTester with only the methods that read, trim and insert, exactly as in the file."""
    tree = ast.parse((REFS / "kvcache-factory" / "run_needle_in_haystack.py").read_text())
    keep = {"read_context_files", "encode_and_trim", "insert_needle", "encode_text_to_tokens", "generate_context",
            "get_context_length_in_tokens", "get_tokens_from_context", "decode_tokens"}
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "LLMNeedleHaystackTester")
    cls.body = [f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name in keep]
    assert {f.name for f in cls.body} == keep
    ns = {"glob": glob, "np": np}
    exec(compile(ast.fix_missing_locations(ast.Module(body=[cls], type_ignores=[])), "run_needle_in_haystack.py",
                 "exec"), ns)
    return ns["LLMNeedleHaystackTester"]


def rule_sensitivity(tok, tester, haystack_dir, cells, depths):
    """How many of the cells kvasir's earlier rules would have built differently, one rule at a time (so a test on
    this fixture fails if a rule comes back): any token decoding to "." as a period (item 3), len * depth // 100 in
    integers (item 4), files read keeping "\r\n" (item 6). Written here, not reference code; with no old rule it
    must reproduce every reference cell."""
    def text_of(raw):
        parts = [Path(f).read_bytes().decode("utf-8") for f in sorted(glob.glob(f"{haystack_dir}/*.txt"))]
        one = "".join(parts) if raw else "".join(p.replace("\r\n", "\n").replace("\r", "\n") for p in parts)
        text = one
        while len(tok.encode(text, add_special_tokens=False)) < max(tester.context_lengths):
            text += one
        return text

    periods = {"LLaMA3": [13], "Mistral": [842, 28723]}.get(tester.model_provider) or tok.encode(".", add_special_tokens=False)

    def context(text, length, depth, any_dot, integer):
        ids = tok.encode(text, add_special_tokens=False)
        cut = tok.decode(ids[:length], skip_special_tokens=True) if len(ids) > length else text
        c, n = tok.encode(cut, add_special_tokens=False), tok.encode(NEEDLE, add_special_tokens=False)
        target = length - 200
        if len(c) + len(n) > target:
            c = c[:target - len(n)]
        if depth == 100:
            return tok.decode(c + n, skip_special_tokens=True)
        p = len(c) * depth // 100 if integer else int(len(c) * (depth / 100))
        while p > 0 and not (tok.decode([c[p - 1]]).strip() == "." if any_dot else c[p - 1] in periods):
            p -= 1
        return tok.decode(c[:p] + n + c[p:], skip_special_tokens=True)

    texts = {False: text_of(False), True: text_of(True)}
    variants = {"none": (False, False, False), "period_any_dot": (True, False, False),
                "integer_insertion": (False, True, False), "crlf_kept": (False, False, True)}
    changed = {}
    for name, (any_dot, integer, raw) in variants.items():
        changed[name] = sum(sha(context(texts[raw], c["length"], c["depth"], any_dot, integer)) != c["sha256"]
                            for c in cells)
    assert changed.pop("none") == 0, "the sensitivity check does not reproduce the reference"
    return changed


def insertion_run(model, tok, tester_class, haystack_dir, most=24):
    """Cells where int(len * (depth / 100)) in floating point and len * depth // 100 in integers put the needle
    after different periods (item 4): rare on a grid, so searched for over lengths 260..1499 and depths 1..99."""
    periods = {"LLaMA3": [13], "Mistral": [842, 28723]}.get(PROVIDER[model]) or tok.encode(".", add_special_tokens=False)
    t = object.__new__(tester_class)
    t.enc, t.model_provider, t.needle = tok, PROVIDER[model], NEEDLE
    t.haystack_dir, t.final_context_length_buffer, t.context_lengths = str(haystack_dir), 200, np.array([1500])
    ids = tok.encode(t.read_context_files(), add_special_tokens=False)
    n = len(tok.encode(NEEDLE, add_special_tokens=False))

    def back(c, p):
        while p > 0 and c[p - 1] not in periods:
            p -= 1
        return p

    found = []
    for length in range(260, 1500):
        c = tok.encode(tok.decode(ids[:length], skip_special_tokens=True), add_special_tokens=False)
        c = c[:length - 200 - n] if len(c) + n > length - 200 else c
        for depth in range(1, 100):
            f, i = int(len(c) * (depth / 100)), len(c) * depth // 100
            if f != i and back(c, f) != back(c, i):
                found.append((length, depth))
        if len(found) >= most:
            break
    if not found:
        return {"cells": []}
    t.context_lengths = np.array(sorted({length for length, _ in found}))
    cells = []
    for length, depth in found[:most]:
        with contextlib.redirect_stdout(io.StringIO()):
            context = t.generate_context(np.int64(length), np.int64(depth))
        cells.append({"length": length, "depth": depth, "sha256": sha(context)})
    return {"tokenizer": model, "model_provider": PROVIDER[model], "clean_up_tokenization_spaces": REAL_CLEAN_UP[model],
            "max": int(max(t.context_lengths)), "cells": cells}


def needle_fixture():
    haystack_dir = OUT / "haystack"
    haystack_dir.mkdir(parents=True, exist_ok=True)
    for name, text in HAYSTACK.items():
        (haystack_dir / name).write_bytes(text.encode("utf-8"))  # bytes: keep the \r\n
    tester_class = needle_tester_class()
    grids = [(300, 1500, 100, 10), (300, 1500, 100, 7), (250, 1450, 150, 13)]
    runs = []
    for model in MODELS:
        tok = load_tokenizer(model, REAL_CLEAN_UP[model])
        for s, e, step, intervals in grids:
            t = object.__new__(tester_class)
            t.enc, t.model_provider, t.needle = tok, PROVIDER[model], NEEDLE
            t.haystack_dir, t.final_context_length_buffer = str(haystack_dir), 200
            t.context_lengths = np.arange(s, e + 1, step=step)
            depths = np.round(np.linspace(0, 100, num=intervals, endpoint=True)).astype(int)
            cells = []
            for length in t.context_lengths:
                for depth in depths:
                    printed = io.StringIO()
                    with contextlib.redirect_stdout(printed):
                        context = t.generate_context(length, depth)
                    at = printed.getvalue().split("insertion at ")
                    cells.append({"length": int(length), "depth": int(depth), "sha256": sha(context),
                                  "insertion_point": int(at[1]) if len(at) > 1 else None,
                                  "tokens": len(tok.encode(context, add_special_tokens=False))})
            sensitivity = rule_sensitivity(tok, t, haystack_dir, cells, depths)
            runs.append({"tokenizer": model, "model_provider": PROVIDER[model], "cells_changed_by_old_rule": sensitivity,
                         "clean_up_tokenization_spaces": REAL_CLEAN_UP[model], "min": s, "max": e, "step": step,
                         "intervals": intervals, "depths": [int(d) for d in depths], "cells": cells})
        extra = insertion_run(model, tok, tester_class, haystack_dir)
        if extra["cells"]:  # none for the Mistral fixture: its period ids 842 and 28723 are beyond its 642 tokens
            runs.append(extra)
    line = source_line("kvcache-factory", "run_needle_in_haystack.py", "elif(self.model_provider == \"LLaMA3\")")
    return {"source": f"KVCache-Factory {COMMITS['kvcache-factory'][:7]} run_needle_in_haystack.py (period ids at"
                      f" line {line})", "needle": NEEDLE, "final_context_length_buffer": 200, "runs": runs}


def stops_fixture():
    sys.path.insert(0, str(REFS / "kvcache-factory"))
    from pyramidkv.eval_utils import build_stop_token_ids  # noqa: E402  (the reference's stop list)
    line = source_line("kvcache-factory", "run_needle_in_haystack.py", 'self.enc.encode("\\n", add_special_tokens=False)[-1]')
    template = ("<|im_start|> This is a very long story book: <book> {context} </book>.\n Based on the content of the"
                " book, Question: {question}\nAnswer:")
    questions = ["What did the keeper do ?", "Where does the water go?", "What grows best ?", "Who waits?"]
    runs = []
    # the reference loads LLaMA3 and Mistral only (its __init__ raises otherwise); Qwen2's generation_config also
    # sets repetition_penalty 1.1, which generate() would apply and kvasir does not
    for model_name in ["llama-gqa-bf16", "mistral-mha-f16"]:
        tok = load_tokenizer(model_name, REAL_CLEAN_UP[model_name])
        model = AutoModelForCausalLM.from_pretrained(str(FIXTURES / "models" / model_name), dtype=torch.float32,
                                                     attn_implementation="eager").eval()
        newline = tok.encode("\n", add_special_tokens=False)[-1]
        eos = build_stop_token_ids(model, tok) + [newline]
        cases = []
        text = haystack_text().replace("\r\n", "\n").replace("\r", "\n")
        for i in range(24):
            start = (i * 97) % (len(text) - 400)
            prompt = template.replace("{question}", questions[i % 4]).replace("{context}", text[start:start + 120 + 11 * i])
            input_ids = tok(prompt, return_tensors="pt")["input_ids"]
            with torch.no_grad():
                out = model.generate(input_ids, output_attentions=False, max_new_tokens=30, num_beams=1,
                                     do_sample=False, temperature=1.0, eos_token_id=eos, pad_token_id=eos[0],
                                     output_scores=True, return_dict_in_generate=True)
            new = out.sequences[0][input_ids.shape[1]:].tolist()
            gaps = [float(torch.topk(s[0], 2).values[0] - torch.topk(s[0], 2).values[1]) for s in out.scores]
            response = tok.decode(out.sequences[0][input_ids.shape[1]:], skip_special_tokens=True).strip()
            newline_inside = [t for t in new if t != newline and "\n" in tok.decode([t])]
            # kvasir's earlier rule: the answer cut at the first "\n" anywhere in the decoded text
            old_rule = tok.decode(new, skip_special_tokens=True).split("\n")[0].strip()
            cases.append({"prompt": prompt, "prompt_ids": input_ids[0].tolist(), "output_ids": new,
                          "response": response, "old_rule_response_differs": old_rule != response,
                          "stopped_on_newline": bool(new) and new[-1] == newline,
                          "newline_inside_other_tokens": len(newline_inside), "min_gap": round(min(gaps), 6)})
        runs.append({"model": model_name, "clean_up_tokenization_spaces": REAL_CLEAN_UP[model_name],
                     "newline_token": newline, "eos_token_id": eos, "cases": cases})
    return {"source": f"KVCache-Factory {COMMITS['kvcache-factory'][:7]} run_needle_in_haystack.py:{line}, "
                      "pyramidkv/eval_utils.py build_stop_token_ids", "max_new_tokens": 30, "runs": runs}


def rouge_fixture():
    sys.path.insert(0, str(REFS))
    from rouge import rouge_scorer  # noqa: E402  (google-research rouge/, fetched)
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)  # run_needle_in_haystack.py's scorer
    responses = ["", "eat a sandwich and sit in Dolores Park on a sunny day.",
                 "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.",
                 "Eating sandwiches, sitting in Dolores park; sunny days!", "go to the beach", "San Francisco 49ers",
                 "sit sit sit sit", "The best things: eating a sandwich (Dolores Park), on sunny days.",
                 "Café in São Paulo, naïve résumé", "It's the Golden Gate Bridge's view, isn't it?",
                 "sandwich\nand\tsit", "1000 sandwiches at 3pm", "a", "DOLORES PARK ON A SUNNY DAY",
                 "the keeper's lighthouse and generously hopeful relational conditioning",
                 "eat a sandwich and sit in Dolores Park on a sunny day. " * 3]
    cases = [{"response": r, "score": scorer.score(NEEDLE, r)["rouge1"].fmeasure * 10} for r in responses]
    return {"source": "google-research rouge/rouge_scorer.py (rouge1, use_stemmer=True), nltk PorterStemmer; "
                      "score = fmeasure * 10 as run_needle_in_haystack.py", "needle": NEEDLE, "cases": cases}


def ruler_fixture():
    """Each task's prompt template as RULER's prepare.py builds it (base model template + task template + answer
    prefix) and, for niah, after niah.py's singular rewrite (one query and one value), with the value type filled."""
    import yaml  # noqa: E402  (Debian's PyYAML)
    data = REFS / "ruler" / "scripts" / "data"
    sys.path.insert(0, str(data))
    sys.path.insert(0, str(data / "synthetic"))
    import template  # noqa: E402  (NVIDIA/RULER scripts/data/template.py)
    import constants  # noqa: E402  (NVIDIA/RULER scripts/data/synthetic/constants.py)
    prepare = [line.strip() for line in (data / "prepare.py").read_text().splitlines()]
    build = "config['template'] = model_template.format(task_template=task_template) + answer_prefix"
    assert build in prepare, "prepare.py no longer builds the template this way"
    niah = ast.parse((data / "synthetic" / "niah.py").read_text())
    rewrite = next(n for n in ast.walk(niah) if isinstance(n, ast.If)
                   and ast.unparse(n.test) == "args.num_needle_q * args.num_needle_v == 1")
    rewrite_code = compile(ast.Module(body=[rewrite], type_ignores=[]), "niah.py", "exec")
    tasks = {}
    for name, cfg in yaml.safe_load((REFS / "ruler" / "scripts" / "synthetic.yaml").read_text()).items():
        base = constants.TASKS[cfg["task"]]
        full = template.Templates["base"].format(task_template=base["template"]) + base.get("answer_prefix", "")
        if cfg["task"] == "niah":
            ns = {"args": types.SimpleNamespace(**cfg["args"]), "template": full,
                  "type_needle_v": cfg["args"]["type_needle_v"]}
            exec(rewrite_code, ns)
            full = ns["template"].format(type_needle_v=ns["type_needle_v"], context="{context}", query="{query}")
        tasks[name] = {"task": cfg["task"], "template": full, "tokens_to_generate": base["tokens_to_generate"]}
    return {"source": f"NVIDIA/RULER {COMMITS['ruler'][:7]} scripts/synthetic.yaml, scripts/data/prepare.py,"
                      f" template.py, synthetic/constants.py, synthetic/niah.py:{rewrite.lineno}", "tasks": tasks}


def functions(path, names, ns):
    """The named top-level functions of a reference file, compiled as they are into ns."""
    tree = ast.parse(path.read_text())
    body = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in names]
    assert {n.name for n in body} == set(names), f"{path} lacks one of {names}"
    exec(compile(ast.Module(body=body, type_ignores=[]), str(path), "exec"), ns)
    return ns


def buckets_fixture():
    import re
    ns = functions(REFS / "kvcache-factory" / "metrics.py", ["count_score"], {"re": re})
    ns = functions(REFS / "kvcache-factory" / "eval.py", ["scorer_e"],
                   {"np": np, "dataset2metric": {"passage_count": ns["count_score"]}})
    cases = []
    for preds, answers, lengths in [
            (["3", "There are 5 paragraphs", "4 or 4"], [["3"], ["4"], ["4"]], [1200, 3500, 9000]),
            (["7", "7 7 2"], [["7"], ["2"]], [4100, 7999]),
            (["1"], [["1"]], [12000])]:
        scores = ns["scorer_e"]("passage_count", preds, answers, lengths, None)
        cases.append({"predictions": preds, "answers": answers, "lengths": lengths,
                      "result_json": json.dumps(scores, ensure_ascii=False, indent=4)})
    return {"source": f"KVCache-Factory {COMMITS['kvcache-factory'][:7]} eval.py scorer_e, metrics.py count_score;"
                      " eval.py writes the dict with json.dump", "dataset": "passage_count", "cases": cases}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    made = {"cleanup": cleanup_fixture, "limits": limits_fixture, "needle": needle_fixture, "stops": stops_fixture,
            "rouge": rouge_fixture, "ruler": ruler_fixture, "buckets": buckets_fixture}
    only = set(os.environ.get("ONLY", ",".join(made)).split(","))
    for name, make in made.items():
        if name not in only:
            continue
        data = make()
        (OUT / f"{name}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        print(name, (OUT / f"{name}.json").stat().st_size, "bytes")


if __name__ == "__main__":
    main()
