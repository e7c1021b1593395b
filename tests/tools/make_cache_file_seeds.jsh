// Seeds of fuzz/.../CacheFileFuzzTest: small valid cache files of its model shape (2 layers, 1 KV head,
// 2 query heads, head dimension 16, vocabulary 100). From the repository root, after a build:
//   CP=compression/target/classes:tornado-kernels/target/classes:$HOME/.m2/repository/com/google/flatbuffers/flatbuffers-java/2.0.8/flatbuffers-java-2.0.8.jar
//   jshell --add-modules jdk.incubator.vector --class-path $CP tests/tools/make_cache_file_seeds.jsh
import io.kvasir.compression.cache.*;
import io.kvasir.compression.file.*;
import io.kvasir.compression.policy.*;
import java.nio.file.*;

var model = new ModelIdentity("fuzz-model", "fuzz-tokenizer", 2, 1, 2, 16, 100);
var dir = Path.of("fuzz/src/test/resources/io/kvasir/fuzz/CacheFileFuzzTestInputs/read");
Files.createDirectories(dir);
void seed(String name, KvStorage storage, GqaMode mode) throws Exception {
    var layout = new KvLayout(2, 1, 2, 16, mode);
    var cache = new KvCache(layout, storage, 8);
    int n = 7;
    float[] k = new float[n * 16], v = new float[n * 16];
    for (int i = 0; i < k.length; i++) { k[i] = (float) Math.sin(i); v[i] = (float) Math.cos(3 * i); }
    int[][] kept = new int[layout.storedHeads()][];
    for (int s = 0; s < kept.length; s++) kept[s] = new int[] {0, 2, 3, 4, 5, 6};
    for (int l = 0; l < 2; l++) cache.storePrefill(l, k, v, n, kept);
    try (var out = Files.newOutputStream(dir.resolve(name))) {
        CacheFile.write(out, model, new SavedContext(new int[] {1, 5, 9, 12, 40, 41, 99}, "snapkv", java.util.Map.of("budget", "6"), cache));
    }
}
seed("valid-f16", KvStorage.F16, GqaMode.NATIVE);
seed("valid-f32-repeat", KvStorage.F32, GqaMode.REPEAT);
seed("valid-kivi4", KvStorage.of(4).withQuantization(QuantScheme.KIVI, 4, 1), GqaMode.NATIVE);
seed("valid-kvquant2", KvStorage.of(2).withQuantization(QuantScheme.KVQUANT, 4, 1).withOutlierThreshold(0.9f), GqaMode.NATIVE);
/exit
