"""Text used by make_fixtures.py: the tokenizer training corpus, the tokenizer test strings,
the chat conversations and the model prompts. Everything here is fixed or drawn from a seeded
random.Random, so the fixtures are reproducible."""

import random

PROSE = """\
The old lighthouse stood at the edge of the cliff, its white paint peeling after decades of salt and wind.
Every evening the keeper climbed the spiral stairs, counted the steps (there were one hundred and twelve),
and lit the lamp. Ships passing in the night never knew his name, but they trusted his light.
In the spring of 1998 a storm broke three windows and flooded the kitchen; he fixed them himself.
"Why do you stay?" asked the young engineer who came to automate the station. "Because someone should,"
he answered, and poured two cups of tea. They talked until the tide turned, about engines and birds,
about the price of bread, and about the strange green flash that sometimes follows the sunset.
Researchers measure the performance of language models with perplexity, accuracy and latency.
A model that runs on a laptop must be small, fast and careful with memory. The key-value cache grows
with every token, so long conversations can use gigabytes of memory unless the cache is compressed.
Compression methods keep the tokens that matter: recent ones, the first few, and those that received
the most attention. It's a trade-off: you'll save memory, but you can't always keep every detail.
We've tested budgets of 128, 256, 512 and 1024 tokens; they're reported in the tables below.
Mrs. O'Neil didn't agree. She'd read the report twice and said: "The numbers look fine, but I'm not sure."
Temperature was 21.5 degrees; the humidity reached 87% at 6:45 a.m. on 2024-03-17.
Prices rose by 3.2% in March, while the index fell from 4,512.75 to 4,498.10 points.
Café, naïve, façade, jalapeño, Zürich, São Paulo, Kraków and Åre are spelled with accents.
"""

PYTHON_CODE = '''\
import json
from dataclasses import dataclass


@dataclass
class Token:
    id: int
    text: str
    score: float = 0.0


def load_vocab(path):
    """Read a vocabulary file and return a dict from text to id."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    vocab = {}
    for index, entry in enumerate(data["tokens"]):
        if entry.get("special"):
            continue
        vocab[entry["text"]] = index
    return vocab


class Cache:
    def __init__(self, capacity=1024):
        self.capacity = capacity
        self.items = []

    def append(self, key, value):
        if len(self.items) >= self.capacity:
            self.items.pop(0)
        self.items.append((key, value))

    def __len__(self):
        return len(self.items)


if __name__ == "__main__":
    for i in range(10):
        print(f"step {i}: {i * i}")
'''

JAVA_CODE = '''\
package io.example.cache;

import java.util.ArrayList;
import java.util.List;

/** Keeps the most recent entries up to a fixed capacity. */
public final class RecentWindow<T> {
    private final int capacity;
    private final List<T> items = new ArrayList<>();

    public RecentWindow(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    public void add(T item) {
        if (items.size() == capacity) {
            items.remove(0);
        }
        items.add(item);
    }

    public int size() {
        return items.size();
    }

    public static void main(String[] args) {
        RecentWindow<String> window = new RecentWindow<>(3);
        for (String s : new String[] {"a", "b", "c", "d"}) {
            window.add(s);
        }
        System.out.println("size = " + window.size());
    }
}
'''

CHINESE = """\
人工智能正在改变我们的生活方式。语言模型可以回答问题、翻译文本、编写代码。
今天天气很好，我们去公园散步吧。春天来了，花儿都开了，小鸟在树上唱歌。
这个模型的参数很少，但是它可以在普通的电脑上运行。内存和速度都很重要。
中国的首都是北京，上海是一个国际化的大城市。我喜欢喝茶，也喜欢读书。
"""

JAPANESE = """\
今日はいい天気ですね。東京の桜はとてもきれいです。
ありがとうございます。よろしくお願いします。
"""

EMOJI = """\
I love pizza 🍕 and coffee ☕! Great job 👍 🎉 🚀 ✨
Family: 👨‍👩‍👧‍👦 Thumbs: 👍🏻 👍🏽 👍🏿 Hearts: ❤️ 💙 💚 Flags: 🇫🇷 🇯🇵
"""

NUMBERS = """\
0 1 2 3 4 5 6 7 8 9 10 42 100 256 1000 2048 65536 1234567 3.14159 2.71828 -17 +42 1e-6 0x1F 0b1010
"""

MARKUP = """\
<html><body><p class="intro">Hello, world!</p></body></html>
{"name": "kvasir", "version": "0.1.0", "tags": ["llm", "java", "kv-cache"]}
SELECT id, name FROM users WHERE age >= 18 ORDER BY name;
$ mvn -q test -Dtest=TokenizerTest && echo "ok"
"""


def training_corpus():
    """A few KB of varied text, as a list of lines, for the tokenizer trainers."""
    parts = [PROSE, PYTHON_CODE, JAVA_CODE, CHINESE, JAPANESE, EMOJI, NUMBERS, MARKUP]
    # Prose and code twice so their merges dominate, like in a real corpus.
    parts += [PROSE, PYTHON_CODE, JAVA_CODE, CHINESE]
    text = "".join(parts)
    return text.splitlines(keepends=True)


SPECIAL_TEXTS = [
    "<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
    "<s>", "</s>", "<unk>", "[INST]", "[/INST]", "<|endoftext|>", "<|im_start|>", "<|im_end|>",
]

HAND_WRITTEN = [
    "",
    " ",
    "  ",
    "\n",
    "\t",
    "a",
    "Hello",
    "Hello world",
    " Hello world",
    "Hello world ",
    "hello, world!",
    "Hello, world! How are you today?",
    "The quick brown fox jumps over the lazy dog.",
    "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG",
    "I'm sure it's fine; we'll see what they've done, and I'd say you're right.",
    "I'M SURE IT'S FINE, WE'LL SEE",
    "Don't stop. Won't stop. Can't stop.",
    "e-mail: someone@example.com, url: https://example.com/path?q=1&r=2#frag",
    "C:\\Users\\kvasir\\models\\llama.safetensors",
    "    def forward(self, x):\n        return self.linear(x) + x\n",
    "\tif (x > 0) {\n\t\treturn x;\n\t}\n",
    "public static void main(String[] args) {\n    System.out.println(\"Hi\");\n}",
    "for i in range(10):\n    print(i)\n\n\n",
    "x = [1, 2, 3]  # a list\ny = {'a': 1}\n",
    "λx. x + 1",
    "12345678901234567890",
    "3.141592653589793",
    "1,000,000 and 1.000.000 and 1 000 000",
    "Version 2.0.13-rc1 released on 2025-01-31T12:00:00Z",
    "$100.00 + €85,50 = ¥12345",
    "人工智能",
    "今天天气很好，我们去公园散步吧。",
    "你好，世界！Hello, 世界!",
    "東京の桜はとてもきれいです。",
    "カタカナとひらがなと漢字",
    "한국어 텍스트도 있습니다.",
    "Привет, мир! Как дела?",
    "Съешь же ещё этих мягких французских булок.",
    "مرحبا بالعالم",
    "שלום עולם",
    "Γειά σου Κόσμε",
    "नमस्ते दुनिया",
    "สวัสดีชาวโลก",
    "Café naïve façade jalapeño Zürich São Paulo Kraków Åre",
    "Cafe\u0301 nai\u0308ve (decomposed accents)",
    "\u00c5ngstr\u00f6m vs A\u030angstro\u0308m",
    "ﬁ ﬂ ﬀ ligatures and ２４ fullwidth",
    "🍕",
    "I love pizza 🍕!",
    "👨‍👩‍👧‍👦",
    "👍🏻👍🏼👍🏽👍🏾👍🏿",
    "🏳️‍🌈 🏴‍☠️ 🇫🇷🇯🇵🇺🇸",
    "❤️‍🔥 and 🧑🏽‍💻 and 👩‍❤️‍💋‍👨",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕞𝕒𝕥𝕙 𝒜𝒷𝒸",
    "𓀀𓀁 ancient 🀄 mahjong",
    "\u200b zero width \u200d joiner \ufeff bom",
    "tab\tseparated\tvalues\n1\t2\t3",
    "windows\r\nline\r\nendings\r\n",
    "  leading spaces",
    "trailing spaces   ",
    "\n\nleading newlines",
    "trailing newlines\n\n",
    " \t \n mixed \n \t ",
    "a\u00a0non-breaking\u00a0space",
    "<|eot_id|>",
    "Hello<|eot_id|>world",
    "<|begin_of_text|>Hi<|end_of_text|>",
    "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
    "[INST] What is 2+2? [/INST]",
    "[INST]no spaces[/INST]",
    "<s>[INST] hi [/INST] hello</s>",
    "<s> </s> <unk>",
    "<|im_start|>user\nHi<|im_end|>\n",
    "<|endoftext|>",
    "text <|im_end|> text",
    "<|not_a_special_token|>",
    "< s > [ INST ] <|eot_id |>",
    "<<SYS>>\nsystem\n<</SYS>>",
    "!!!???...,,,;;;:::",
    "((( ))) [[[ ]]] {{{ }}} <<< >>>",
    "a+b=c; a-b=d; a*b=e; a/b=f; a%b=g; a^b=h",
    "#!/usr/bin/env python3",
    "~`@#$%^&*()_-+={}[]|\\:;\"'<>,.?/",
    "____init____ ----- ===== *****",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "ababababababababababababab",
    "The year 1999 and 2000 and 20001",
    "Call 555-0123 or +1 (800) 555-0199.",
    "supercalifragilisticexpialidocious",
    "a supercalifragilisticexpialidocious day",
    "kvasir",
    "the kvasir engine, Kvasir, KVASIR and kvasirs",
    "Pneumonoultramicroscopicsilicovolcanoconiosis",
    "ＡＢＣ ｱｲｳ",
    "\u0000 nul \u0001 soh \u007f del",
    "\u2028 line separator \u2029 paragraph separator",
    "emoji at end 🎉",
    "🎉 emoji at start",
    "unicode ellipsis… and dashes — – and quotes “double” ‘single’",
]

_WORDS = (
    "the of and to in is that for it as was with be by on not he this are or his from at which but have an "
    "they you were her she there one all we can has more do will if model cache token memory attention layer "
    "quantize window budget prefill decode Java Python tensor matrix vector kernel engine compress keep drop "
    "Hello World KV RoPE GQA SnapKV float bfloat16 safetensors ünïcödé naïve résumé"
).split()
_CJK = "人工智能语言模型内存速度重要北京上海我喜欢喝茶读书天气公园春花鸟树唱歌龍鳳麟"
_KANA = "あいうえおかきくけこさしすせそたちつてとアイウエオカキクケコ"
_EMOJI = ["🍕", "☕", "👍", "👍🏽", "🎉", "🚀", "✨", "❤️", "👨‍👩‍👧", "🇫🇷", "🤖", "🧠", "😀", "🙈", "🐍"]
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_PUNCT = list(".,;:!?()[]{}<>\"'-_/\\|@#$%^&*+=~`")
_RARE = ["\u0f00", "\u16a0", "\u2603", "\u29bf", "\U0001f9ec", "\U00010348", "\u0d05", "\u1200", "\u13a0", "\ua000"]


def _random_piece(rng):
    kind = rng.randrange(10)
    if kind == 0:
        return rng.choice(_WORDS)
    if kind == 1:
        return "".join(rng.choice(_CJK) for _ in range(rng.randint(1, 6)))
    if kind == 2:
        return "".join(rng.choice(_KANA) for _ in range(rng.randint(1, 5)))
    if kind == 3:
        return "".join(rng.choice(_EMOJI) for _ in range(rng.randint(1, 3)))
    if kind == 4:
        return str(rng.randrange(10 ** rng.randint(1, 12)))
    if kind == 5:
        return "".join(rng.choice(_PUNCT) for _ in range(rng.randint(1, 3)))
    if kind == 6:
        return "".join(rng.choice(_CYRILLIC) for _ in range(rng.randint(2, 8)))
    if kind == 7:
        return "".join(rng.choice(_ARABIC) for _ in range(rng.randint(2, 6)))
    if kind == 8:
        return rng.choice(SPECIAL_TEXTS)
    return rng.choice(_RARE)


def _random_space(rng):
    return rng.choice([" ", " ", " ", "  ", "   ", "\n", "\n\n", "\t", " \n", "\n ", "\r\n", ""])


def tokenizer_test_strings():
    """Hand-written strings plus seeded generated ones; at least 220, no duplicates."""
    rng = random.Random(20250131)
    out = list(HAND_WRITTEN)
    for n in range(1, 11):
        out.append(" " * n)
        out.append("x" + " " * n + "y")
        out.append(" " * n + "indented")
        out.append("end" + " " * n)
        out.append("\n" * n)
        out.append("\t" * n + "tabbed")
    for n in range(1, 6):
        out.append("line\n" + " " * (4 * n) + "code")
        out.append(" \t" * n)
    for digits in range(1, 25, 2):
        out.append(str(rng.randrange(10 ** (digits - 1), 10 ** digits)))
    for _ in range(8):
        out.append(f"{rng.randrange(1000)}.{rng.randrange(10000):04d} {rng.randrange(10 ** 7):,}")
    for _ in range(90):
        count = rng.randint(1, 12)
        text = "".join(_random_piece(rng) + _random_space(rng) for _ in range(count))
        out.append(text)
    for _ in range(10):
        out.append("".join(rng.choice(_RARE) for _ in range(rng.randint(1, 4))))
    for line in (PROSE + PYTHON_CODE + JAVA_CODE + CHINESE).splitlines(keepends=True)[::3]:
        out.append(line)
    seen = set()
    unique = []
    for s in out:
        if s not in seen:
            seen.add(s)
            unique.append(s)
    return unique


CONVERSATIONS = [
    [{"role": "user", "content": "Hello!"}],
    [{"role": "system", "content": "You are a terse assistant."},
     {"role": "user", "content": "What is the capital of France?"}],
    [{"role": "user", "content": "Write a haiku about caches."},
     {"role": "assistant", "content": "Keys fade into dust,\nvalues kept by attention,\nmemory grows light."},
     {"role": "user", "content": "Now one about tokens."}],
    [{"role": "system", "content": "You translate English to Chinese."},
     {"role": "user", "content": "Good morning"},
     {"role": "assistant", "content": "早上好"},
     {"role": "user", "content": "Thank you very much 🙏"}],
    [{"role": "user", "content": "  spaces around  "},
     {"role": "assistant", "content": "\nnewlines around\n"}],
    [{"role": "user", "content": "def f(x):\n    return x * 2\n\nWhat does this do?"},
     {"role": "assistant", "content": "It doubles its argument."}],
    [{"role": "system", "content": "Be nice."},
     {"role": "user", "content": "Is <|eot_id|> or [INST] or <|im_end|> special here?"},
     {"role": "assistant", "content": "Only in the template, not in content... usually."},
     {"role": "user", "content": "Ok."}],
]


def chat_renderings():
    """(messages, add_generation_prompt) pairs: every conversation with and without the prompt."""
    return [(messages, flag) for messages in CONVERSATIONS for flag in (True, False)]


def long_prompt():
    """A long plain prompt (several hundred tokens with any of the fixture tokenizers)."""
    return (PROSE + "\n" + PYTHON_CODE)


MODEL_PROMPTS = {
    "short": "The old lighthouse",
    "code": "def load_vocab(path):\n    with open(path) as f:\n",
    "unicode": "人工智能 and café 🍕: 12345",
}

CHAT_MESSAGES = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Tell me about the lighthouse keeper."},
]
