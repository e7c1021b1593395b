package io.kvasir.bench.kept;

import io.kvasir.tokenizer.StreamingDecoder;
import io.kvasir.tokenizer.Tokenizer;

/**
 * Which prompt tokens a compressed KV cache kept: for every layer and stored KV head the kept prompt
 * positions (ascending), with the prompt's token ids and the text each token contributes.
 *
 * @param title  what produced it (model, method, budget), shown on the page and the image
 * @param ids    the prompt's token ids
 * @param texts  per token, the text it completes when decoding left to right (special tokens as written;
 *               "" for a token that only starts a multi-byte character), so the texts concatenate to the prompt
 * @param kept   kept[layer][head] = kept positions, ascending, each in [0, ids.length)
 */
public record KeptMap(String title, int[] ids, String[] texts, int[][][] kept) {
    public KeptMap {
        if (texts.length != ids.length) throw new IllegalArgumentException("one text per token id");
        for (int[][] layer : kept) {
            for (int[] head : layer) {
                for (int i = 0; i < head.length; i++) {
                    if (head[i] < 0 || head[i] >= ids.length || (i > 0 && head[i] <= head[i - 1])) {
                        throw new IllegalArgumentException("kept positions must be ascending prompt positions");
                    }
                }
            }
        }
    }

    /** The per-token texts of ids, by streaming decode (whole characters only). */
    public static String[] tokenTexts(Tokenizer tokenizer, int[] ids) {
        StreamingDecoder d = tokenizer.streamingDecoder(false);
        String[] out = new String[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = d.push(ids[i]);
        if (ids.length > 0) out[ids.length - 1] += d.flush();
        return out;
    }

    public int layers() {
        return kept.length;
    }

    public int heads() {
        return kept.length == 0 ? 0 : kept[0].length;
    }

    /** Kept (layer, head) slots over all layer x head x prompt slots. */
    public double keptShare() {
        long n = 0;
        for (int[][] layer : kept) for (int[] head : layer) n += head.length;
        long all = (long) layers() * heads() * ids.length;
        return all == 0 ? 0 : (double) n / all;
    }
}
