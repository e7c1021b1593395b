#!/usr/bin/env python3
"""Trains kvasir's bundled demo model: a small Llama (GQA, RoPE, SwiGLU) that retrieves RULER-style
magic numbers from long filler text, and writes a Hugging Face model folder.

    train_demo_model.py OUT_DIR [--minutes 75] [--seed 1234] [--lr 2e-3] [--init circuit|random]
                        [--resume DIR] [--device cuda]
    train_demo_model.py OUT_DIR --eval-only [--samples 64] [--lengths 512 1024 2048]

Needs torch, transformers, tokenizers (the local wheels); never needed to build or test kvasir.

Recipe (see models/kvasir-demo-retrieval/README.md for the runs that produced the committed model):
- By default the model starts from a retrieval circuit written into layers 0-1
  (tools/retrieval_circuit.py: previous-token heads and a three-token induction head), which stay
  frozen with the embedding while training fits the later layers; from random initialisation
  (`--init random`) it never learned to retrieve on a 2-core CPU.
- Data is generated on the fly from tools/demo_task.py: filler sentences from a grammar, N facts
  "The special magic number for KEY is NNNNNN." at random sentence boundaries (one queried, the
  others distractors; facts that share a boundary come in random order), RULER's niah instruction
  and question, the answer after the answer prefix, all inside the chat template. The first turn,
  the format `kvasir demo` asks, has the stage's length; follow-up turns after it ask again (keys
  drawn with replacement, so no answer can be found by elimination): more answer signal per token
  of filler. Only the first turn counts for the curriculum.
- A byte-level BPE tokenizer (Qwen2's pre-tokenizer, except that digits go in pairs and a space joins
  the first pair: " 487926" is " 48" 79 26) is trained first on generated text.
- Filler: every third sentence repeats an earlier one of the same sample (training only).
- In the first two stages every batch also holds synthetic induction rows (half as many as samples):
  a random sequence over a dozen number and key tokens, repeated, which only copying by matching
  predicts.
- Loss: cross-entropy on answer tokens (weight 1; 3 on an answer's first token, where the fact must
  be found), on repeated sentences and on the repeats of induction rows (1), 0.1 on every other
  token of a sample.
- Curriculum over (length, facts): batch lengths are drawn between the previous stage's length and
  the current one; a stage is left when the teacher-forced exact match of the first answer (all
  digits right: identical to greedy exact match) over the last 20 stage batches is >= 0.9; 30% of
  batches replay a random earlier stage so that short contexts are not forgotten.
- Checkpoints go to OUT_DIR every 5 minutes and at the end (or on Ctrl-C), so the folder is always
  a loadable model.
"""

import argparse
import json
import os
import random
import signal
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors, trainers  # noqa: E402
from transformers import LlamaConfig, LlamaForCausalLM  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import demo_task as task  # noqa: E402
import retrieval_circuit as circuit  # noqa: E402


def split_pattern(digits_per_token):
    """Qwen2's pre-tokenizer split (words with one leading non-letter, digits, punctuation runs),
    except that a space joins the digits after it and digits go in groups of up to
    `digits_per_token`: with 2, " 487926" is " 48" 79 26. The first answer token then directly
    follows "is" (one hop less), and a pair of digits is rarely repeated among a context's facts, so
    copying the rest of a number is plain induction (find the previous occurrence, copy what
    followed) instead of a search among many equal single digits."""
    return (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+| ?\p{N}{1,%d}| ?[^\s\p{L}\p{N}]+[\r\n]*"
            r"|\s*[\r\n]+|\s+(?!\S)|\s+") % digits_per_token
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
# (tokens, facts, follow-up questions)
# The length is that of the first turn (the format `kvasir demo` asks); follow-ups come after it.
# Every follow-up asks for a fact again, each a fresh lesson in finding it anywhere in the context.
STAGES = [(256, 4, 6), (384, 4, 6), (512, 4, 6), (768, 5, 6), (1024, 5, 6), (1536, 6, 6), (2048, 6, 6)]
TOKENS_PER_BATCH = 2048
# The first token of an answer weighs more: it is where the asked fact must be found (the later ones
# copy what follows it).
ANSWER_WEIGHT, FIRST_DIGIT_WEIGHT, COPY_WEIGHT = 1.0, 3.0, 1.0
# Every other token of a sample weighs a little: predicting the grammar's next word from the words
# before it is what forms previous-token heads, the first half of the induction circuit.
OTHER_WEIGHT = 0.1
REPLAY = 0.3
# Synthetic induction rows (half as many as samples) in the first stages: they teach the copy-by-
# matching circuit that the answers need, with a loss signal on every repeated token.
INDUCTION_STAGES = 2
ADVANCE_EM, ADVANCE_WINDOW = 0.9, 20


def model_config(vocab, eos, seed_args):
    shape = dict(hidden_size=seed_args.hidden, num_attention_heads=seed_args.hidden // 32, num_key_value_heads=2,
                 head_dim=32, rope_theta=100000.0)
    if seed_args.init == "circuit":
        shape = circuit.config_overrides()
    return LlamaConfig(
        vocab_size=vocab, intermediate_size=shape["hidden_size"] * 2, num_hidden_layers=seed_args.layers,
        hidden_act="silu", max_position_embeddings=4096, rms_norm_eps=1e-5, tie_word_embeddings=True,
        attention_bias=False, mlp_bias=False, bos_token_id=None, eos_token_id=eos, pad_token_id=eos, **shape)


def train_tokenizer(rng, vocab_size, digits_per_token):
    corpus = []
    for _ in range(6000):
        context = " ".join(task.sentence(rng) for _ in range(4))
        key = rng.choice(task.KEYS)
        corpus.append(task.chat_prompt(context + " " + task.FACT.format(key=key, value=task.value(rng)), key)
                      + " " + task.value(rng) + ".<|im_end|>\n")
    # Every key often enough to become one token, so that a key is matched as one symbol.
    corpus.extend(" " + " ".join(rng.sample(task.KEYS, len(task.KEYS))) for _ in range(300))
    # Likewise every digit group, with and without its leading space.
    groups = [str(n).zfill(digits_per_token) for n in range(10 ** digits_per_token)]
    corpus.extend(" ".join(rng.sample(groups, len(groups))) + " " + "".join(rng.sample(groups, len(groups)))
                  for _ in range(300))
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(split_pattern(digits_per_token)), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIALS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus, trainer)
    return tok


class Samples:
    """Builds token-id samples of a target length with the queried fact at a chosen depth."""

    def __init__(self, tok):
        self.tok = tok
        self.im_end = tok.token_to_id("<|im_end|>")
        # The ids of keys, numbers (with and without a leading space) and the tokens around a value in
        # a fact: what the induction rows and the retrieval circuit copy and match on.
        texts = ([" " + k for k in task.KEYS] + [f"{n:02d}" for n in range(100)] + [f" {n}" for n in range(100)]
                 + [" is", "."])
        self.copyable = sorted({t for text in texts for t in self.encode(text)})

    def encode(self, text):
        return self.tok.encode(text, add_special_tokens=False).ids

    def turn(self, key, value):
        """A follow-up question and its answer; returns (ids, answer start, answer length)."""
        q = self.encode("\n<|im_start|>user\n" + task.QUESTION.format(key=key) + "<|im_end|>\n<|im_start|>assistant\n"
                        + task.ANSWER_PREFIX.format(key=key))
        a = self.answer(value)
        return q + a, len(q), len(a)

    def answer(self, value):
        return self.encode(" " + value + ".") + [self.im_end]

    def value_tokens(self, value):
        return len(self.encode(" " + value))

    def make(self, rng, length, n_facts, depth=None, follow_ups=0, repeats=False):
        """One sample whose first turn (prompt and answer) has at most `length` tokens, follow-up turns
        after it: (ids, [(answer start, answer length)...], context, key,
        value, copied token positions); the first answer is the one `kvasir demo` asks for. With
        repeats, every third filler sentence repeats an earlier one: copying them is what first
        teaches the model induction (match the previous occurrence, copy what followed), which the
        magic-number answers then need."""
        keys = rng.sample(task.KEYS, n_facts)
        values = [task.value(rng) for _ in keys]
        facts = [task.FACT.format(key=k, value=v) for k, v in zip(keys, values)]
        asks = [rng.randrange(n_facts) for _ in range(follow_ups)]
        turns = [self.turn(keys[i], values[i]) for i in asks]
        fixed = len(self.encode(task.chat_prompt(" ".join(facts), keys[0]))) + len(self.answer(values[0]))
        budget = length - fixed - 6  # the first sentence loses its leading space: a token or two more
        sentences, used = [], 0
        while True:
            s = task.sentence(rng)
            n = len(self.encode(" " + s))
            if used + n > budget:
                break
            sentences.append(s)
            used += n
        repeated = set()
        if repeats and len(sentences) >= 4:
            for _ in range(len(sentences) // 3):
                j = rng.randrange(2, len(sentences))
                sentences[j] = sentences[rng.randrange(0, j - 1)]
                repeated.add(j)
            while sum(len(self.encode(" " + x)) for x in sentences) > budget:
                sentences.pop()
                repeated.discard(len(sentences))
        slots = [rng.randrange(len(sentences) + 1) for _ in facts[1:]]
        target_slot = rng.randrange(len(sentences) + 1) if depth is None else round(depth / 100 * len(sentences))
        pieces, copied_pieces = [], set()
        for i in range(len(sentences) + 1):
            # Facts that share a slot come in random order: were the asked one always first, "the
            # earliest fact" would answer every short sample, a shortcut that fails on long ones.
            here = ([facts[0]] if i == target_slot else []) + [f for f, s in zip(facts[1:], slots) if s == i]
            rng.shuffle(here)
            pieces.extend(here)
            if i < len(sentences):
                if i in repeated:
                    copied_pieces.add(len(pieces))
                pieces.append(sentences[i])
        context = " ".join(pieces)
        text = task.chat_prompt(context, keys[0])
        encoding = self.tok.encode(text, add_special_tokens=False)
        ids = encoding.ids
        copied, at = [], len("<|im_start|>user\n" + task.INSTRUCTION + "\n")
        for k, piece in enumerate(pieces):
            if k in copied_pieces:  # every token of a repeated sentence but its first
                inside = [t for t, (a, b) in enumerate(encoding.offsets) if a >= at - 1 and b <= at + len(piece)]
                copied.extend(inside[1:])
            at += len(piece) + 1
        answer = self.answer(values[0])
        spans = [(len(ids), len(answer))]
        ids = ids + answer
        for t, start, n in turns:
            spans.append((len(ids) + start, n))
            ids = ids + t
        return ids, spans, context, keys[0], values[0], copied

    def induction(self, rng):
        """A synthetic row that only induction can predict: a random sequence over a dozen number and
        key tokens (what answers copy and match on), repeated. With so few symbols one token of
        context is ambiguous and two usually are not, which is the lookup an answer needs ("for KEY
        is" -> the number that followed it). Returns (ids, positions whose token is a copy)."""
        alphabet = rng.sample(self.copyable, 12)
        n = rng.randrange(16, 41)
        seq = [rng.choice(alphabet) for _ in range(n)]
        ids = seq * rng.randrange(2, 5)
        return ids, list(range(n + 2, len(ids)))

    def batch(self, rng, length, n_facts, follow_ups, size, induction_rows=0):
        """Token rows padded to the longest, loss weights per predicted position (weights[b, p] weighs
        predicting ids[b, p + 1]), and each sample row's first answer as (start, end) of its value
        tokens; `induction_rows` synthetic rows come after the samples."""
        samples = []
        for _ in range(size):
            ids, spans, _, _, value, copied = self.make(rng, length, n_facts, follow_ups=follow_ups, repeats=True)
            first = spans[0][0]
            assert first + spans[0][1] <= length, (first, length)
            samples.append((ids, spans, copied, (first, first + self.value_tokens(value))))
        for _ in range(induction_rows):
            ids, copied = self.induction(rng)
            samples.append((ids, [], copied, None))
        width = max(len(ids) for ids, *_ in samples)
        rows, weights, answers = [], [], []
        for ids, spans, copied, first in samples:
            # induction rows (no spans) carry loss only on their copies
            other = OTHER_WEIGHT if first else 0.0
            w = [other] * (len(ids) - 1) + [0.0] * (width - len(ids))
            for p in copied:
                w[p - 1] = COPY_WEIGHT
            for start, n in spans:
                for p in range(start - 1, start - 1 + n):
                    w[p] = ANSWER_WEIGHT
                w[start - 1] = FIRST_DIGIT_WEIGHT
            rows.append(ids + [self.im_end] * (width - len(ids)))
            weights.append(w)
            if first:
                answers.append(first)
        return torch.tensor(rows), torch.tensor(weights), answers


def step_loss(model, ids, weights, answers):
    """Weighted cross-entropy over the positions that carry weight (the output projection runs only
    there), the batch's exact match of its first answers, and their mean cross-entropy per token."""
    hidden = model.model(input_ids=ids).last_hidden_state[:, :-1]
    where = weights > 0
    for b, (a, e) in enumerate(answers):
        where[b, a - 1:e - 1] = True
    logits = model.lm_head(hidden[where]).float()
    targets = ids[:, 1:][where]
    ce = F.cross_entropy(logits, targets, reduction="none")
    w = weights[where]
    loss = (ce * w).sum() / w.sum()
    with torch.no_grad():
        index = torch.full(where.shape, -1, dtype=torch.long, device=where.device)
        index[where] = torch.arange(int(where.sum()), device=where.device)
        hit = logits.argmax(-1) == targets
        exact, answer_ce = [], 0.0
        for b, (a, e) in enumerate(answers):
            at = index[b, a - 1:e - 1]
            exact.append(bool(hit[at].all()))
            answer_ce += float(ce[at].mean())
    return loss, sum(exact) / len(exact), answer_ce / len(answers)


def save(model, tok, out, log):
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / ".saving"
    tmp.mkdir(exist_ok=True)
    model.save_pretrained(tmp, safe_serialization=True)
    tok.save(str(tmp / "tokenizer.json"))
    (tmp / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 4096, "bos_token": None,
        "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "unk_token": None,
        "chat_template": task.CHAT_TEMPLATE, "clean_up_tokenization_spaces": False}, indent=2) + "\n")
    (tmp / "training_log.json").write_text(json.dumps(log, indent=2) + "\n")
    for f in tmp.iterdir():
        f.replace(out / f.name)
    tmp.rmdir()


def write_task_files(out, rng, stage):
    """demo_task.json (the task for `kvasir demo`, with a grid no longer than the contexts trained on)
    and haystack.txt (filler from the grammar)."""
    trained = STAGES[stage][0]
    lengths = [trained // 4, trained // 2, trained] if trained >= 1024 else [trained * 3 // 4, trained]
    (out / "demo_task.json").write_text(json.dumps({
        "instruction": task.INSTRUCTION, "fact": task.FACT, "question": task.QUESTION,
        "answer_prefix": task.ANSWER_PREFIX, "value_digits": task.VALUE_DIGITS, "keys": task.KEYS,
        "distractors": 3, "haystack": "haystack.txt", "demo_lengths": lengths,
        "demo_budget": max(32, min(128, trained // 4))}, indent=2) + "\n")
    (out / "haystack.txt").write_text("\n".join(" ".join(task.sentence(rng) for _ in range(8)) for _ in range(600)) + "\n")


def train(args):
    out = Path(args.out)
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    t_start = time.time()
    if args.resume:  # go on from a saved folder: its tokenizer, weights and stage; a fresh optimizer
        tok = Tokenizer.from_file(str(Path(args.resume) / "tokenizer.json"))
        model = LlamaForCausalLM.from_pretrained(args.resume)
        previous = json.loads((Path(args.resume) / "training_log.json").read_text())
    else:
        tok = train_tokenizer(random.Random(args.seed + 1), args.vocab, args.digits_per_token)
        model = LlamaForCausalLM(model_config(tok.get_vocab_size(), tok.token_to_id("<|im_end|>"), args))
        previous = None
    samples = Samples(tok)
    if args.init == "circuit":
        if previous is None:
            circuit.write(model, samples.copyable, args.seed)
        circuit.freeze(model)
    model.config.use_cache = False
    model.to(args.device)
    params = sum(p.numel() for p in model.parameters())
    print(f"tokenizer: {tok.get_vocab_size()} ids; model: {params / 1e6:.2f} M parameters", flush=True)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, betas=(0.9, 0.98), weight_decay=0.01)
    log = {"seed": args.seed, "args": vars(args), "parameters": params, "vocab": tok.get_vocab_size(),
           "stages": STAGES, "tokens_per_batch": TOKENS_PER_BATCH, "answer_weight": ANSWER_WEIGHT,
           "first_digit_weight": FIRST_DIGIT_WEIGHT, "copy_weight": COPY_WEIGHT,
           "other_weight": OTHER_WEIGHT, "replay": REPLAY, "induction_stages": INDUCTION_STAGES, "advance": [ADVANCE_EM, ADVANCE_WINDOW],
           "optimizer": "AdamW betas (0.9, 0.98) wd 0.01, warmup 100 steps, grad clip 1.0",
           "history": [], "stage_reached": []}
    stop = {"now": False}
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    stage, recent, step, tokens, last_save = 0, [], 0, 0, time.time()
    if previous:
        log["previous_runs"] = previous.get("previous_runs", []) + [{k: previous[k] for k in
                                                                   ("seed", "args", "steps", "tokens", "minutes", "final_stage", "stage_reached", "history")}]
        stage = previous["final_stage"]
    deadline = t_start + args.minutes * 60
    while not stop["now"] and time.time() < deadline:
        step += 1
        replay = stage > 0 and rng.random() < REPLAY
        length, n_facts, follow_ups = STAGES[rng.randrange(stage)] if replay else STAGES[stage]
        if not replay:  # every length up to the stage's, not one fixed length
            shorter = STAGES[stage - 1][0] if stage else length * 3 // 4
            length = rng.randrange(shorter, length + 1)
        size = max(4, TOKENS_PER_BATCH // length)
        lr = args.lr * min(1.0, step / 100) * (0.3 if stage == len(STAGES) - 1 and args.anneal else 1.0)
        for g in opt.param_groups:
            g["lr"] = lr
        induction_rows = size // 2 if stage < INDUCTION_STAGES else 0
        ids, weights, answers = samples.batch(rng, length, n_facts, follow_ups, size, induction_rows)
        ids, weights = ids.to(args.device), weights.to(args.device)
        model.train()
        loss, em, answer_ce = step_loss(model, ids, weights, answers)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tokens += ids.numel()
        if not replay:
            recent = (recent + [em])[-ADVANCE_WINDOW:]
        elapsed = time.time() - t_start
        if step % 10 == 0:
            mean = sum(recent) / max(1, len(recent))
            print(f"step {step:5d}  {elapsed / 60:6.1f} min  stage {stage} (L {STAGES[stage][0]}, facts "
                  f"{STAGES[stage][1]})  batch L {length}  loss {loss.item():.3f}  answer CE {answer_ce:.3f}  "
                  f"EM {em:.2f}  stage EM(last {len(recent)}) {mean:.2f}  {tokens / elapsed:,.0f} tok/s", flush=True)
            log["history"].append({"step": step, "minutes": round(elapsed / 60, 2), "stage": stage, "length": length,
                                   "loss": round(loss.item(), 4), "answer_ce": round(answer_ce, 4), "em": em})
        if len(recent) == ADVANCE_WINDOW and sum(recent) / ADVANCE_WINDOW >= ADVANCE_EM and stage < len(STAGES) - 1:
            stage += 1
            recent = []
            log["stage_reached"].append({"stage": stage, "length": STAGES[stage][0], "step": step,
                                         "minutes": round(elapsed / 60, 2)})
            print(f"== stage {stage}: length {STAGES[stage][0]}, {STAGES[stage][1]} facts (step {step})", flush=True)
        if time.time() - last_save > 300:
            log.update(steps=step, tokens=tokens, minutes=round(elapsed / 60, 2), final_stage=stage)
            save(model, tok, out, log)
            last_save = time.time()
    log.update(steps=step, tokens=tokens, minutes=round((time.time() - t_start) / 60, 2), final_stage=stage)
    save(model, tok, out, log)
    write_task_files(out, random.Random(args.seed + 2), stage)
    print(f"saved {out} after {step} steps, {tokens:,} tokens, {(time.time() - t_start) / 60:.1f} min", flush=True)


@torch.no_grad()
def evaluate(args):
    """Teacher-forced exact match (equal to greedy exact match) by length and depth, and the
    attention mass the answer position puts on the queried fact, per layer and head."""
    out = Path(args.out)
    tok = Tokenizer.from_file(str(out / "tokenizer.json"))
    model = LlamaForCausalLM.from_pretrained(out, attn_implementation="eager").eval().to(args.device)
    torch.set_num_threads(args.threads)
    samples = Samples(tok)
    rng = random.Random(args.seed + 99)
    results = {}
    for length in args.lengths:
        for depth in args.depths:
            hits = 0
            for _ in range(args.samples):
                ids, spans, _, _, value, _ = samples.make(rng, length, args.facts, depth)
                start = spans[0][0]
                logits = model(input_ids=torch.tensor([ids], device=args.device)).logits[0]
                digits = range(start, start + samples.value_tokens(value))
                hits += all(int(logits[p - 1].argmax()) == ids[p] for p in digits)
            results[f"{length}/{depth}"] = hits / args.samples
            print(f"length {length:5d}  depth {depth:3d}%  exact match {hits / args.samples:.2f}", flush=True)
    ids, spans, context, key, value, _ = samples.make(rng, args.lengths[-1], args.facts, 50)
    start = spans[0][0]
    fact = tok.encode(" " + task.FACT.format(key=key, value=value), add_special_tokens=False).ids
    span = next(i for i in range(len(ids)) if ids[i:i + len(fact)] == fact)
    att = model(input_ids=torch.tensor([ids[:start]], device=args.device), output_attentions=True).attentions
    print(f"attention mass from the last prompt position onto the fact ({len(fact)} of {start} tokens, "
          f"uniform {len(fact) / start:.3f}):")
    for layer, a in enumerate(att):
        mass = a[0, :, -1, span:span + len(fact)].sum(-1)
        print(f"  layer {layer}: " + ", ".join(f"{m:.3f}" for m in mass.tolist()))
    print(json.dumps(results))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--minutes", type=float, default=75)
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu", help="torch device: cpu, or cuda where a GPU and a CUDA build of torch are")
    p.add_argument("--init", choices=["circuit", "random"], default="circuit",
                   help="circuit: start from the retrieval circuit of tools/retrieval_circuit.py (hidden 128, "
                        "head_dim 64; its layers stay frozen); random: from scratch, which never retrieved on a CPU; with --resume, "
                        "name the init the saved model had (default: circuit)")
    p.add_argument("--layers", type=int, default=4,
                   help="layers (default: 4: the circuit's two and two trained on top; with 3 the one trained layer "
                        "hurt retrieval, exact match 0.72 at 2K tokens and 100%% depth; with 2 the retrieval layer is "
                        "the top one, where PyramidKV keeps almost nothing)")
    p.add_argument("--hidden", type=int, default=128, help="model width (--init random only)")
    p.add_argument("--vocab", type=int, default=1536)
    p.add_argument("--digits-per-token", type=int, default=2, choices=[1, 2],
                   help="digits per number token (a new tokenizer only; --resume keeps the saved one)")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--anneal", action="store_true", help="lr x0.3 once the last stage is reached")
    p.add_argument("--resume", metavar="DIR", help="continue training the model saved in DIR")
    p.add_argument("--eval-only", action="store_true")
    p.add_argument("--samples", type=int, default=32)
    p.add_argument("--facts", type=int, default=4, help="facts per evaluation sample (one asked, the rest distractors)")
    p.add_argument("--lengths", type=int, nargs="+", default=[512, 1024, 2048])
    p.add_argument("--depths", type=int, nargs="+", default=[0, 25, 50, 75, 100])
    args = p.parse_args()
    evaluate(args) if args.eval_only else train(args)


if __name__ == "__main__":
    main()
