package io.kvasir.cli;

import io.kvasir.compression.cache.KvStorage;
import io.kvasir.model.ForwardBackend;
import io.kvasir.model.ForwardBackendProvider;
import io.kvasir.model.Model;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** `--backend cpu|tornado|auto`: where the forward pass runs. */
public final class BackendOption {
    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "cpu",
            description = "cpu (Vector API), tornado (TornadoVM: decode on an OpenCL/PTX device; needs TORNADO_SDK,"
                    + " see README) or auto (tornado when its runtime is present, else cpu with a note)"
                    + " (default: ${DEFAULT-VALUE}).")
    String name;

    /** The backend to generate with; a one-line error for a bad or unusable choice. */
    ForwardBackend create(Model model, KvStorage storage, int maxNewTokens, PrintWriter err) {
        return create(model, List.of(storage), maxNewTokens, err);
    }

    /** One backend for runs with each of the given storages (kvasir bench --compare-kv-bits). */
    ForwardBackend create(Model model, List<KvStorage> storages, int maxNewTokens, PrintWriter err) {
        if (!name.equals("cpu") && !name.equals("tornado") && !name.equals("auto")) {
            throw new IllegalArgumentException("--backend must be cpu, tornado or auto, got '" + name + "'");
        }
        if (name.equals("cpu")) {
            return model.forward();
        }
        Optional<ForwardBackendProvider> provider = ForwardBackendProvider.find("tornado");
        String why = provider.isEmpty()
                ? "this kvasir build has no TornadoVM backend (build with TORNADO_SDK set)"
                : provider.get().unavailableReason().orElse(null);
        for (int i = 0; why == null && i < storages.size(); i++) {
            why = provider.get().unsupportedStorage(storages.get(i), model.config().numLayers()).orElse(null);
        }
        if (why != null) {
            if (name.equals("tornado")) {
                throw new IllegalArgumentException("--backend tornado: " + why);
            }
            err.println("kvasir: note: --backend auto runs on the CPU: " + why);
            return model.forward();
        }
        return provider.get().create(model, maxNewTokens);
    }
}
