#!/usr/bin/env python3
"""Records needle scores into tests/fixtures/needle/score_reference.json (read by NeedleScoreReferenceTest).

Run: /root/kvasir-venv/bin/python tests/tools/needle_score_reference.py

* Stems: the real nltk PorterStemmer (default NLTK_EXTENSIONS mode), as rouge_score uses it.
* ROUGE-1: google-research rouge_score is not on the local package index; its tokenize() and _score_ngrams()
  for rouge1 are transcribed below (rouge_score/tokenize.py, rouge_scorer.py, scoring.fmeasure).
* Heatmap score: scripts/scripts_needle/visualize.py's per-file formula.
"""
import collections
import json
import os
import re

from nltk.stem import porter

NEEDLE = "\nThe best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.\n"
STEMMER = porter.PorterStemmer()
NON_ALPHANUM_RE = re.compile(r"[^a-z0-9]+")
SPACES_RE = re.compile(r"\s+")
VALID_TOKEN_RE = re.compile(r"^[a-z0-9]+$")


def tokenize(text, stemmer):
    text = text.lower()
    text = NON_ALPHANUM_RE.sub(" ", text)
    tokens = SPACES_RE.split(text)
    if stemmer:
        tokens = [stemmer.stem(x) if len(x) > 3 else x for x in tokens]
    return [x for x in tokens if VALID_TOKEN_RE.match(x)]


def rouge1_f(target, prediction):
    t = collections.Counter(tokenize(target, STEMMER))
    p = collections.Counter(tokenize(prediction, STEMMER))
    inter = sum(min(t[g], p[g]) for g in t)
    precision = inter / max(sum(p.values()), 1)
    recall = inter / max(sum(t.values()), 1)
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def stored_score(response):
    return 0.0 if response == "" else rouge1_f(NEEDLE, response) * 10


def heatmap_score(response):
    expected = set("eat a sandwich and sit in dolores park on a sunny day.".split())
    return len(set(response.lower().split()).intersection(expected)) / len(expected)


WORDS = """caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized hopping
tanned falling hissing fizzed failing filing happy sky relational conditional rational valenci hesitanci digitizer
conformabli radicalli differentli vileli analogousli vietnamization predication operator feudalism decisiveness
hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative formalize electriciti electrical
hopeful goodness revival allowance inference airliner gyroscopic adjustable defensible irritant replacement
adjustment dependent adoption homologou communism activate angulariti homologous effective bowdlerize probate rate
cease controlling rolling generalizations oscillators dying lying tying skies news innings outings cannings howe
proceed exceed succeed spied tried flies enjoy enjoyment spy fly try agreement analogi archaeology fully
hopefully generously sunny dolores francisco sandwich sandwiches eating sitting best thing notebooks walking
thinking writers beautiful attention problem scientists afternoon weather errands remembers landmark directions
newcomers discouraging judgement ordinary practice teachers parallel carpenter yyyy syzygy toy oats trees ivy
troubles private oaten orrery abyss really""".split()

RESPONSES = [
    "eat a sandwich and sit in Dolores Park on a sunny day.",
    NEEDLE.strip(),
    "Go to the Golden Gate Bridge.",
    "eating sandwiches in Dolores Park",
    "",
    "   ",
    "The best thing to do in San Francisco is: eat a sandwich and sit in Dolores Park on a sunny day. The best",
    "Sitting in the park, eating. Sunny days!",
    "123 sandwiches, 4 parks",
    "DOLORES PARK!!! sunny-day sandwich",
]


def main():
    out = {
        "provenance": __doc__.strip(),
        "stems": {w: STEMMER.stem(w) for w in WORDS},
        "needle_tokens": tokenize(NEEDLE, STEMMER),
        "responses": [{"response": r, "score": stored_score(r), "score_heatmap": heatmap_score(r)} for r in RESPONSES],
    }
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "fixtures", "needle", "score_reference.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(out['stems'])} stems and {len(RESPONSES)} responses to {path}")


if __name__ == "__main__":
    main()
