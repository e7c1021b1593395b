package io.kvasir.bench;

import io.kvasir.tokenizer.Tokenizer;

/**
 * The newline stop of the reference scripts: KVCache-Factory adds {@code tokenizer.encode("\n",
 * add_special_tokens=False)[-1]} to {@code eos_token_id} (run_needle_in_haystack.py:295, run_longbench.py:317 at
 * c97f9d7), so generation stops when that token is generated, not when a token such as ".\n" contains a newline.
 */
public final class NewlineToken {
    private NewlineToken() {}

    /** The last id of "\n" encoded without special tokens (SentencePiece vocabularies give "▁" first). */
    public static int id(Tokenizer tokenizer) {
        int[] ids = tokenizer.encode("\n", false);
        if (ids.length == 0) throw new IllegalArgumentException("the tokenizer encodes \"\\n\" to no token");
        return ids[ids.length - 1];
    }
}
