package io.kvasir.model;

import io.kvasir.compression.cache.KvStorage;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A backend other than the CPU, registered through {@link ServiceLoader} (META-INF/services), so that
 * the CLI can use it when its jar is present without depending on it at compile time.
 */
public interface ForwardBackendProvider {
    /** The --backend name, e.g. "tornado". */
    String name();

    /** Why the backend cannot run in this JVM (runtime missing, flags not set), or empty when it can. */
    Optional<String> unavailableReason();

    /** Why the backend cannot hold a cache in this storage over that many layers, or empty when it can. */
    default Optional<String> unsupportedStorage(KvStorage storage, int layers) {
        return Optional.empty();
    }

    /**
     * A backend for the model; one instance serves one generation at a time.
     *
     * @param maxNewTokens decode steps its cache must hold room for
     */
    ForwardBackend create(Model model, int maxNewTokens);

    /** The provider registered under a name, if its jar is on the class path. */
    static Optional<ForwardBackendProvider> find(String name) {
        for (ForwardBackendProvider p : ServiceLoader.load(ForwardBackendProvider.class)) {
            if (p.name().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
