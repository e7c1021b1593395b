"""Builds the three fixture tokenizers with the `tokenizers` library, trained on fixture_text's
corpus, in the shapes real checkpoints use:

- llama3:  byte-level BPE, Llama-3 split regex, ignore_merges, <|begin_of_text|> template post-processor
- mistral: SentencePiece-style BPE with byte fallback, Llama-2/Mistral-7B-v0.1 normalizer
           (Prepend "▁" + Replace " " -> "▁"), no pre-tokenizer, Replace/ByteFallback/Fuse/Strip decoder
- qwen2:   byte-level BPE, Qwen2 split regex, NFC normalizer, no BOS

Each builder returns (tokenizer.json text, tokenizer_config dict, special token ids)."""

import json

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

import fixture_text

LLAMA3_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
QWEN2_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)

LLAMA3_CHAT_TEMPLATE = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'"
    "+ message['content'] | trim + '<|eot_id|>' %}"
    "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
    "{{ content }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
)

# Mistral's [INST] template in the style of Mistral-7B-Instruct-v0.3 (multi-line, whitespace control,
# an optional system message folded into the LAST user turn, assistant content trimmed), without
# the tool-calling branches.
MISTRAL_CHAT_TEMPLATE = """{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content'] %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set loop_messages = messages %}
{%- endif %}

{{- bos_token }}
{%- for message in loop_messages %}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
        {{- raise_exception('After the optional system message, conversation roles must alternate user/assistant/user/assistant/...') }}
    {%- endif %}
    {%- if message['role'] == 'user' %}
        {%- if loop.last and system_message is defined %}
            {{- '[INST] ' + system_message + '\\n\\n' + message['content'] + '[/INST]' }}
        {%- else %}
            {{- '[INST] ' + message['content'] + '[/INST]' }}
        {%- endif %}
    {%- elif message['role'] == 'assistant' %}
        {{- ' ' + message['content'] | trim + eos_token }}
    {%- else %}
        {{- raise_exception('Only user and assistant roles are supported, with the exception of an initial optional system message!') }}
    {%- endif %}
{%- endfor %}
"""

QWEN2_CHAT_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def _added(token_id, content):
    return {"id": token_id, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}


def _added_tokens_decoder(added):
    return {str(t["id"]): {k: t[k] for k in ("content", "lstrip", "normalized", "rstrip", "single_word", "special")}
            for t in added}


def _train(tokenizer, trainer, lines):
    tokenizer.train_from_iterator(lines, trainer)
    return json.loads(tokenizer.to_str())


def _legacy_merges(model):
    """Older tokenizer.json files (Llama-2, Mistral-7B-v0.1, Llama-3) spell a merge as "a b"."""
    for left, right in model["merges"]:
        assert " " not in left and " " not in right
    model["merges"] = [f"{left} {right}" for left, right in model["merges"]]


def _finish(data):
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    Tokenizer.from_str(text)  # must load
    return text


# Whole pre-tokens appended to the Llama-3 vocabulary without any merge that builds them: with
# ignore_merges (as in Llama-3's tokenizer.json) such a word maps straight to its id, without it
# BPE would split it. Exercises that rule.
LLAMA3_WHOLE_WORDS = ["Ġkvasir", "Ġsupercalifragilisticexpialidocious", "Pneumonoultramicroscopicsilicovolcanoconiosis"]


def build_llama3():
    trained_size = 763 - len(LLAMA3_WHOLE_WORDS)
    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_SPLIT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False),
    ])
    trainer = trainers.BpeTrainer(vocab_size=trained_size, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    data = _train(tok, trainer, fixture_text.training_corpus())
    vocab = data["model"]["vocab"]
    assert len(vocab) == trained_size, len(vocab)
    for word in LLAMA3_WHOLE_WORDS:
        assert word not in vocab
        vocab[word] = len(vocab)
    names = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
    ids = {name: len(vocab) + i for i, name in enumerate(names)}
    data["added_tokens"] = [_added(ids[n], n) for n in names]
    bos = ids["<|begin_of_text|>"]
    data["post_processor"] = {
        "type": "Sequence",
        "processors": [
            {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
            {"type": "TemplateProcessing",
             "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                        {"Sequence": {"id": "A", "type_id": 0}}],
             "pair": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                      {"Sequence": {"id": "A", "type_id": 0}},
                      {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 1}},
                      {"Sequence": {"id": "B", "type_id": 1}}],
             "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [bos],
                                                      "tokens": ["<|begin_of_text|>"]}}},
        ],
    }
    data["decoder"] = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True}
    _legacy_merges(data["model"])
    config = {
        "added_tokens_decoder": _added_tokens_decoder(data["added_tokens"]),
        "bos_token": "<|begin_of_text|>",
        "chat_template": LLAMA3_CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "eos_token": "<|eot_id|>",
        "model_input_names": ["input_ids", "attention_mask"],
        "model_max_length": 131072,
        "tokenizer_class": "PreTrainedTokenizerFast",
    }
    return _finish(data), config, ids


def _sentencepiece_vocab(trained_vocab, specials):
    """SentencePiece order: <unk> <s> </s>, then <0x00>..<0xFF>, then the trained pieces."""
    vocab = {name: i for i, name in enumerate(specials)}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    for piece, _ in sorted(trained_vocab.items(), key=lambda kv: kv[1]):
        if piece not in vocab:
            vocab[piece] = len(vocab)
    return vocab


MISTRAL_NORMALIZER = {"type": "Sequence", "normalizers": [
    {"type": "Prepend", "prepend": "▁"},
    {"type": "Replace", "pattern": {"String": " "}, "content": "▁"},
]}
MISTRAL_DECODER = {"type": "Sequence", "decoders": [
    {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
    {"type": "ByteFallback"},
    {"type": "Fuse"},
    {"type": "Strip", "content": " ", "start": 1, "stop": 0},
]}


def _limit_alphabet(lines, size):
    """Keeps the `size` most frequent characters (ties by code point) and blanks the others, so the
    rare ones reach the byte fallback. The trainer's own limit_alphabet breaks ties by hash order,
    which is not reproducible."""
    counts = {}
    for line in lines:
        for ch in line:
            counts[ch] = counts.get(ch, 0) + 1
    kept = set(sorted(counts, key=lambda ch: (-counts[ch], ch))[:size])
    return ["".join(ch if ch in kept else " " for ch in line) for line in lines]


def build_mistral(metaspace=False):
    """metaspace=False: the Mistral-7B-v0.1 tokenizer.json pipeline (normalizer, no pre-tokenizer).
    metaspace=True: the same vocabulary with the pipeline transformers 5 builds for LlamaTokenizer and
    newer repos ship (no normalizer, Metaspace pre-tokenizer with prepend_scheme "first")."""
    specials = ["<unk>", "<s>", "</s>"]
    target_size = 640
    tok = Tokenizer(models.BPE(unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    # Training only: words are a run of "▁" followed by non-"▁" text, or a bare run of "▁", so
    # indentation pieces ("▁▁▁▁") exist but no piece ever crosses a word boundary.
    tok.pre_tokenizer = pre_tokenizers.Split(Regex("▁*[^▁]+|▁+"), behavior="isolated")
    # SentencePiece models see one sentence at a time; tabs and newlines stay out of the alphabet
    # so they hit the byte fallback (<0x09>, <0x0A>) as in Llama-2/Mistral.
    lines = [line.rstrip("\n").replace("\t", " ") for line in fixture_text.training_corpus()]
    lines = _limit_alphabet([line for line in lines if line.strip()], 160)
    trainer = trainers.BpeTrainer(vocab_size=target_size - 256, special_tokens=specials, show_progress=False)
    data = _train(tok, trainer, lines)
    vocab = _sentencepiece_vocab(data["model"]["vocab"], specials)
    data["model"]["vocab"] = vocab
    ids = {name: vocab[name] for name in specials}
    for offset, name in enumerate(["[INST]", "[/INST]"]):
        ids[name] = len(vocab) + offset
    data["added_tokens"] = [_added(ids[n], n) for n in specials + ["[INST]", "[/INST]"]]
    if metaspace:
        data["normalizer"] = None
        data["pre_tokenizer"] = {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first",
                                 "split": False}
    else:
        data["normalizer"] = MISTRAL_NORMALIZER
        data["pre_tokenizer"] = None
    data["post_processor"] = {
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                 {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {"<s>": {"id": "<s>", "ids": [ids["<s>"]], "tokens": ["<s>"]}},
    }
    data["decoder"] = MISTRAL_DECODER
    _legacy_merges(data["model"])
    config = {
        "add_bos_token": True,
        "add_eos_token": False,
        "added_tokens_decoder": _added_tokens_decoder(data["added_tokens"]),
        "bos_token": "<s>",
        "chat_template": MISTRAL_CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "eos_token": "</s>",
        "legacy": not metaspace,
        "model_max_length": 32768,
        "pad_token": None,
        "spaces_between_special_tokens": False,
        "tokenizer_class": "LlamaTokenizer",
        "unk_token": "<unk>",
        "use_default_system_prompt": False,
    }
    return _finish(data), config, ids


def build_qwen2():
    trained_size = 700
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN2_SPLIT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])
    trainer = trainers.BpeTrainer(vocab_size=trained_size, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    data = _train(tok, trainer, fixture_text.training_corpus())
    assert len(data["model"]["vocab"]) == trained_size, len(data["model"]["vocab"])
    names = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    ids = {name: trained_size + i for i, name in enumerate(names)}
    data["added_tokens"] = [_added(ids[n], n) for n in names]
    data["post_processor"] = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False,
                              "use_regex": False}
    data["decoder"] = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
    config = {
        "add_prefix_space": False,
        "added_tokens_decoder": _added_tokens_decoder(data["added_tokens"]),
        "additional_special_tokens": ["<|im_start|>", "<|im_end|>"],
        "bos_token": None,
        "chat_template": QWEN2_CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "eos_token": "<|im_end|>",
        "errors": "replace",
        "model_max_length": 32768,
        "pad_token": "<|endoftext|>",
        "split_special_tokens": False,
        "tokenizer_class": "Qwen2Tokenizer",
        "unk_token": None,
    }
    return _finish(data), config, ids
