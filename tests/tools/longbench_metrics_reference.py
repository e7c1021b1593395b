#!/usr/bin/env python3
"""Records LongBench metric values computed by the official metric code into
tests/fixtures/longbench/metrics_reference.json (read by LongBenchMetricsReferenceTest).

Run: /root/kvasir-venv/bin/python tests/tools/longbench_metrics_reference.py

Provenance of each metric implementation below:
* qa_f1, classification, retrieval, count, code_sim and eval.py's `scorer` / `scorer_e`:
  copied verbatim from THUDM/LongBench `LongBench/metrics.py` and `LongBench/eval.py`.
* qa_f1_zh, rouge_zh, normalize_zh_answer: copied verbatim from the same metrics.py; they call the real
  jieba 0.42.1 and fuzz.ratio is the real fuzzywuzzy 0.18, both from Debian (`apt-get install
  python3-jieba python3-fuzzywuzzy`; neither is on the local PyPI index), imported from
  /usr/lib/python3/dist-packages. fuzzywuzzy's StringMatcher uses the installed `Levenshtein` package.
* rouge: the PyPI `rouge` 1.0.1 package is neither on the local index nor in Debian;
  `Rouge().get_scores(avg=True)` for the rouge-1/2/l metrics is transcribed from rouge 1.0.1
  (rouge/rouge.py, rouge/rouge_score.py).
* jieba_reference.json: `list(jieba.cut(s))` of hand-written sentences and of seeded random mixes of
  dictionary words, single characters, ASCII, whitespace and full-width characters.
"""
import itertools
import json
import os
import re
import string
import sys
from collections import Counter

import random

import numpy as np

sys.path.append("/usr/lib/python3/dist-packages")  # Debian's python3-jieba and python3-fuzzywuzzy
import jieba  # noqa: E402
from fuzzywuzzy import fuzz  # noqa: E402

jieba.setLogLevel(60)
assert jieba.__version__ == "0.42.1", jieba.__version__
# fuzzywuzzy silently falls back to difflib without a Levenshtein package; make sure it did not.
assert fuzz.SequenceMatcher.__module__ == "fuzzywuzzy.StringMatcher", fuzz.SequenceMatcher.__module__
fuzz_ratio = fuzz.ratio


# ---------------------------------------------------------------- rouge 1.0.1 (transcribed)
sys.setrecursionlimit(1000)


def _get_ngrams(n, text):
    ngram_set = set()
    text_length = len(text)
    max_index_ngram_start = text_length - n
    for i in range(max_index_ngram_start + 1):
        ngram_set.add(tuple(text[i:i + n]))
    return ngram_set


def _split_into_words(sentences):
    return list(itertools.chain(*[_.split(" ") for _ in sentences]))


def _get_word_ngrams(n, sentences):
    assert len(sentences) > 0
    assert n > 0
    words = _split_into_words(sentences)
    return _get_ngrams(n, words)


def _len_lcs(x, y):
    table = _lcs(x, y)
    n, m = len(x), len(y)
    return table[n, m]


def _lcs(x, y):
    n, m = len(x), len(y)
    table = dict()
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 or j == 0:
                table[i, j] = 0
            elif x[i - 1] == y[j - 1]:
                table[i, j] = table[i - 1, j - 1] + 1
            else:
                table[i, j] = max(table[i - 1, j], table[i, j - 1])
    return table


def _recon_lcs(x, y):
    i, j = len(x), len(y)
    table = _lcs(x, y)

    def _recon(i, j):
        if i == 0 or j == 0:
            return []
        elif x[i - 1] == y[j - 1]:
            return _recon(i - 1, j - 1) + [(x[i - 1], i)]
        elif table[i - 1, j] > table[i, j - 1]:
            return _recon(i - 1, j)
        else:
            return _recon(i, j - 1)

    recon_tuple = tuple(map(lambda x: x[0], _recon(i, j)))
    return recon_tuple


def rouge_n(evaluated_sentences, reference_sentences, n=2):
    if len(evaluated_sentences) <= 0 or len(reference_sentences) <= 0:
        raise ValueError("Collections must contain at least 1 sentence.")
    evaluated_ngrams = _get_word_ngrams(n, evaluated_sentences)
    reference_ngrams = _get_word_ngrams(n, reference_sentences)
    reference_count = len(reference_ngrams)
    evaluated_count = len(evaluated_ngrams)
    overlapping_ngrams = evaluated_ngrams.intersection(reference_ngrams)
    overlapping_count = len(overlapping_ngrams)
    return f_r_p_rouge_n(evaluated_count, reference_count, overlapping_count)


def f_r_p_rouge_n(evaluated_count, reference_count, overlapping_count):
    if evaluated_count == 0:
        precision = 0.0
    else:
        precision = overlapping_count / evaluated_count
    if reference_count == 0:
        recall = 0.0
    else:
        recall = overlapping_count / reference_count
    f1_score = 2.0 * ((precision * recall) / (precision + recall + 1e-8))
    return {"f": f1_score, "p": precision, "r": recall}


def _union_lcs(evaluated_sentences, reference_sentence, prev_union=None):
    if prev_union is None:
        prev_union = set()
    if len(evaluated_sentences) <= 0:
        raise ValueError("Collections must contain at least 1 sentence.")
    lcs_union = prev_union
    prev_count = len(prev_union)
    reference_words = _split_into_words([reference_sentence])
    combined_lcs_length = 0
    for eval_s in evaluated_sentences:
        evaluated_words = _split_into_words([eval_s])
        lcs = set(_recon_lcs(reference_words, evaluated_words))
        combined_lcs_length += len(lcs)
        lcs_union = lcs_union.union(lcs)
    new_lcs_count = len(lcs_union) - prev_count
    return new_lcs_count, lcs_union


def rouge_l_summary_level(evaluated_sentences, reference_sentences):
    if len(evaluated_sentences) <= 0 or len(reference_sentences) <= 0:
        raise ValueError("Collections must contain at least 1 sentence.")
    m = len(set(_split_into_words(reference_sentences)))
    n = len(set(_split_into_words(evaluated_sentences)))
    union_lcs_sum_across_all_references = 0
    union = set()
    for ref_s in reference_sentences:
        lcs_count, union = _union_lcs(evaluated_sentences, ref_s, prev_union=union)
        union_lcs_sum_across_all_references += lcs_count
    llcs = union_lcs_sum_across_all_references
    r_lcs = llcs / m
    p_lcs = llcs / n
    f_lcs = 2.0 * ((p_lcs * r_lcs) / (p_lcs + r_lcs + 1e-8))
    return {"f": f_lcs, "p": p_lcs, "r": r_lcs}


class Rouge:
    AVAILABLE_METRICS = {
        "rouge-1": lambda hyp, ref: rouge_n(hyp, ref, 1),
        "rouge-2": lambda hyp, ref: rouge_n(hyp, ref, 2),
        "rouge-l": lambda hyp, ref: rouge_l_summary_level(hyp, ref),
    }
    metrics = ["rouge-1", "rouge-2", "rouge-l"]
    stats = ["f", "p", "r"]

    def get_scores(self, hyps, refs, avg=False):
        assert avg
        scores = {m: {s: 0 for s in self.stats} for m in self.metrics}
        count = 0
        for (hyp, ref) in zip(hyps, refs):
            hyp = [" ".join(_.split()) for _ in hyp.split(".") if len(_) > 0]
            ref = [" ".join(_.split()) for _ in ref.split(".") if len(_) > 0]
            for m in self.metrics:
                fn = Rouge.AVAILABLE_METRICS[m]
                sc = fn(hyp, ref)
                scores[m] = {s: scores[m][s] + sc[s] for s in self.stats}
            count += 1
        return {m: {s: scores[m][s] / count for s in self.stats} for m in self.metrics}


# ---------------------------------------------------------------- LongBench metrics.py (verbatim)
def normalize_answer(s):
    """Lower text and remove punctuation, articles and extra whitespace."""

    def remove_articles(text):
        return re.sub(r"\b(a|an|the)\b", " ", text)

    def white_space_fix(text):
        return " ".join(text.split())

    def remove_punc(text):
        exclude = set(string.punctuation)
        return "".join(ch for ch in text if ch not in exclude)

    def lower(text):
        return text.lower()

    return white_space_fix(remove_articles(remove_punc(lower(s))))


def normalize_zh_answer(s):
    """Lower text and remove punctuation, extra whitespace."""

    def white_space_fix(text):
        return "".join(text.split())

    def remove_punc(text):
        cn_punctuation = "！？｡。＂＃＄％＆＇（）＊＋，－／：；＜＝＞＠［＼］＾＿｀｛｜｝～｟｠｢｣､、〃》「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟〰〾〿–—‘’‛“”„‟…‧﹏."
        all_punctuation = set(string.punctuation + cn_punctuation)
        return "".join(ch for ch in text if ch not in all_punctuation)

    def lower(text):
        return text.lower()

    return white_space_fix(remove_punc(lower(s)))


def count_score(prediction, ground_truth, **kwargs):
    numbers = re.findall(r"\d+", prediction)
    right_num = 0
    for number in numbers:
        if str(number) == str(ground_truth):
            right_num += 1
    final_score = 0.0 if len(numbers) == 0 else right_num / len(numbers)
    return float(final_score)


def retrieval_score(prediction, ground_truth, **kwargs):
    pattern = r'Paragraph (\d+)'
    matches = re.findall(pattern, ground_truth)
    ground_truth_id = matches[0]
    numbers = re.findall(r"\d+", prediction)
    right_num = 0
    for number in numbers:
        if str(number) == str(ground_truth_id):
            right_num += 1
    final_score = 0.0 if len(numbers) == 0 else right_num / len(numbers)
    return float(final_score)


def retrieval_zh_score(prediction, ground_truth, **kwargs):
    pattern = r'段落(\d+)'
    matches = re.findall(pattern, ground_truth)
    ground_truth_id = matches[0]
    numbers = re.findall(r"\d+", prediction)
    right_num = 0
    for number in numbers:
        if str(number) == str(ground_truth_id):
            right_num += 1
    final_score = 0.0 if len(numbers) == 0 else right_num / len(numbers)
    return float(final_score)


def code_sim_score(prediction, ground_truth, **kwargs):
    all_lines = prediction.lstrip('\n').split('\n')
    prediction = ""
    for line in all_lines:
        if ('`' not in line) and ('#' not in line) and ('//' not in line):
            prediction = line
            break
    return (fuzz_ratio(prediction, ground_truth) / 100)


def classification_score(prediction, ground_truth, **kwargs):
    em_match_list = []
    all_classes = kwargs["all_classes"]
    for class_name in all_classes:
        if class_name in prediction:
            em_match_list.append(class_name)
    for match_term in em_match_list:
        if match_term in ground_truth and match_term != ground_truth:
            em_match_list.remove(match_term)
    if ground_truth in em_match_list:
        score = (1.0 / len(em_match_list))
    else:
        score = 0.0
    return score


def rouge_score(prediction, ground_truth, **kwargs):
    rouge = Rouge()
    try:
        scores = rouge.get_scores([prediction], [ground_truth], avg=True)
    except:
        return 0.0
    return scores["rouge-l"]["f"]


def f1_score(prediction, ground_truth, **kwargs):
    common = Counter(prediction) & Counter(ground_truth)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction)
    recall = 1.0 * num_same / len(ground_truth)
    f1 = (2 * precision * recall) / (precision + recall)
    return f1


def rouge_zh_score(prediction, ground_truth, **kwargs):
    prediction = " ".join(list(jieba.cut(prediction, cut_all=False)))
    ground_truth = " ".join(list(jieba.cut(ground_truth, cut_all=False)))
    score = rouge_score(prediction, ground_truth)
    return score


def qa_f1_score(prediction, ground_truth, **kwargs):
    normalized_prediction = normalize_answer(prediction)
    normalized_ground_truth = normalize_answer(ground_truth)

    prediction_tokens = normalized_prediction.split()
    ground_truth_tokens = normalized_ground_truth.split()
    return f1_score(prediction_tokens, ground_truth_tokens)


def qa_f1_zh_score(prediction, ground_truth, **kwargs):
    prediction_tokens = list(jieba.cut(prediction, cut_all=False))
    ground_truth_tokens = list(jieba.cut(ground_truth, cut_all=False))
    prediction_tokens = [normalize_zh_answer(token) for token in prediction_tokens]
    ground_truth_tokens = [normalize_zh_answer(token) for token in ground_truth_tokens]
    prediction_tokens = [token for token in prediction_tokens if len(token) > 0]
    ground_truth_tokens = [token for token in ground_truth_tokens if len(token) > 0]
    return f1_score(prediction_tokens, ground_truth_tokens)


METRICS = {
    "qa_f1": qa_f1_score,
    "qa_f1_zh": qa_f1_zh_score,
    "rouge": rouge_score,
    "rouge_zh": rouge_zh_score,
    "classification": classification_score,
    "retrieval": retrieval_score,
    "retrieval_zh": retrieval_zh_score,
    "count": count_score,
    "code_sim": code_sim_score,
}

dataset2metric = {
    "narrativeqa": qa_f1_score, "qasper": qa_f1_score, "multifieldqa_en": qa_f1_score,
    "multifieldqa_zh": qa_f1_zh_score, "dureader": rouge_zh_score, "vcsum": rouge_zh_score,
    "lsht": classification_score,
    "hotpotqa": qa_f1_score, "2wikimqa": qa_f1_score, "musique": qa_f1_score,
    "gov_report": rouge_score, "qmsum": rouge_score, "multi_news": rouge_score,
    "trec": classification_score, "triviaqa": qa_f1_score, "samsum": rouge_score,
    "passage_retrieval_en": retrieval_score, "passage_count": count_score,
    "passage_retrieval_zh": retrieval_zh_score, "lcc": code_sim_score, "repobench-p": code_sim_score,
}


# ---------------------------------------------------------------- LongBench eval.py (verbatim)
def scorer_e(dataset, predictions, answers, lengths, all_classes):
    scores = {"0-4k": [], "4-8k": [], "8k+": []}
    for (prediction, ground_truths, length) in zip(predictions, answers, lengths):
        score = 0.
        if dataset in ["trec", "triviaqa", "samsum", "lsht"]:
            prediction = prediction.lstrip('\n').split('\n')[0]
        for ground_truth in ground_truths:
            score = max(score, dataset2metric[dataset](prediction, ground_truth, all_classes=all_classes))
        if length < 4000:
            scores["0-4k"].append(score)
        elif length < 8000:
            scores["4-8k"].append(score)
        else:
            scores["8k+"].append(score)
    for key in scores.keys():
        scores[key] = round(100 * np.mean(scores[key]), 2)
    return scores


def scorer(dataset, predictions, answers, all_classes):
    total_score = 0.
    for (prediction, ground_truths) in zip(predictions, answers):
        score = 0.
        if dataset in ["trec", "triviaqa", "samsum", "lsht"]:
            prediction = prediction.lstrip('\n').split('\n')[0]
        for ground_truth in ground_truths:
            score = max(score, dataset2metric[dataset](prediction, ground_truth, all_classes=all_classes))
        total_score += score
    return round(100 * total_score / len(predictions), 2)


# ---------------------------------------------------------------- cases
TREC = ["Location", "Entity", "Description", "Human being", "Abbreviation", "Numeric value", "New", "York", "New York"]

CASES = [
    # qa_f1
    ("qa_f1", "The Eiffel Tower, in Paris.", "Eiffel tower", None),
    ("qa_f1", "a cat and the dog", "the dog and a cat", None),
    ("qa_f1", "yes yes no", "yes", None),
    ("qa_f1", "unanswerable", "Unanswerable.", None),
    ("qa_f1", "", "x", None),
    ("qa_f1", "x", "", None),
    ("qa_f1", "The theory of relativity", "theory relativity", None),
    ("qa_f1", "An apple a day keeps the doctor away", "apple day doctor", None),
    ("qa_f1", "Theodore and Anna went to the-theatre", "theatre Anna", None),
    ("qa_f1", "1,234 people (approx.)", "1234 people", None),
    ("qa_f1", "  multiple\tspaces\nand\u00a0nbsp  ", "multiple spaces and nbsp", None),
    ("qa_f1", "Ünïcode CAFÉ résumé", "café RESUME", None),
    ("qa_f1", "the the the", "the", None),
    ("qa_f1", "New York City, New York", "New York", None),
    ("qa_f1", "Answer: 42 years old", "42", None),
    ("qa_f1", "He was born in 1879 in Ulm, Germany.", "Ulm, Kingdom of Württemberg, German Empire", None),
    ("qa_f1", "a", "an", None),
    ("qa_f1", "A-ha! The band's name", "a ha band s name", None),
    # rouge
    ("rouge", "the cat sat on the mat", "the cat lay on the mat", None),
    ("rouge", "The cat sat. It was happy.", "The cat was happy. It sat.", None),
    ("rouge", "", "anything", None),
    ("rouge", "...", "x", None),
    ("rouge", "x", "", None),
    ("rouge", "a b c d e", "e d c b a", None),
    ("rouge", "The report finds that the agency lacked oversight. It recommends new controls.",
     "GAO found the agency lacked oversight of contracts. GAO recommends that the agency adopt new controls.", None),
    ("rouge", "Speaker A proposed a budget.   The team agreed.\n\nNext steps were set.",
     "The team agreed on the budget proposed by Speaker A. Next steps: none.", None),
    ("rouge", "word word word", "word", None),
    ("rouge", " . x", "x y", None),
    ("rouge", "Hello, world. Hello, world.", "hello world", None),
    ("rouge", "Tom and Jerry are friends.Tom likes cheese", "Jerry likes cheese. Tom and Jerry are friends.", None),
    ("rouge", "Mr. Smith went to Washington. He met Dr. Jones.", "Smith met Jones in Washington.", None),
    ("rouge", "a b a b a b", "b a b a", None),
    # classification
    ("classification", "Location", "Location", ["Location", "Entity", "Description"]),
    ("classification", "Human being or Location", "Location", ["Human being", "Location", "Description"]),
    ("classification", "New York", "New York", ["New", "York", "New York"]),
    ("classification", "Entity", "Location", TREC),
    ("classification", "Numeric value and Description and Entity", "Numeric value", TREC),
    ("classification", "nothing", "Location", TREC),
    ("classification", "York New York", "York", ["New", "York", "New York"]),
    ("classification", "New York", "New", ["New York", "New", "York"]),
    ("classification", "Abbreviation", "Abbreviation", ["Abbreviation", "Abbreviation", "Entity"]),
    # retrieval
    ("retrieval", "Paragraph 3", "Paragraph 3", None),
    ("retrieval", "Paragraph 3 and Paragraph 30", "Paragraph 3", None),
    ("retrieval", "It is paragraph 5 of 30", "Paragraph 5", None),
    ("retrieval", "no numbers here", "Paragraph 5", None),
    ("retrieval", "Paragraph 07", "Paragraph 7", None),
    ("retrieval", "Paragraph 12, Paragraph 12, Paragraph 1", "Paragraph 12", None),
    # retrieval_zh
    ("retrieval_zh", "段落27", "段落27", None),
    ("retrieval_zh", "答案是段落3，不是段落13", "段落3", None),
    ("retrieval_zh", "无", "段落3", None),
    # count
    ("count", "There are 12 unique paragraphs, not 13.", "12", None),
    ("count", "12", "12", None),
    ("count", "none", "12", None),
    ("count", "12 12 12 4", "12", None),
    ("count", "The final answer is: 112", "12", None),
    # code_sim
    ("code_sim", "\n    return a + b\n", "    return a + b", None),
    ("code_sim", "```python\n# comment\nx = foo(1)\n", "x = foo(2)", None),
    ("code_sim", "// c\n", "abc", None),
    ("code_sim", "kitten", "sitting", None),
    ("code_sim", "abcdefgh", "abcdeXYZ", None),
    ("code_sim", "abcdefgh", "abcdefgX", None),
    ("code_sim", "", "", None),
    ("code_sim", "\n\n\n", "", None),
    ("code_sim", "        self.assertEqual(result, expected)", "        self.assertEqual(expected, result)", None),
    ("code_sim", "for (int i = 0; i < n; i++) {", "for (int j = 0; j < n; ++j) {", None),
    ("code_sim", "public void run() { // start\n    start();", "    start();", None),
    ("code_sim", "import numpy as np", "import torch", None),
    ("code_sim", "résumé = 'naïve'", "resume = 'naive'", None),
    ("code_sim", "a", "b", None),
    ("code_sim", "x" * 30 + "y", "x" * 31, None),
    # qa_f1_zh (multifieldqa_zh)
    ("qa_f1_zh", "北京是中国的首都。", "中国的首都是北京", None),
    ("qa_f1_zh", "答案是：清华大学", "清华大学", None),
    ("qa_f1_zh", "他毕业于中国科学院计算所", "中国科学院", None),
    ("qa_f1_zh", "2019年12月", "2019年", None),
    ("qa_f1_zh", "iPhone 15 Pro的售价是7999元", "7999元", None),
    ("qa_f1_zh", "“你好，”她说。", "你好", None),
    ("qa_f1_zh", "", "北京", None),
    ("qa_f1_zh", "。。。！", "北京", None),
    ("qa_f1_zh", "工信处女干事每月经过下属科室", "女干事", None),
    ("qa_f1_zh", "李小福是创新办主任", "创新办主任李小福", None),
    ("qa_f1_zh", "ＡＢＣ公司 与 abc公司", "abc公司", None),
    ("qa_f1_zh", "约 3.5% 的用户", "3.5%", None),
    ("qa_f1_zh", "他来到了网易杭研大厦", "网易杭研大厦", None),
    ("qa_f1_zh", "结婚的和尚未结婚的", "和尚", None),
    # rouge_zh (dureader, vcsum)
    ("rouge_zh", "会议讨论了预算问题。", "本次会议主要讨论预算。", None),
    ("rouge_zh", "我爱北京天安门", "我爱北京天安门", None),
    ("rouge_zh", "", "本次会议主要讨论预算。", None),
    ("rouge_zh", "本次会议讨论了项目进度、预算分配和人员安排三个议题，最后确定了下一步计划。",
     "会议主要讨论了项目进度和预算分配，并确定下一步工作计划。", None),
    ("rouge_zh", "南京市长江大桥于1968年建成通车。它是第一座自主设计的大桥.", "南京长江大桥1968年通车. 大桥由中国自主设计建造。", None),
    ("rouge_zh", "研究生命起源", "研究 生命 起源", None),
    ("rouge_zh", "小明硕士毕业于中国科学院计算所，后在日本京都大学深造", "小明在日本京都大学深造", None),
    ("rouge_zh", "Python和Java都是流行的编程语言", "Java是流行的编程语言", None),
    ("rouge_zh", "...。。。", "x", None),
    # retrieval_zh (passage_retrieval_zh) and classification with Chinese classes (lsht)
    ("retrieval_zh", "段落5", "段落5", None),
    ("retrieval_zh", "我认为是段落12或段落2", "段落12", None),
    ("classification", "这是一条体育新闻", "体育", ["体育", "财经", "科技", "娱乐"]),
    ("classification", "财经、科技", "科技", ["体育", "财经", "科技", "娱乐"]),
    ("classification", "国际足球", "足球", ["足球", "国际足球", "篮球"]),
]

# Whole-dataset cases for eval.py's scorer / scorer_e (first-line rule, max over answers, rounding).
DATASET_CASES = [
    ("trec", ["\n\nLocation\nmore", "Entity", "Human being", "Description or Entity"],
     [["Location"], ["Location"], ["Human being"], ["Entity"]], [100, 5000, 9000, 3999], TREC),
    ("triviaqa", ["Paris\nQuestion: x", "the Moon", "1969", "nope"],
     [["Paris", "paris, france"], ["Moon"], ["July 1969", "1969"], ["yes"]], [3000, 4000, 7999, 8000], None),
    ("samsum", ["Tom will bring cake.\nJane: ok", "They meet at noon."],
     [["Tom brings the cake."], ["They will meet at 12."]], [200, 9000], None),
    ("passage_count", ["3", "There are 5 paragraphs", "4 or 5"], [["3"], ["6"], ["5"]], [5000, 5000, 5000], None),
    ("lcc", ["x = 1\n", "# c\nreturn y", "```\n"], [["x = 2"], ["return y"], ["pass"]], [1000, 2000, 10000], None),
    ("gov_report", ["The agency lacked oversight. It recommends controls.", ""],
     [["GAO found the agency lacked oversight."], ["x"]], [8000, 8000], None),
    ("multifieldqa_zh", ["北京是中国的首都。", "清华大学", "不知道"],
     [["中国的首都是北京"], ["北京清华大学", "清华"], ["上海"]], [3000, 5000, 9000], None),
    ("dureader", ["会议讨论了预算问题。", "我爱北京天安门"], [["本次会议主要讨论预算。"], ["天安门"]], [4000, 12000], None),
    ("vcsum", ["本次会议讨论了项目进度、预算分配和人员安排三个议题。", ""],
     [["会议主要讨论了项目进度和预算分配。"], ["无"]], [10000, 10000], None),
    ("lsht", ["\n体育\n财经", "财经和科技", "娱乐"], [["体育"], ["科技"], ["财经"]], [1000, 1000, 1000],
     ["体育", "财经", "科技", "娱乐"]),
    ("passage_retrieval_zh", ["段落3", "段落3和段落13", "无"], [["段落3"], ["段落13"], ["段落1"]], [100, 100, 100], None),
    ("hotpotqa", ["Paris", "London", "Rome", "Berlin", "Madrid", "Oslo", "Kyiv", "Bern", "Vienna"],
     [["Paris"], ["London England"], ["a Rome"], ["Berlin is"], ["no"], ["Oslo"], ["Kyiv city of"], ["x Bern y z"],
      ["Vienna"]], [100] * 9, None),
]


# Sentences for the segmentation fixture: ambiguity classics, names, numbers, mixed scripts, punctuation.
JIEBA_SENTENCES = [
    "我来到北京清华大学", "他来到了网易杭研大厦", "小明硕士毕业于中国科学院计算所，后在日本京都大学深造",
    "工信处女干事每月经过下属科室都要亲口交代24口交换机等技术性器件的安装工作", "结婚的和尚未结婚的",
    "永和服装饰品有限公司", "我爱北京天安门，天安门上太阳升。", "会议于2023年5月12日在上海召开，共有120名代表出席。",
    "iPhone 15 Pro的售价是7999元人民币。", "Python和Java都是流行的编程语言，GPT-4也很有名。",
    "“你好，”她说，“今天天气真不错！”", "这篇文章讨论了大语言模型的长上下文推理能力以及KV缓存压缩方法。",
    "南京市长江大桥", "研究生命起源", "他说的确实在理", "中华人民共和国成立于1949年10月1日。",
    "李小福是创新办主任也是云计算方面的专家", "据新华社报道，国务院总理出席了第三届中国国际进口博览会开幕式。",
    "答案是段落12，而不是段落21。", "乒乓球拍卖完了", "我们在野生动物园玩", "张三丰和李四光都是历史人物吗？",
    "The quick brown fox 跳过了 lazy dog。", "ＡＢＣ全角字母和１２３全角数字", "３．１４１５９是圆周率的近似值",
    "e-mail地址是test@example.com，请查收。", "好好学习，天天向上", "韩国首尔特别市的人口约为九百七十万。",
    "增长率为12.5%，高于预期的3%。", "C++和C#是两种语言&它们都很流行", "第一行\r\n第二行\n第三行\t结束",
    "\u3000全角空格\u00a0和不换行空格", "𠀀是扩展B区的字，😀是表情", "",
]


def jieba_cases():
    """Hand-written sentences plus seeded random mixes that exercise the DAG route and the HMM."""
    rnd = random.Random(20240501)
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        words = [line.split(" ")[0] for line in f]
    han = [chr(c) for c in range(0x4E00, 0x9FD6)]
    common = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
    other = list("abcXYZ0189+#&._%- ,!?\n\r\t") + ["\r\n", "，", "。", "“", "”", "Ａ", "１", "\u3000", "𠀀", "😀"]
    cases = list(JIEBA_SENTENCES)
    for _ in range(200):
        parts = []
        for _ in range(rnd.randint(1, 20)):
            r = rnd.random()
            pool = words if r < 0.45 else common if r < 0.75 else han if r < 0.85 else other
            parts.append(rnd.choice(pool))
        cases.append("".join(parts))
    return [{"text": t, "tokens": list(jieba.cut(t, cut_all=False))} for t in cases]


def main():
    out = {"provenance": __doc__.strip(), "metrics": [], "datasets": []}
    for metric, pred, ref, classes in CASES:
        value = METRICS[metric](pred, ref, all_classes=classes)
        out["metrics"].append({"metric": metric, "prediction": pred, "reference": ref,
                               "all_classes": classes, "value": float(value)})
    for dataset, preds, answers, lengths, classes in DATASET_CASES:
        out["datasets"].append({
            "dataset": dataset, "predictions": preds, "answers": answers, "lengths": lengths,
            "all_classes": classes,
            "score": scorer(dataset, preds, answers, classes),
            "score_e": {k: (None if v != v else v) for k, v in
                        scorer_e(dataset, preds, answers, lengths, classes).items()},
        })
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "fixtures", "longbench", "metrics_reference.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    # The same dataset cases as prediction files in the official layout, for `kvasir longbench-score`.
    pred_dir = os.path.join(here, "..", "fixtures", "longbench", "pred")
    os.makedirs(pred_dir, exist_ok=True)
    for d in out["datasets"]:
        with open(os.path.join(pred_dir, d["dataset"] + ".jsonl"), "w", encoding="utf-8") as f:
            for k, pred in enumerate(d["predictions"]):
                f.write(json.dumps({"pred": pred, "answers": d["answers"][k], "all_classes": d["all_classes"],
                                    "length": d["lengths"][k]}, ensure_ascii=False) + "\n")
    seg = jieba_cases()
    seg_path = os.path.join(here, "..", "fixtures", "longbench", "jieba_reference.json")
    with open(seg_path, "w", encoding="utf-8") as f:
        json.dump({"provenance": "list(jieba.cut(text)) of jieba " + jieba.__version__ +
                   ", written by tests/tools/longbench_metrics_reference.py", "cases": seg}, f, ensure_ascii=False, indent=0)
        f.write("\n")
    print(f"wrote {len(out['metrics'])} metric cases and {len(out['datasets'])} dataset cases to {path}")
    print(f"wrote {len(seg)} segmentation cases ({sum(len(c['tokens']) for c in seg)} tokens) to {seg_path}")


if __name__ == "__main__":
    main()
