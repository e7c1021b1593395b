package io.kvasir.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the results in a benchmark --out folder depend on, stored beside them as {@value #FILE}: the model
 * fingerprint, the compression method and all its parameters, the KV storage, the sampling and generation settings, the size
 * and sha256 of every data file. Benchmark runs resume (examples already in the folder are skipped), so a run into a
 * folder holding results of other settings would label old numbers with new settings: that is refused, naming the
 * first differing setting. Data files are compared by file name where both runs used one of that name, so a resumed
 * run may add tasks, and the same task file read from another folder must have the same contents. The file also lists the result files kvasir wrote there, which is all --overwrite removes.
 */
public final class RunFingerprint {
    public static final String FILE = "kvasir-run.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Settings and the flags that set them, for the refusal message. */
    private static final Map<String, String> FLAGS = Map.of("model_fingerprint", "--model",
            "method", "--method", "compression", "the compression flags", "kv_storage", "--kv-bits / --quant*",
            "sampling", "the sampling", "generation", "the generation flags");

    private final ObjectNode settings;
    private final List<String> outputs;

    /**
     * @param metadata   the run's {@link RunMetadata} (model fingerprint, method, compression, KV storage)
     * @param generation the settings that shape each answer (max new tokens, prompts, truncation, ...)
     * @param dataFiles  {@link #describe} of every input file the results come from
     * @param outputs    names of the files the run writes into its folder
     */
    public RunFingerprint(ObjectNode metadata, ObjectNode generation, ObjectNode dataFiles, List<String> outputs) {
        settings = JSON.createObjectNode();
        for (String key : List.of("model_fingerprint", "method", "compression", "kv_storage", "sampling")) {
            settings.set(key, metadata.get(key));
        }
        settings.set("generation", generation);
        settings.set("data_files", dataFiles);
        this.outputs = List.copyOf(outputs);
    }

    /**
     * Size and sha256 of each file, by file name, not path: the same task read from another --data folder must
     * match, or be refused. Computed once for all the points of a sweep.
     */
    public static ObjectNode describe(List<Path> files) {
        ObjectNode described = JSON.createObjectNode();
        for (Path f : files) {
            ObjectNode o = described.putObject(f.getFileName().toString());
            try {
                o.put("bytes", Files.size(f));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
            }
            o.put("sha256", RunMetadata.sha256(f));
        }
        return described;
    }

    /**
     * Refuses a folder that holds results (files a run writes) of other settings, or results without a fingerprint
     * (an older kvasir or another tool): one line naming the folder and the first differing setting, with the ways
     * out. A missing folder, or one with none of the result files, is free.
     */
    public void checkResumable(Path dir) {
        JsonNode stored = stored(dir);
        if (writtenOutputs(dir, stored).isEmpty()) return;
        String advice = "; resume it with the same settings, choose a new --out, or add --overwrite to replace its results";
        if (stored == null) {
            throw new IllegalArgumentException("--out " + dir + " holds results without a " + FILE
                    + " (another kvasir version or tool), so they cannot be resumed" + advice);
        }
        String difference = difference("", stored.path("settings"), settings);
        if (difference != null) {
            throw new IllegalArgumentException("--out " + dir + " holds a run with another " + difference + advice);
        }
    }

    /** Removes the result files kvasir wrote into dir (by this and the stored fingerprint), and the fingerprint. */
    public void clear(Path dir) {
        Set<String> names = writtenOutputs(dir, stored(dir));
        names.add(FILE);
        try {
            for (String name : names) {
                Files.deleteIfExists(dir.resolve(name));
                Files.deleteIfExists(AtomicFile.temporary(dir.resolve(name)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--overwrite: cannot remove results in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes the fingerprint into dir, keeping the data files and outputs an earlier run of it recorded. */
    public void write(Path dir) {
        JsonNode stored = stored(dir);
        ObjectNode o = JSON.createObjectNode();
        ObjectNode s = settings.deepCopy();
        if (stored != null) {
            ObjectNode files = (ObjectNode) s.get("data_files");
            stored.path("settings").path("data_files").properties().forEach(e -> {
                if (!files.has(e.getKey())) files.set(e.getKey(), e.getValue());
            });
        }
        o.set("settings", s);
        Set<String> names = new LinkedHashSet<>();
        if (stored != null) stored.path("outputs").forEach(n -> names.add(n.asText()));
        names.addAll(outputs);
        ArrayNode a = o.putArray("outputs");
        names.forEach(a::add);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        AtomicFile.writeJson(dir.resolve(FILE), o);
    }

    private Set<String> writtenOutputs(Path dir, JsonNode stored) {
        Set<String> names = new LinkedHashSet<>(outputs);
        if (stored != null) stored.path("outputs").forEach(n -> names.add(n.asText()));
        names.removeIf(n -> !Files.exists(dir.resolve(n)));
        return names;
    }

    /** The fingerprint stored in dir, or null. */
    private static JsonNode stored(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) return null;
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (n != null && n.path("settings").isObject() && n.path("outputs").isArray()) return n;
        } catch (IOException e) {
            // reported below
        }
        throw new IllegalArgumentException(file + ": not a kvasir run fingerprint; choose a new --out, or add"
                + " --overwrite to replace the results in " + dir);
    }

    /**
     * "setting 'a.b' (was X, now Y)" for the first difference between the stored and current settings, or null. Data
     * files count only where both name the same file.
     */
    private static String difference(String path, JsonNode was, JsonNode now) {
        if (was.isObject() && now.isObject()) {
            boolean dataFiles = path.equals("data_files");
            Set<String> keys = new LinkedHashSet<>();
            was.fieldNames().forEachRemaining(keys::add);
            now.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                if (dataFiles && !(was.has(key) && now.has(key))) continue;
                String d = difference(path.isEmpty() ? key : path + "." + key, was.path(key), now.path(key));
                if (d != null) return d;
            }
            return null;
        }
        if (was.equals(now) || (was.isNumber() && now.isNumber() && was.decimalValue().compareTo(now.decimalValue()) == 0)) {
            return null; // 4125 read back from the file is an int, the size measured now a long
        }
        if (path.startsWith("data_files.")) {
            String file = path.substring("data_files.".length(), path.lastIndexOf('.'));
            return "data file " + file + " (its " + path.substring(path.lastIndexOf('.') + 1) + " was " + shown(was)
                    + ", now " + shown(now) + ")";
        }
        String top = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
        String flag = FLAGS.containsKey(top) ? ", set by " + FLAGS.get(top) : "";
        return "setting '" + path + "' (was " + shown(was) + ", now " + shown(now) + flag + ")";
    }

    private static String shown(JsonNode n) {
        if (n.isMissingNode()) return "absent";
        String s = n.toString(); // JSON: a text's newlines stay escaped, so the message stays one line
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
