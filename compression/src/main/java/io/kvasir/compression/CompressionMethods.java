package io.kvasir.compression;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The registry of compression methods: the command line, the demo, sweeps and help texts list what
 * is registered here, and a configuration resolves its {@code --method} name here. Adding a method is
 * its package plus one {@link #register} call (the built-in ones below, in the order --help lists them).
 */
public final class CompressionMethods {
    private static final List<CompressionMethod> METHODS = new ArrayList<>();

    static {
        register(new FullMethod());
        register(new StreamingLlmMethod());
        register(new H2oMethod());
        register(new SnapKvMethod());
        register(new PyramidKvMethod());
        register(new WindowKvMethod());
    }

    private CompressionMethods() {}

    /** Adds a method; its name and aliases must not be taken. */
    public static synchronized void register(CompressionMethod method) {
        for (String key : keys(method)) {
            if (find(key) != null) {
                throw new IllegalArgumentException("compression method name '" + key + "' is already registered");
            }
        }
        METHODS.add(method);
    }

    /** Removes the method registered under this name (a plugin or a test that registered its own). */
    public static synchronized void unregister(String name) {
        METHODS.remove(parse(name));
    }

    /** The registered methods, in registration order. */
    public static synchronized List<CompressionMethod> all() {
        return List.copyOf(METHODS);
    }

    /** The registered names, in registration order. */
    public static List<String> names() {
        return all().stream().map(CompressionMethod::cliName).toList();
    }

    /**
     * The method with this name or alias, case-insensitively ("SnapKV" and "snapkv" are the same);
     * an unknown name fails with one line listing the known ones.
     */
    public static synchronized CompressionMethod parse(String name) {
        CompressionMethod m = find(name == null ? "" : name.trim().toLowerCase(Locale.ROOT));
        if (m == null) {
            throw new IllegalArgumentException("unknown compression method '" + name + "'; known methods: "
                    + String.join(", ", names()));
        }
        return m;
    }

    private static CompressionMethod find(String key) {
        for (CompressionMethod m : METHODS) {
            if (keys(m).contains(key)) {
                return m;
            }
        }
        return null;
    }

    private static List<String> keys(CompressionMethod m) {
        List<String> keys = new ArrayList<>(List.of(m.cliName()));
        keys.addAll(m.aliases());
        return keys.stream().map(k -> k.toLowerCase(Locale.ROOT)).collect(Collectors.toList());
    }
}
