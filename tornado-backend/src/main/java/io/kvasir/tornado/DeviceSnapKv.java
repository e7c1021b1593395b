package io.kvasir.tornado;

import io.kvasir.compression.CompressionPolicy;
import io.kvasir.compression.Pooling;
import io.kvasir.compression.SnapKvPolicy;
import io.kvasir.compression.SnapKvSelection;
import io.kvasir.kernels.tornado.SelectionKernels;
import java.util.Optional;

/**
 * SnapKV's settings in the form the device prefill's selection kernels take them
 * ({@link SelectionKernels}): a device plan built with one runs SnapKV's rule in its prefill graphs.
 *
 * @param budget      tokens kept per stored head, the window included
 * @param window      observation window
 * @param width       pooling width (1 when the scores are not pooled)
 * @param maxPool     1 for max pooling, 0 for average pooling
 * @param aggregation GQA reduction, a {@code SelectionKernels.AGG_*} code
 */
record DeviceSnapKv(int budget, int window, int width, int maxPool, int aggregation) {
    /**
     * The settings of a SnapKV policy (through wrappers that only observe it); empty for other
     * policies and for SnapKV with fp16 score rounding, a parity-only mode the device does not copy.
     */
    static Optional<DeviceSnapKv> of(CompressionPolicy policy) {
        if (!(policy.unwrap() instanceof SnapKvPolicy snap) || snap.selection().fp16Emulation()) {
            return Optional.empty();
        }
        SnapKvSelection s = snap.selection();
        int width = s.pooling() == Pooling.NONE ? 1 : s.kernel();
        int aggregation = switch (s.aggregation()) {
            case MEAN -> SelectionKernels.AGG_MEAN;
            case MAX -> SelectionKernels.AGG_MAX;
            case SUM -> SelectionKernels.AGG_SUM;
        };
        return Optional.of(new DeviceSnapKv(snap.budget(), s.window(), width, s.pooling() == Pooling.MAXPOOL ? 1 : 0,
                aggregation));
    }

    /** Candidates picked by top-k besides the window. */
    int count() {
        return budget - window;
    }

    /**
     * Candidates scored for a prompt of this length, or 0 when the budget covers the prompt and every
     * position is kept (SnapKvPolicy's rule: prompts no longer than the budget are kept whole).
     */
    int candidates(int promptLength) {
        return promptLength <= budget ? 0 : promptLength - window;
    }
}
