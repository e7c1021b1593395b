package io.kvasir.cli;

import io.kvasir.bench.AtomicFile;
import io.kvasir.bench.kept.KeptImage;
import io.kvasir.bench.kept.KeptMap;
import io.kvasir.bench.kept.KeptPage;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.KvCache;
import io.kvasir.compression.KvPrecision;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import io.kvasir.model.SamplingSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `kvasir kept`: which prompt tokens each layer's KV heads kept, as an HTML page and a PNG. */
@Command(name = "kept", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prefill a prompt with a compression method and show which prompt tokens each layer and KV head"
                + " kept: OUT/kept.html (the prompt text with kept tokens highlighted per chosen layer and head; hover"
                + " shows position and token id; self-contained), OUT/kept.png (rows: layer x KV head, columns: prompt"
                + " positions, green kept, red dropped) and OUT/kept.json (the positions).",
            "Example: kvasir kept --model DIR --prompt-file essay.txt --method snapkv --budget 128 --out kept-snapkv"})
final class KeptCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--prompt-file", required = true, paramLabel = "FILE", description = "The prompt, UTF-8 text (BOS added); '-' reads standard input.")
    Path promptFile;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "kept",
            description = "Folder for kept.html, kept.png and kept.json (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    CompressionOptions compression;

    @Mixin
    DebugOption debug;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CompressionConfig config = compression.config();
        GenerateCommand.PromptSource source = new GenerateCommand.PromptSource();
        source.file = promptFile;
        String text = source.read();
        WritableCheck.folder(out, "--out");
        try (Model m = model.load()) {
            int[] ids = m.tokenizer().encode(text, true);
            // One new token: the prompt is prefilled and compressed; the new token is not added to the cache.
            GenerationResult r = new Generator(m).generate(new GenerationRequest(ids, 1, SamplingSettings.GREEDY, List.of(),
                    config, KvPrecision.F32, null, null), piece -> { });
            KvCache cache = r.cache();
            int[][][] kept = new int[cache.layout().layers()][cache.layout().storedHeads()][];
            for (int l = 0; l < kept.length; l++) {
                for (int h = 0; h < kept[l].length; h++) kept[l][h] = KvReport.keptPrompt(cache.head(l, h), ids.length);
            }
            String title = m.dir().getFileName() + ", " + config.method().cliName()
                    + (config.method().cliName().equals("full") ? "" : " budget " + config.budget() + " tokens");
            KeptMap map = new KeptMap(title, ids, KeptMap.tokenTexts(m.tokenizer(), ids), kept);
            byte[] png = KeptImage.png(map);
            Files.createDirectories(out);
            KvReport.writeKeptMap(out.resolve("kept.json"), m, config, r);
            AtomicFile.write(out.resolve("kept.png"), png);
            AtomicFile.write(out.resolve("kept.html"), KeptPage.html(map, png).getBytes(StandardCharsets.UTF_8));
            var w = spec.commandLine().getOut();
            w.printf("%d prompt tokens, %d layers x %d KV heads; %.1f%% of token slots kept; KV %s (%s uncompressed)%n",
                    ids.length, map.layers(), map.heads(), 100 * map.keptShare(), Units.bytes(cache.bytesHeld()),
                    Units.bytes(cache.fullKvEquivalentBytes()));
            w.println("wrote " + out.resolve("kept.html") + ", " + out.resolve("kept.png") + ", " + out.resolve("kept.json"));
        }
        return 0;
    }

}
