#!/usr/bin/env python3
"""Copies the model of Python jieba 0.42.1 (MIT licence) into kvasir's resources, for the Java port
io.kvasir.bench.longbench.Jieba that LongBench's Chinese metrics use:

* dict.txt.gz: jieba/dict.txt byte for byte (word, frequency, POS tag per line), gzip-compressed;
* hmm.tsv.gz: the finalseg HMM (prob_start, prob_trans, prob_emit) as `start S p`, `trans S T p`,
  `emit S hex-codepoint p` lines, each float written with repr() so Java parses the identical double.

jieba comes from Debian (`apt-get install python3-jieba`); it is not on the local PyPI index.
Run: /root/kvasir-venv/bin/python tests/tools/jieba_resources.py
"""
import gzip
import os
import sys

sys.path.append("/usr/lib/python3/dist-packages")
import jieba  # noqa: E402
from jieba.finalseg import prob_emit, prob_start, prob_trans  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "bench", "src", "main", "resources", "io", "kvasir", "bench", "longbench", "jieba")


def write_gz(name, data):
    # mtime=0 keeps the committed file identical across runs.
    with open(os.path.join(OUT, name), "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), "rb") as f:
        write_gz("dict.txt.gz", f.read())
    lines = [f"# jieba {jieba.__version__} finalseg HMM (MIT licence, Copyright 2012-2017 Sun Junyi)"]
    for s, p in sorted(prob_start.P.items()):
        lines.append(f"start\t{s}\t{p!r}")
    for s, row in sorted(prob_trans.P.items()):
        for t, p in sorted(row.items()):
            lines.append(f"trans\t{s}\t{t}\t{p!r}")
    for s, row in sorted(prob_emit.P.items()):
        for ch, p in sorted(row.items()):
            lines.append(f"emit\t{s}\t{ord(ch):x}\t{p!r}")
    write_gz("hmm.tsv.gz", ("\n".join(lines) + "\n").encode("utf-8"))
    print(f"wrote {OUT}: dict.txt.gz, hmm.tsv.gz ({len(lines)} HMM lines)")


if __name__ == "__main__":
    main()
