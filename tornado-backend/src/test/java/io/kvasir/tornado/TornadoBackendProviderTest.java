package io.kvasir.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvasir.compression.cache.KvStorage;
import io.kvasir.compression.cache.QuantScheme;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which KV storages the device backend takes, and the one-line reason for those it refuses. */
class TornadoBackendProviderTest {
    private final TornadoBackendProvider provider = new TornadoBackendProvider();

    @Test
    void floatAndKiviCodesAreSupported() {
        assertEquals(Optional.empty(), provider.unsupportedStorage(KvStorage.F32, 4));
        for (int bits : new int[] {8, 4, 2}) {
            assertEquals(Optional.empty(), provider.unsupportedStorage(KvStorage.of(bits), 4), bits + "-bit");
        }
        // LayerQuant with a quantized range: each layer gets its own device cache.
        assertEquals(Optional.empty(), provider.unsupportedStorage(KvStorage.F32.withLayerQuant(1, 3, 4, false), 4));
    }

    @Test
    void halfPrecisionAndOtherSchemesAreRefusedInOneLine() {
        assertEquals(Optional.of("the TornadoVM backend does not support 16-bit KV storage"),
                provider.unsupportedStorage(KvStorage.F16, 4));
        assertEquals(Optional.of("the TornadoVM backend does not support 4-bit kvquant quantization (only kivi)"),
                provider.unsupportedStorage(KvStorage.of(4).withQuantization(QuantScheme.KVQUANT, 32, 128), 4));
        // The inverted LayerQuant reference stores its range in half precision.
        assertEquals(Optional.of("the TornadoVM backend does not support 16-bit KV storage"),
                provider.unsupportedStorage(KvStorage.F32.withLayerQuant(1, 3, 4, true), 4));
    }
}
