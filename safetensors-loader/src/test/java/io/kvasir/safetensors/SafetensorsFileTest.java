package io.kvasir.safetensors;

import static io.kvasir.safetensors.SafetensorsBytes.f32;
import static io.kvasir.safetensors.SafetensorsBytes.shape;
import static io.kvasir.safetensors.SafetensorsBytes.u16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading values back from hand-built files, and the shape of the API. */
class SafetensorsFileTest {

    @TempDir
    Path dir;

    @Test
    void readsF32FromHandWrittenBytes() {
        // 1.0f = 0x3F800000 and -2.5f = 0xC0200000, little-endian.
        byte[] bytes = {0x00, 0x00, (byte) 0x80, 0x3F, 0x00, 0x00, 0x20, (byte) 0xC0};
        Path f = new SafetensorsBytes().tensor("w", "F32", shape(2), bytes).write(dir.resolve("a.safetensors"));
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            Tensor t = file.tensor("w");
            assertEquals(DType.F32, t.dtype());
            assertEquals(1.0f, t.getFloat(0));
            assertEquals(-2.5f, t.getFloat(1));
            assertEquals(8, t.byteSize());
            assertEquals(f, t.file());
        }
    }

    @Test
    void readsF16IncludingSubnormalAndInfinity() {
        // 0x3C00 = 1.0, 0xC000 = -2.0, 0x0001 = 2^-24 (smallest subnormal), 0x7BFF = 65504 (largest finite),
        // 0x7C00 = +inf, 0x3555 = 0.333251953125.
        Path f = new SafetensorsBytes()
                .tensor("h", "F16", shape(2, 3), u16(0x3C00, 0xC000, 0x0001, 0x7BFF, 0x7C00, 0x3555))
                .write(dir.resolve("h.safetensors"));
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            Tensor t = file.tensor("h");
            assertEquals(DType.F16, t.dtype());
            assertEquals(6, t.elementCount());
            assertArrayEquals(new float[] {1.0f, -2.0f, 0x1p-24f, 65504f, Float.POSITIVE_INFINITY, 0.333251953125f},
                    t.toFloatArray());
        }
    }

    @Test
    void readsBF16() {
        // 0x3F80 = 1.0, 0xC040 = -3.0, 0x4049 = 3.140625, 0x0001 = 2^-133 (a subnormal), 0x8000 = -0.0.
        Path f = new SafetensorsBytes()
                .tensor("b", "BF16", shape(5), u16(0x3F80, 0xC040, 0x4049, 0x0001, 0x8000))
                .write(dir.resolve("b.safetensors"));
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            Tensor t = file.tensor("b");
            assertEquals(DType.BF16, t.dtype());
            assertEquals(1.0f, t.getFloat(0));
            assertEquals(-3.0f, t.getFloat(1));
            assertEquals(3.140625f, t.getFloat(2));
            assertEquals(0x1p-133f, t.getFloat(3));
            assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(t.getFloat(4)));
        }
    }

    @Test
    void metadataNamesShapesAndOrder() {
        // Header order (z, a) differs from data order (a first), which is what names() follows.
        byte[] header = ("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"z\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[24,28]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}   ").getBytes();
        Path f = SafetensorsBytes.write(dir.resolve("m.safetensors"),
                SafetensorsBytes.file(header, f32(0, 1, 2, 3, 4, 5, 42)));
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            assertEquals(Map.of("format", "pt"), file.metadata());
            assertEquals(List.of("a", "z"), List.copyOf(file.names()));
            assertTrue(file.contains("a"));
            assertFalse(file.contains("__metadata__"));
            Tensor a = file.tensor("a");
            assertArrayEquals(new long[] {2, 3}, a.shape());
            assertEquals(2, a.rank());
            assertEquals(3, a.dim(1));
            assertEquals(5.0f, a.getFloat(5));
            a.shape()[0] = 99; // a copy: the tensor must not change
            assertArrayEquals(new long[] {2, 3}, a.shape());
            Tensor z = file.tensor("z");
            assertEquals(0, z.rank());
            assertEquals(1, z.elementCount());
            assertEquals(42.0f, z.getFloat(0));
            assertTrue(a.data().isReadOnly());
        }
    }

    @Test
    void indexOutsideTheTensorIsRejected() {
        Path f = new SafetensorsBytes().tensor("w", "F32", shape(2), f32(1, 2)).write(dir.resolve("a.safetensors"));
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            Tensor t = file.tensor("w");
            assertThrows(IndexOutOfBoundsException.class, () -> t.getFloat(2));
            assertThrows(IndexOutOfBoundsException.class, () -> t.getFloat(-1));
        }
    }

    @Test
    void missingTensorNamesTensorAndFile() {
        Path f = new SafetensorsBytes().tensor("w", "F32", shape(1), f32(1)).write(dir.resolve("a.safetensors"));
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            var e = assertThrows(SafetensorsFormatException.class, () -> file.tensor("nope"));
            assertEquals("missing tensor 'nope' in " + f, e.getMessage());
        }
    }

    @Test
    void emptyHeaderAndEmptyTensorsAreFine() {
        Path empty = SafetensorsBytes.write(dir.resolve("e.safetensors"), SafetensorsBytes.file("{}", new byte[0]));
        try (SafetensorsFile file = SafetensorsFile.open(empty)) {
            assertTrue(file.names().isEmpty());
        }
        // A zero-element tensor owns no bytes; it sits where the previous tensor ends.
        Path f = SafetensorsBytes.write(dir.resolve("z.safetensors"), SafetensorsBytes.file(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"e\":{\"dtype\":\"BF16\",\"shape\":[0,4],\"data_offsets\":[8,8]}}",
                f32(1, 2)));
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            assertEquals(0, file.tensor("e").elementCount());
            assertEquals(2.0f, file.tensor("w").getFloat(1));
        }
    }

    @Test
    void unalignedDataSectionIsReadable() {
        // A 3-byte header puts the data at byte 11; nothing in the format promises alignment.
        Path f = SafetensorsBytes.write(dir.resolve("u.safetensors"),
                SafetensorsBytes.file("{} ", new byte[0]));
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            assertTrue(file.names().isEmpty());
        }
        // Trailing spaces (allowed JSON whitespace) put the F32 data at an odd file offset.
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        while ((8 + header.length()) % 4 != 1) {
            header += " ";
        }
        byte[] data = f32(1.5f, -7f);
        Path g = SafetensorsBytes.write(dir.resolve("v.safetensors"), SafetensorsBytes.file(header, data));
        try (SafetensorsFile file = SafetensorsFile.open(g)) {
            assertEquals(-7f, file.tensor("w").getFloat(1));
        }
    }
}
