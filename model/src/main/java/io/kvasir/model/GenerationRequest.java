package io.kvasir.model;

import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.cache.KvPrecision;
import io.kvasir.compression.cache.KvStorage;
import java.util.List;

/**
 * One generation: the prompt's token ids and how to continue it.
 *
 * @param compression  how the prompt's KV cache is compressed (method, budget, GQA mode...)
 * @param kvStorage    how cached keys and values are stored (float32, half, quantized; per layer)
 * @param datasetName  LongBench dataset name when known (WindowKV's task classifier uses it), or null
 * @param forcedIds    when not null, the tokens to feed instead of sampling (teacher forcing, for
 *                     comparing log-probabilities with a reference); generation stops after them
 * @param minNewTokens the EOS tokens are masked (logit -inf) for the first this many new tokens, as transformers'
 *                     {@code min_length} / {@code min_new_tokens}; LongBench asks for 1 ({@code min_length =
 *                     prompt_len + 1}). Stop strings still apply.
 * @param extraEosIds  token ids that end generation like the model's EOS tokens (also masked before minNewTokens),
 *                     as ids added to transformers' {@code eos_token_id}: the benchmark scripts add the newline
 *                     token, so "\n" stops only as that token, not inside ".\n"; empty for none
 */
public record GenerationRequest(int[] promptIds, int maxNewTokens, SamplingSettings sampling,
                                List<String> stopStrings, CompressionConfig compression, KvStorage kvStorage,
                                String datasetName, int[] forcedIds, int minNewTokens, int[] extraEosIds) {
    public GenerationRequest {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("--max-new-tokens must be >= 0, got " + maxNewTokens);
        }
        if (minNewTokens < 0) {
            throw new IllegalArgumentException("minimum new tokens must be >= 0, got " + minNewTokens);
        }
        stopStrings = List.copyOf(stopStrings);
        extraEosIds = extraEosIds.clone();
        if (kvStorage == null) {
            throw new IllegalArgumentException("KV storage must be set");
        }
    }

    /** A request without extra EOS ids. */
    public GenerationRequest(int[] promptIds, int maxNewTokens, SamplingSettings sampling, List<String> stopStrings,
                             CompressionConfig compression, KvStorage kvStorage, String datasetName, int[] forcedIds,
                             int minNewTokens) {
        this(promptIds, maxNewTokens, sampling, stopStrings, compression, kvStorage, datasetName, forcedIds, minNewTokens,
                new int[0]);
    }

    /** A request without a minimum number of new tokens. */
    public GenerationRequest(int[] promptIds, int maxNewTokens, SamplingSettings sampling, List<String> stopStrings,
                             CompressionConfig compression, KvStorage kvStorage, String datasetName, int[] forcedIds) {
        this(promptIds, maxNewTokens, sampling, stopStrings, compression, kvStorage, datasetName, forcedIds, 0);
    }

    /** A request with unquantized float32 or half storage. */
    public GenerationRequest(int[] promptIds, int maxNewTokens, SamplingSettings sampling, List<String> stopStrings,
                             CompressionConfig compression, KvPrecision kvPrecision, String datasetName, int[] forcedIds) {
        this(promptIds, maxNewTokens, sampling, stopStrings, compression, KvStorage.of(kvPrecision), datasetName, forcedIds);
    }

    /** Greedy, uncompressed float32 cache, no stop strings. */
    public static GenerationRequest greedy(int[] promptIds, int maxNewTokens) {
        return new GenerationRequest(promptIds, maxNewTokens, SamplingSettings.GREEDY, List.of(),
                CompressionConfig.builder().build(), KvPrecision.F32, null, null);
    }

    public GenerationRequest withForcedIds(int[] ids) {
        return new GenerationRequest(promptIds, ids.length, sampling, stopStrings, compression, kvStorage, datasetName, ids,
                minNewTokens, extraEosIds);
    }

    public GenerationRequest withCompression(CompressionConfig config) {
        return new GenerationRequest(promptIds, maxNewTokens, sampling, stopStrings, config, kvStorage, datasetName, forcedIds,
                minNewTokens, extraEosIds);
    }

    public GenerationRequest withKvPrecision(KvPrecision precision) {
        return withKvStorage(KvStorage.of(precision));
    }

    public GenerationRequest withKvStorage(KvStorage storage) {
        return new GenerationRequest(promptIds, maxNewTokens, sampling, stopStrings, compression, storage, datasetName, forcedIds,
                minNewTokens, extraEosIds);
    }

    public GenerationRequest withMinNewTokens(int n) {
        return new GenerationRequest(promptIds, maxNewTokens, sampling, stopStrings, compression, kvStorage, datasetName,
                forcedIds, n, extraEosIds);
    }

    public GenerationRequest withExtraEosIds(int... ids) {
        return new GenerationRequest(promptIds, maxNewTokens, sampling, stopStrings, compression, kvStorage, datasetName,
                forcedIds, minNewTokens, ids);
    }
}
