package io.kvasir.compression;

/**
 * How quantized keys and values are grouped (docs/methods/kivi.md#layout, docs/methods/kvquant.md#the-rule,
 * docs/methods/reference.md#the-rule).
 */
public enum QuantScheme {
    /** Keys per channel over G tokens, values per token over G channels, recent tokens in a residual. */
    KIVI("kivi"),
    /** QPruningKV's HF-HQQ axes (keys axis 1, values axis 0), for parity with the paper's numbers. */
    REFERENCE("reference"),
    /** KIVI layout plus dense-and-sparse outliers above a fixed absolute threshold. */
    KVQUANT("kvquant");

    private final String cliName;

    QuantScheme(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static QuantScheme parse(String s) {
        for (QuantScheme q : values()) {
            if (q.cliName.equals(s)) {
                return q;
            }
        }
        throw new IllegalArgumentException("--quant must be kivi, reference or kvquant, got '" + s + "'");
    }
}
