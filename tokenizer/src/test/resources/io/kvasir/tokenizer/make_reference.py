"""Makes the reference files of io.kvasir.tokenizer's unit tests with Hugging Face `tokenizers`
and jinja2 (the environment transformers' apply_chat_template uses).

    pip install tokenizers jinja2
    cd <repo root> && python tokenizer/src/test/resources/io/kvasir/tokenizer/make_reference.py

tokenizer-variants.json: tokenizer.json pipelines that the fixture models do not use (GPT-2 ByteLevel
with regex and prefix space, added tokens with lstrip/rstrip/single_word/normalized, Metaspace
always/never with split, unk without byte fallback, Digits/Split behaviors/regex normalizer), built
by editing the fixture tokenizers, each with strings and the ids `tokenizers` gives them.
jinja2-reference.json: templates exercising Python-isms and whitespace control, rendered by jinja2
with trim_blocks and lstrip_blocks, plus randomly assembled whitespace-control templates."""

import copy
import json
import os
import random

from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = "tests/fixtures/models"


def load(model):
    with open(f"{MODELS}/{model}/tokenizer.json", encoding="utf-8") as f:
        return json.load(f)


def added(i, content, special=False, single_word=False, lstrip=False, rstrip=False, normalized=None):
    return {"id": i, "content": content, "single_word": single_word, "lstrip": lstrip, "rstrip": rstrip,
            "normalized": (not special) if normalized is None else normalized, "special": special}


def variants():
    out = {}
    d = load("qwen2-bias-f32")
    d["normalizer"] = None
    d["pre_tokenizer"] = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True}
    n = 703
    d["added_tokens"] += [added(n, "<mask>", True, lstrip=True), added(n + 1, "[SW]", False, single_word=True),
                          added(n + 2, "<rs>", True, rstrip=True), added(n + 3, "hello", False),
                          added(n + 4, "<both>", True, lstrip=True, rstrip=True),
                          added(n + 5, "World", False, normalized=False)]
    out["gpt2-added-flags"] = d
    d = load("llama-gqa-bf16")
    d["model"]["ignore_merges"] = False
    d["normalizer"] = {"type": "Sequence", "normalizers": [
        {"type": "NFKC"}, {"type": "Lowercase"}, {"type": "Strip", "strip_left": True, "strip_right": False}]}
    out["llama3-nfkc-lowercase"] = d
    d = load("mistral-mha-f16")
    d["normalizer"] = None
    d["pre_tokenizer"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}
    d["decoder"] = {"type": "Sequence", "decoders": [
        {"type": "ByteFallback"},
        {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}]}
    out["metaspace-always-split"] = d
    d = copy.deepcopy(d)
    d["pre_tokenizer"]["prepend_scheme"] = "never"
    d["decoder"]["decoders"][1]["prepend_scheme"] = "never"
    out["metaspace-never-split"] = d
    d = load("mistral-mha-f16")
    d["model"]["byte_fallback"] = False
    d["model"]["fuse_unk"] = True
    out["unk-fused"] = d
    d = load("qwen2-bias-f32")
    d["normalizer"] = {"type": "Replace", "pattern": {"Regex": "\\s{2,}"}, "content": " "}
    d["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Digits", "individual_digits": True},
        {"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithNext", "invert": False},
        {"type": "Split", "pattern": {"Regex": "[.,!?]"}, "behavior": "MergedWithPrevious", "invert": False},
        {"type": "Split", "pattern": {"Regex": "\\p{Han}+"}, "behavior": "Contiguous", "invert": False},
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}]}
    out["digits-split-behaviors"] = d
    return out


def texts(rng):
    pieces = ["<mask>", "[SW]", "<rs>", "hello", "<both>", "World", "<|eot_id|>", "<s>", "[INST]", "<|im_end|>",
              " ", "  ", "\n", "\t", "a", "Hello", "world", "12", "345", "\u4e2d\u6587", "\U0001F355", "_", "x",
              "\u00e9", "e\u0301", "\u00a0", "\u3000", ".", "!", "'s", "\uff21", "\ufb01", "\u0130"]
    return ["", " ", "Hello world", " Hello  world ", "I'm here.  OK?"] + [
        "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(150)]


def tokenizer_variants():
    rng = random.Random(20250131)
    out = {}
    for name, d in variants().items():
        text = json.dumps(d, ensure_ascii=False)
        tok = Tokenizer.from_str(text)
        cases = []
        for t in texts(rng):
            ids = tok.encode(t, add_special_tokens=False).ids
            cases.append({"text": t, "ids": ids, "ids_with_special": tok.encode(t, add_special_tokens=True).ids,
                          "decoded": tok.decode(ids, skip_special_tokens=False)})
        out[name] = {"tokenizer": d, "cases": cases}
    return out


def jinja_env():
    def raise_exception(message):
        raise TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
    env.globals["raise_exception"] = raise_exception
    env.filters["tojson"] = tojson
    return env


TEMPLATES = {
    "zephyr": "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}",
    "gemma": "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}",
    "llama2": "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}",
    "qwen25": """{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- for tool in tools %}
        {{- "\\n" }}
        {{- tool | tojson }}
    {%- endfor %}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
    {%- else %}
        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}
""",
    "llama31": """{{- bos_token }}
{%- if not date_string is defined %}
    {%- set date_string = "26 Jul 2024" %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}

{#- This block extracts the system message, so we can slot it into the right place. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{%- if builtin_tools is defined or tools is not none %}
    {{- "Environment: ipython\\n" }}
{%- endif %}
{{- "Today Date: " + date_string + "\\n\\n" }}
{{- system_message }}
{{- "<|eot_id|>" }}
{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
{%- endif %}
""",
    "namespace": """{%- set ns = namespace(found=false, count=0) -%}
{%- for message in messages -%}
    {%- if message['role'] == 'system' -%}
        {%- set ns.found = true -%}
    {%- endif -%}
    {%- set ns.count = ns.count + 1 -%}
{%- endfor -%}
{%- if not ns.found -%}
{{- '<|im_start|>system\\n' + 'Default system.' + '<|im_end|>\\n' -}}
{%- endif %}
{%- for message in messages %}
{{- '<|im_start|>' + message['role'] + '\\n' + message['content'].strip() + '<|im_end|>' + '\\n' -}}
{%- endfor %}
{%- if add_generation_prompt -%}
{{- '<|im_start|>assistant\\n' -}}
{%- endif -%}
[{{ ns.count }}]
""",
    "methods": """{% for m in messages %}
{{ m.content.upper() }}|{{ m.content.lower() }}|{{ m.role.title() }}|{{ m.role.capitalize() }}|{{ m.content.startswith('Hel') }}|{{ m.content.endswith('?') }}
{{ m.content.split(' ')|length }}|{{ m.content.split()|join(',') }}|{{ m.content.replace('o', '0') }}|{{ m.content.lstrip() }}|{{ m.content.rstrip('.!? ') }}
{{ m.content|length }}|{{ m.content.find('a') }}|{{ m.content.count('e') }}|{{ '-'.join(['a', m.role, 'b']) }}|{{ m.content|upper }}|{{ m.content|lower }}
{{ m.content.split('\\n')[-1] }}|{{ m.content[:5] }}|{{ m.content[2:] }}|{{ messages[-1].role }}|{{ 'user' in m.role }}|{{ 'x' not in m.content }}|{{ m.role[0] }}
{% endfor %}
{{ messages|length }} {{ messages|map(attribute='role')|join('/') }} {{ (messages|first).role }} {{ (messages|last)['role'] }}
{{ messages[0] | tojson }}
{{ {'a': 1, 'b': [1, 2, {'c': none}], 'd': true, 'e': 'x"y\\n'} | tojson }}
{{ {'a': 1, 'b': [1, 2], 'e': []} | tojson(indent=2) }}
{% for k, v in {'x': 1, 'y': 'z'}.items() %}{{ k }}={{ v }};{% endfor %}
{% if messages[0].get('missing', 'dflt') == 'dflt' %}get-ok{% endif %}
{{ 7 // 2 }} {{ 7 % 3 }} {{ 2 ** 3 }} {{ 'ab' ~ 3 }}
{% if none is none and not (none is not none) %}none-ok{% endif %} {{ true }} {{ false }} {{ True }} {{ [1, 'a'] }}
{% set xs = [] %}{% for m in messages %}{% set xs = xs + [m.role] %}{% endfor %}{{ xs|join(',') }}
{% for m in messages if m.role != 'system' %}{{ loop.index }}/{{ loop.length }}{{ ',' if not loop.last }}{% endfor %}
{%- if messages|length > 1 %} many{% else %} one{% endif %}
{{ "%s-%s"|format("a", "b") }} {{ messages[0]['content'] is string }} {{ messages is iterable }} {{ messages[0] is mapping }} {{ 3 is number }}
{{ x | default('dv') }} {{ messages[0].content | trim }} {{ '  a b  '|trim }}|{{ 'abc'|capitalize }} {{ 'hello world'|title }} {{ [3,1,2]|sort|join }} {{ [1,2,2]|unique|list|length }} {{ 'a,b'|replace(',', ';') }}
{% for m in messages[::-1] %}{{ m.role }},{% endfor %}|{% for m in messages|reverse %}{{ m.role[0] }}{% endfor %}|{{ messages[1:-1]|length }}
""",
    "macro": """{%- macro render_msg(m, idx) -%}
<{{ idx }}:{{ m['role'] }}>{{ m['content'] }}</{{ idx }}>
{%- endmacro -%}
{%- for message in messages -%}
{{ render_msg(message, loop.index0) }}
{% endfor -%}
{%- if add_generation_prompt %}<gen>{% endif %}
""",
    "whitespace": """Start
  {% for message in messages %}
    {{ message['role'] }}: {{ message['content'] }}
    {% if loop.last %}
      (last)
    {% endif %}
  {% endfor %}
  {# a comment #}
  {%- if add_generation_prompt -%}
    assistant:
  {%- endif %}
  tail   {{- ' X ' -}}   end
{% raw %}{{ not rendered }}{% endraw %}
""",
    "loop-controls": "{% for m in messages %}{% if m.role == 'system' %}{% continue %}{% endif %}{{ m.role }}{% if loop.index > 2 %}{% break %}{% endif %};{% endfor %}",
}

CONVERSATIONS = [
    [{"role": "user", "content": "Hello!"}],
    [{"role": "system", "content": "You are a terse assistant."},
     {"role": "user", "content": "What is the capital of France?"}],
    [{"role": "user", "content": "Write a haiku."}, {"role": "assistant", "content": "Keys fade,\nvalues kept."},
     {"role": "user", "content": "Thank you very much \U0001F64F"}],
    [{"role": "system", "content": "Sys prompt."}, {"role": "user", "content": "Hello there?"},
     {"role": "assistant", "content": "  Hi!  "}, {"role": "user", "content": "line one\nline two. "}],
    [{"role": "user", "content": "\u00a0\u3000 odd spaces \x1c\t {{ not a tag }}"}],
]


def fuzz_template(rng):
    text = ["a", "b", " ", "  ", "\n", "\n\n", "\t", " \n", "\n  ", "x y", ", ", "  \t"]

    def mark():
        return rng.choice(["", "", "", "-", "+"])

    def endmark():
        return rng.choice(["", "", "", "-"])

    def ws():
        return rng.choice(["", " ", "\n", "  ", "\n  ", " \n"])

    def item(depth):
        k = rng.randrange(10)
        if k < 4:
            return rng.choice(text)
        if k == 4:
            return "{{%s 'v' %s}}" % (rng.choice(["", "-"]), rng.choice(["", "-"]))
        if k == 5:
            return "{#%s c %s#}" % (mark(), endmark())
        if k == 6:
            return "{{ messages[0].content }}"
        if depth > 2:
            return rng.choice(text)
        if k == 7:
            s = "{%%%s if %s %s%%}" % (mark(), rng.choice(["true", "false", "x is defined"]), endmark()) + block(depth + 1)
            if rng.random() < 0.4:
                s += "{%%%s else %s%%}" % (mark(), endmark()) + block(depth + 1)
            return s + "{%%%s endif %s%%}" % (mark(), endmark())
        if k == 8:
            return ("{%%%s for m in messages %s%%}" % (mark(), endmark()) + block(depth + 1)
                    + "{% if not loop.last %}, {% endif %}" + "{%%%s endfor %s%%}" % (mark(), endmark()))
        return "{%%%s set y = 'z' %s%%}" % (mark(), endmark())

    def block(depth):
        return "".join(item(depth) if rng.random() < 0.8 else ws() for _ in range(rng.randint(0, 6)))

    src = block(0)
    return src + "\n" if rng.random() < 0.3 else src


def jinja_reference():
    """{"templates": {name: source}, "conversations": [...], "cases": [{template, conversation,
    add_generation_prompt, rendered or error}], "fuzz": [{template, rendered}]} (fuzz templates are
    rendered with conversations[1], add_generation_prompt false); bos_token <s>, eos_token </s>."""
    env = jinja_env()
    cases = []
    for name, src in TEMPLATES.items():
        for index, messages in enumerate(CONVERSATIONS):
            for flag in (True, False):
                context = {"messages": messages, "add_generation_prompt": flag, "bos_token": "<s>", "eos_token": "</s>"}
                try:
                    rendered, error = env.from_string(src).render(**context, tools=None, documents=None), None
                except TemplateError as e:
                    rendered, error = None, str(e)
                cases.append({"template": name, "conversation": index, "add_generation_prompt": flag,
                              "rendered": rendered, "error": error})
    rng = random.Random(99)
    fuzz = []
    while len(fuzz) < 300:
        src = fuzz_template(rng)
        context = {"messages": CONVERSATIONS[1], "add_generation_prompt": False, "bos_token": "<s>",
                   "eos_token": "</s>"}
        try:
            fuzz.append({"template": src, "rendered": env.from_string(src).render(**context)})
        except TemplateError:
            continue
    return {"templates": TEMPLATES, "conversations": CONVERSATIONS, "cases": cases, "fuzz": fuzz}


def main():
    with open(os.path.join(HERE, "tokenizer-variants.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_variants(), f, ensure_ascii=False)
    with open(os.path.join(HERE, "jinja2-reference.json"), "w", encoding="utf-8") as f:
        json.dump(jinja_reference(), f, ensure_ascii=False, indent=0)


if __name__ == "__main__":
    main()
