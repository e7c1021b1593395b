package io.kvasir.tornado;

import uk.ac.manchester.tornado.api.TornadoExecutionPlan;

/**
 * The graphs of a {@link DevicePlan} in plan order, by name and by index: the decode graphs (embed;
 * per layer the cache upload and the layer; logits), then one prefill graph per layer. Names matter:
 * a graph names the graph it consumes device buffers from.
 */
final class GraphOrder {
    static final String EMBED = "embed";
    static final String LOGITS = "logits";

    private final int layers;

    GraphOrder(int layers) {
        this.layers = layers;
    }

    static String upload(int layer) {
        return "kv" + layer;
    }

    static String layer(int layer) {
        return "layer" + layer;
    }

    static String prefill(int layer) {
        return "prefill" + layer;
    }

    /** The graph layer l's decode graphs follow: the embedding for layer 0, else layer l - 1. */
    static String before(int layer) {
        return layer == 0 ? EMBED : layer(layer - 1);
    }

    int embedIndex() {
        return 0;
    }

    int uploadIndex(int layer) {
        return 1 + 2 * layer;
    }

    int layerIndex(int layer) {
        return 2 + 2 * layer;
    }

    int logitsIndex() {
        return 1 + 2 * layers;
    }

    int prefillIndex(int layer) {
        return 2 + 2 * layers + layer;
    }

    /**
     * The wiring run: every graph once, each after a graph that holds all it consumes (embed, kv 0,
     * layer 0, prefill 0, kv 1, ..., logits), so that every buffer reaches the graphs that share it.
     */
    void wire(TornadoExecutionPlan plan) {
        plan.withGraph(embedIndex()).execute();
        for (int l = 0; l < layers; l++) {
            plan.withGraph(uploadIndex(l)).execute();
            plan.withGraph(layerIndex(l)).execute();
            plan.withGraph(prefillIndex(l)).execute();
        }
        plan.withGraph(logitsIndex()).execute();
    }
}
