package io.kvasir.cli;

import io.kvasir.compression.file.CacheFile;
import io.kvasir.compression.file.SavedContext;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `kvasir prefill`: compress a context once and save the cache, to answer questions from it later. */
@Command(name = "prefill", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Read a context, compress its KV cache and save it to a cache file that"
                + " 'kvasir generate --load' answers questions from without reading the context again.",
            "The context is tokenized alone (with BOS) and compressed with no question in view (--compress context).",
            "The file holds the model and tokenizer fingerprints, the context's ids, the method and its parameters,"
                    + " the storage and the cache itself; it is only loaded by the same model and tokenizer.",
            "Examples:",
            "  kvasir prefill --model DIR --context-file doc.txt --save doc.kvc",
            "  kvasir prefill -m DIR --context-file doc.txt --method snapkv --save doc.kvc"})
final class PrefillCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--context-file", required = true, paramLabel = "FILE", description = "The context, a UTF-8 text file.")
    Path contextFile;

    @Option(names = "--save", required = true, paramLabel = "FILE", description = "The cache file to write (replaced atomically).")
    Path save;

    @Mixin
    KvStorageOptions kvStorage;

    @Mixin
    CompressionOptions compression;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CacheSetup setup = CacheSetup.fromFlags("kvasir prefill", compression, kvStorage);
        WritableCheck.file(save, "--save");
        try (Model m = model.load()) {
            int[] ids = ContextCache.contextIds(m, contextFile);
            CacheSetup.Chosen chosen = setup.forPrompt(m, ids.length, 0, spec.commandLine().getErr());
            Activity.set("compressing a " + ids.length + "-token context");
            long t0 = System.nanoTime();
            SavedContext context = ContextCache.prefill(new Generator(m), ids, chosen, 0);
            double prefillMs = (System.nanoTime() - t0) / 1e6;
            CacheFile.Written w = ContextCache.save(save, ContextCache.identity(m), context);
            spec.commandLine().getErr().printf("[%d context tokens; prefill %.0f ms; KV %s (%s uncompressed); %s: %s ="
                            + " payload %s (KV and 4-byte positions) + %s header and table]%n", ids.length, prefillMs,
                    Units.bytes(context.cache().bytesHeld()), Units.bytes(context.cache().fullKvEquivalentBytes()), save,
                    Units.bytes(w.fileBytes()), Units.bytes(w.payloadBytes()), Units.bytes(w.overheadBytes()));
        }
        return 0;
    }
}
