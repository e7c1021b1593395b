package io.kvasir.tornado;

import java.util.Random;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** Test helpers: run one graph once on the default device, random inputs, error measures. */
final class Device {
    private Device() {}

    /** Executes the graph once in its own plan. */
    static void run(TaskGraph graph) {
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
            plan.execute();
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException(e);
        }
    }

    static float[] gaussian(Random r, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * scale);
        }
        return x;
    }

    static FloatArray array(float[] x) {
        return FloatArray.fromArray(x);
    }

    /**
     * Norm-wise relative error max|a - e| / max|e|: elementwise ratios blow up where a sum cancels
     * to near zero, which says nothing about the kernel.
     */
    static double relError(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError("length " + actual.length + " != " + expected.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            diff = Double.isNaN(d) || d > diff ? (Double.isNaN(d) ? Double.POSITIVE_INFINITY : d) : diff;
            norm = Math.max(norm, Math.abs(expected[i]));
        }
        return diff / norm;
    }
}
