"""The demo model's task: filler text from a small grammar, RULER-style magic-number facts, and the
question/answer format. Shared by train_demo_model.py (training data) and the exported
demo_task.json + haystack.txt that `kvasir demo` reads, so that both sides use one definition."""

import random

INSTRUCTION = ("Some special magic numbers are hidden within the following text. Make sure to memorize them. "
               "I will quiz you about the numbers afterwards.")
FACT = "The special magic number for {key} is {value}."
QUESTION = "What is the special magic number for {key} mentioned in the provided text?"
ANSWER_PREFIX = "The special magic number for {key} is"
VALUE_DIGITS = 6

# Keys never occur in the filler, so the only place a key appears is its fact (and the question).
KEYS = """falcon otter walnut quartz cobalt saffron juniper heron lynx marble cedar amber pelican
tundra glacier comet nebula orchid cactus bamboo maple willow badger beaver bison coyote ferret
gecko iguana jackal koala lemur mongoose narwhal ocelot panther puffin raccoon salmon tapir toucan
vulture walrus zebra alpaca bobcat condor dingo egret flamingo gazelle hyena ibis jaguar kestrel
llama magpie newt oriole parrot quail raven sparrow turkey urchin viper wombat yak anchor barrel
candle dagger easel funnel goblet hammer igloo kettle ladder mitten needle oyster paddle quiver
ribbon saddle thimble umbrella violin whistle yacht zipper almond basil cumin dill fennel garlic
ginger hazel lentil mango nutmeg olive papaya quince radish sesame thyme vanilla wasabi yam zinnia
crimson indigo scarlet violet emerald topaz garnet opal onyx jasper pearl ruby sapphire silver
copper bronze iron nickel pewter platinum granite basalt slate pumice""".split()

NAMES = """Anna Ben Clara David Elena Felix Grace Hugo Iris Jonas Karin Leo Mira Nils Olga Paul Rosa
Simon Tara Victor Wanda Yusuf Zoe Marta Oscar Lena Tomas Helga Ivan Nora""".split()
NOUNS = """house garden river village teacher letter window market bridge road forest kitchen city
farmer doctor child student train station library school island harbor castle tower painter
writer soldier sailor baker merchant neighbor friend stranger king queen lamp table chair door
wall roof field hill mountain lake valley storm cloud song story book map journey boat wagon
horse dog cat bird tree flower stone coin clock bell""".split()
ADJECTIVES = """old small quiet bright dark narrow wide warm cold heavy light busy empty famous
strange gentle careful tired happy sad proud young ancient broken green blue red yellow silent
noisy distant hidden simple clever""".split()
VERBS_PAST = """visited found built carried painted opened closed watched followed crossed
repaired cleaned described remembered forgot discovered sold bought borrowed moved left reached
passed climbed explored""".split()
VERBS_INTRANS = """waited slept laughed arrived disappeared stayed rested worked travelled
listened wandered returned smiled shouted""".split()
VERBS_BASE = """visit find build carry paint open close watch follow cross repair clean describe
remember discover sell buy move leave reach climb explore""".split()
ADVERBS = """slowly quickly quietly carefully happily suddenly early late often rarely again
together gladly calmly""".split()
TIMES = """in the morning|in the evening|at night|before dawn|after lunch|on Monday|on Sunday|in winter|in summer|
last year|the next day|for a long time|every spring|during the festival""".replace("\n", "").split("|")
PLACES = """market|harbor|valley|old town|library|forest|village square|castle garden|train station|
mountain road""".replace("\n", "").split("|")

TEMPLATES = [
    "The {adj} {noun} {vpast} the {noun2} {time}.",
    "{name} {vpast} the {adj} {noun} {adv}.",
    "In the {place}, the {noun} {vintr} while the {noun2} {vintr2}.",
    "Nobody knew why the {noun} was so {adj}.",
    "{name} said that the {noun} would {vbase} the {noun2} {time}.",
    "After the {adj} {noun} {vintr}, {name} {vpast} the {noun2}.",
    "Every {noun} in the {place} was {adj} and {adj2}.",
    "{name} and {name2} {vintr} near the {adj} {noun}.",
    "It was {adj} {time}, so the {noun} {vintr} {adv}.",
    "The {noun} of the {noun2} looked {adj} to {name}.",
    "When {name} {vpast} the {noun}, the {noun2} {vintr}.",
    "There was a {adj} {noun} beside the {noun2}.",
    "{name} wanted to {vbase} the {adj} {noun} before {name2} {vintr}.",
    "Some people say the {noun} {vintr} {time}.",
    "The {noun2} {vintr} {adv}, and the {adj} {noun} {vintr2} too.",
    "Why would anyone {vbase} a {adj} {noun}?",
]


def sentence(rng: random.Random) -> str:
    def pick(options):
        return rng.choice(options)
    slots = dict(adj=pick(ADJECTIVES), adj2=pick(ADJECTIVES), noun=pick(NOUNS), noun2=pick(NOUNS),
                 vpast=pick(VERBS_PAST), vintr=pick(VERBS_INTRANS), vintr2=pick(VERBS_INTRANS),
                 vbase=pick(VERBS_BASE), adv=pick(ADVERBS), time=pick(TIMES), place=pick(PLACES),
                 name=pick(NAMES), name2=pick(NAMES))
    return rng.choice(TEMPLATES).format(**slots)


def value(rng: random.Random) -> str:
    return str(rng.randrange(10 ** (VALUE_DIGITS - 1), 10 ** VALUE_DIGITS))


def user_message(context: str, key: str) -> str:
    return INSTRUCTION + "\n" + context + "\n" + QUESTION.format(key=key)


def chat_prompt(context: str, key: str) -> str:
    """The chat template's rendering of one user turn plus the generation prompt and answer prefix."""
    return ("<|im_start|>user\n" + user_message(context, key) + "<|im_end|>\n<|im_start|>assistant\n"
            + ANSWER_PREFIX.format(key=key))


CHAT_TEMPLATE = ("{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}"
                 "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
