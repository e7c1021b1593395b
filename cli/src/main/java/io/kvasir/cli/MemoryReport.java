package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.model.GenerationResult;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A run's memory besides the KV bytes: what the forward pass allocated at its peak (counted), and
 * what the process reached (measured: peak RSS from /proc/self/status VmHWM, which includes the
 * memory-mapped weights it touched and the JVM itself, and the heap pools' peak use).
 */
final class MemoryReport {
    private MemoryReport() {}

    /** The `memory` object of `generate --json`; -1 for what this platform or backend does not tell. */
    static ObjectNode json(GenerationResult.Memory m) {
        ObjectNode o = Json.object();
        o.put("prefill_bytes", m.prefillBytes());
        o.put("kv_after_prefill_bytes", m.kvAfterPrefill());
        o.put("forward_peak_bytes", m.peakBytes());
        o.put("peak_rss_bytes", peakRssBytes());
        o.put("peak_heap_bytes", peakHeapBytes());
        o.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        return o;
    }

    /** The summary line's part: the forward pass's peak and the process's peak RSS. */
    static String summary(GenerationResult.Memory m) {
        long rss = peakRssBytes();
        return "peak " + (m.peakBytes() < 0 ? "?" : Units.bytes(m.peakBytes())) + " forward pass, "
                + (rss < 0 ? "?" : Units.bytes(rss)) + " RSS";
    }

    /** VmHWM of /proc/self/status in bytes, or -1 where there is none (not Linux). */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return 1024L * Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Sum of the heap pools' peak use (each pool's own peak, so an upper bound of the heap's). */
    static long peakHeapBytes() {
        long total = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                total += pool.getPeakUsage().getUsed();
            }
        }
        return total;
    }
}
