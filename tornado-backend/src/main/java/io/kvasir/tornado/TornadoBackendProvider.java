package io.kvasir.tornado;

import io.kvasir.compression.cache.KvStorage;
import io.kvasir.model.ForwardBackend;
import io.kvasir.model.ForwardBackendProvider;
import io.kvasir.model.Model;
import java.util.Optional;

/** Registers the TornadoVM backend as "--backend tornado" (META-INF/services). */
public final class TornadoBackendProvider implements ForwardBackendProvider {
    @Override
    public String name() {
        return "tornado";
    }

    /**
     * TornadoVM runs only in a JVM started with its flags (JVMCI, module path, Graal jars): the
     * argfile sets tornado.load.runtime.implementation, so its absence means the flags are missing.
     */
    @Override
    public Optional<String> unavailableReason() {
        if (System.getProperty("tornado.load.runtime.implementation") == null) {
            return Optional.of("the JVM was not started with TornadoVM's options (set TORNADO_SDK and run ./kvasir,"
                    + " or add @$TORNADO_SDK/tornado-argfile to the java command)");
        }
        try {
            Class.forName("uk.ac.manchester.tornado.api.TornadoExecutionPlan");
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of("the TornadoVM runtime is not on the module path (" + e.getMessage() + ")");
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> unsupportedStorage(KvStorage storage, int layers) {
        for (int l = 0; l < layers; l++) {
            String why = DeviceKvCache.unsupported(storage, l);
            if (why != null) {
                return Optional.of("the TornadoVM backend does not support " + why);
            }
        }
        return Optional.empty();
    }

    /** Prefill runs on the device where it can (see {@link TornadoForward}), else on the CPU. */
    @Override
    public ForwardBackend create(Model model, int maxNewTokens) {
        return new TornadoForward(model, maxNewTokens, true);
    }
}
