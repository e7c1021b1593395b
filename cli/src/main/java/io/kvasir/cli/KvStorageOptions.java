package io.kvasir.cli;

import io.kvasir.compression.ByteBudgetPlan;
import io.kvasir.compression.ByteBudgetPlanner;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.KvLayout;
import io.kvasir.compression.KvStorage;
import io.kvasir.compression.QuantScheme;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** How cached keys and values are stored: width, quantization, LayerQuant, or one byte budget. */
final class KvStorageOptions {
    @Option(names = "--kv-bits", paramLabel = "BITS", defaultValue = "32", split = ",",
            description = "Storage of cached keys and values: 32 (float32), 16 (IEEE half), or 8, 4, 2-bit codes"
                    + " (see --quant); needle, longbench and ruler take a comma list to sweep (default: ${DEFAULT-VALUE}).")
    List<Integer> kvBits;

    @Option(names = "--quant", paramLabel = "SCHEME", defaultValue = "kivi",
            description = "Grouping of 8/4/2-bit codes: kivi (keys per channel over G tokens, values per token over"
                    + " G channels), kvquant (kivi plus exact outliers above --quant-outlier) or reference (QPruningKV's"
                    + " HF-HQQ axes, prompt quantized once in its cache order, fp16 dequantization as hqq, for parity)"
                    + " (default: ${DEFAULT-VALUE}).")
    String quant;

    @Option(names = "--quant-group", paramLabel = "N", defaultValue = "32",
            description = "Quantization group size G: tokens per key group, channels per value group; must divide the"
                    + " head dimension (default: ${DEFAULT-VALUE}).")
    int quantGroup;

    @Option(names = "--quant-residual", paramLabel = "TOKENS", defaultValue = "128",
            description = "Most recent tokens kept in half precision before being quantized G at a time"
                    + " (default: ${DEFAULT-VALUE}).")
    int quantResidual;

    @Option(names = "--quant-outlier", paramLabel = "X", defaultValue = "6",
            description = "kvquant: elements with |x| > X are kept exactly beside the codes (default: ${DEFAULT-VALUE}).")
    float quantOutlier;

    @Option(names = "--layer-quant-bits", paramLabel = "BITS",
            description = "LayerQuant: layers in [--layer-quant-begin, --layer-quant-end) at BITS (16, 8, 4 or 2), the"
                    + " other layers at --kv-bits; each layer's token budget is scaled by 16 / its bits.")
    Integer layerQuantBits;

    @Option(names = "--layer-quant-begin", paramLabel = "L", defaultValue = "0",
            description = "LayerQuant: first layer of the range (default: ${DEFAULT-VALUE}).")
    int layerQuantBegin;

    @Option(names = "--layer-quant-end", paramLabel = "L", defaultValue = "4",
            description = "LayerQuant: end of the range, exclusive (default: ${DEFAULT-VALUE}).")
    int layerQuantEnd;

    @Option(names = "--layer-quant-inverted",
            description = "LayerQuant: reproduce the reference's inverted switch (the range is stored in half"
                    + " precision with the scaled budget).")
    boolean layerQuantInverted;

    @Option(names = "--kv-budget", paramLabel = "BYTES",
            description = "One byte budget for the whole cache (e.g. 64MiB, 500KB, 1.5GiB, 65536): chooses bits and"
                    + " per-layer token counts that fit for the chosen --method, overriding --kv-bits and --budget: every"
                    + " token at the first of 16, 8, 4 bits that fits, else the largest --method budget that fits at 4,"
                    + " then 2 bits.")
    String kvBudget;

    /** The storage from the flags (without --kv-budget) of a command that runs one width; a list fails with one line. */
    KvStorage storage() {
        return storage(Sweep.single(kvBits, "--kv-bits"));
    }

    /** The storage for one width of a sweep, the other flags as given. */
    KvStorage storage(int kvBits) {
        QuantScheme scheme = QuantScheme.parse(quant.toLowerCase(Locale.ROOT));
        KvStorage s = KvStorage.of(kvBits).withQuantization(scheme, quantGroup, quantResidual);
        if (scheme == QuantScheme.KVQUANT) {
            if (!(quantOutlier > 0)) {
                throw new IllegalArgumentException("--quant-outlier must be > 0, got " + quantOutlier);
            }
            s = s.withOutlierThreshold(quantOutlier);
        }
        if (layerQuantBits != null) {
            s = s.withLayerQuant(layerQuantBegin, layerQuantEnd, layerQuantBits, layerQuantInverted);
        }
        return s;
    }

    boolean hasByteBudget() {
        return kvBudget != null;
    }

    /** Rejects a malformed --kv-budget before anything is loaded. */
    void checkByteBudget() {
        if (kvBudget != null) {
            parseBytes(kvBudget);
        }
    }

    /** Plans --kv-budget for a prompt; fails with one line when nothing fits. */
    ByteBudgetPlan plan(KvLayout layout, CompressionConfig config, int promptLength, int newTokens) {
        return ByteBudgetPlanner.plan(parseBytes(kvBudget), layout, config, storage(), promptLength, newTokens);
    }

    private static final Pattern SIZE = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Z]*)\\s*");

    /** Parses 65536, 64KiB, 64KB, 64K (binary), 1.5GiB... into bytes. */
    static long parseBytes(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("--kv-budget must be a size like 64MiB, 500KB or 65536, got '" + text + "'");
        }
        double v = Double.parseDouble(m.group(1));
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "k", "kib" -> 1L << 10;
            case "kb" -> 1000L;
            case "m", "mib" -> 1L << 20;
            case "mb" -> 1000_000L;
            case "g", "gib" -> 1L << 30;
            case "gb" -> 1000_000_000L;
            default -> throw new IllegalArgumentException("--kv-budget: unknown unit '" + m.group(2)
                    + "' (use B, KB, KiB, MB, MiB, GB or GiB)");
        };
        return (long) Math.floor(v * unit);
    }
}
