package io.kvasir.tornado;

import io.kvasir.model.LayerWeights;
import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * One layer's weights as device arrays: the layer's decode graph uploads them on its first execution
 * ({@link #arrays()}), and the layer's prefill graph reads the same buffers.
 */
final class DeviceLayerWeights {
    final DeviceWeights wq;
    final DeviceWeights wk;
    final DeviceWeights wv;
    final DeviceWeights wo;
    final DeviceWeights wGate;
    final DeviceWeights wUp;
    final DeviceWeights wDown;
    final FloatArray freq;
    final FloatArray inputNorm;
    final FloatArray postNorm;
    final FloatArray bq;
    final FloatArray bk;
    final FloatArray bv;

    DeviceLayerWeights(LayerWeights w, float[] invFreq) {
        wq = DeviceWeights.of(w.wq());
        wk = DeviceWeights.of(w.wk());
        wv = DeviceWeights.of(w.wv());
        wo = DeviceWeights.of(w.wo());
        wGate = DeviceWeights.of(w.wGate());
        wUp = DeviceWeights.of(w.wUp());
        wDown = DeviceWeights.of(w.wDown());
        freq = FloatArray.fromArray(invFreq);
        inputNorm = FloatArray.fromArray(w.inputNorm());
        postNorm = FloatArray.fromArray(w.postAttentionNorm());
        bq = w.bq() == null ? null : FloatArray.fromArray(w.bq());
        bk = w.bk() == null ? null : FloatArray.fromArray(w.bk());
        bv = w.bv() == null ? null : FloatArray.fromArray(w.bv());
    }

    Object[] arrays() {
        List<Object> a = new ArrayList<>(List.of(wq.array(), wk.array(), wv.array(), wo.array(), wGate.array(),
                wUp.array(), wDown.array(), freq, inputNorm, postNorm));
        if (bq != null) {
            a.addAll(List.of(bq, bk, bv));
        }
        return a.toArray();
    }
}
