package dev.galvani.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.cuda.KernelArgs.Param;
import dev.galvani.tensor.cuda.KernelArgs.Signature;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kernel arguments are the bytes the parameters hold, and a mismatch with the signature fails on the host. */
class KernelArgsTest {

    private static ByteBuffer le(byte[] b) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN); }

    @Test
    void valuesAreLittleEndianBytesOfEachParameter() {
        Signature s = new Signature("k", Param.PTR, Param.I32, Param.I64, Param.F32, Param.F64);
        List<byte[]> v = KernelArgs.of(s).ptr(0x7f00_1234_5678L).i32(-3).i64(1L << 40).f32(1.5f).f64(-0.25).values();
        assertEquals(0x7f00_1234_5678L, le(v.get(0)).getLong());
        assertEquals(-3, le(v.get(1)).getInt());
        assertEquals(1L << 40, le(v.get(2)).getLong());
        assertEquals(1.5f, le(v.get(3)).getFloat());
        assertEquals(-0.25, le(v.get(4)).getDouble());
        assertEquals(List.of(8, 4, 8, 4, 8), v.stream().map(b -> b.length).toList());
    }

    @Test
    void structsHaveTheirCudaLayout() {
        Signature s = new Signature("k", Param.SHAPE, Param.STRIDED, Param.LIF_PARAMS);
        CudaLayouts.Coalesced c = CudaLayouts.coalesce(new int[]{3, 5}, new int[]{1, 3});
        List<byte[]> v = KernelArgs.of(s).shape(c.shapeStruct()).strided(c.stridedStruct(0, 7))
                .lifParams(new int[]{1, 0, 1, 0, 1, 6}, new double[]{0.5, 1.0, -0.25, -0.25, 2.0}).values();
        ByteBuffer shape = le(v.get(0)), strided = le(v.get(1)), lif = le(v.get(2));
        assertEquals(36, v.get(0).length);
        assertArrayEquals(new int[]{2, 3, 5, 1, 1}, new int[]{shape.getInt(0), shape.getInt(4), shape.getInt(8), shape.getInt(12), shape.getInt(32)});
        assertArrayEquals(new int[]{7, 1, 3, 0}, new int[]{strided.getInt(0), strided.getInt(4), strided.getInt(8), strided.getInt(12)});
        // struct LifParams { int x6; double x5; }: the doubles start at byte 24, 8-byte aligned; 64 bytes in all.
        assertEquals(64, v.get(2).length);
        assertEquals(6, lif.getInt(20));
        assertEquals(0.5, lif.getDouble(24));
        assertEquals(2.0, lif.getDouble(56));
    }

    @Test
    void aMissingExtraOrMistypedArgumentNamesTheKernelAndPosition() {
        Signature s = new Signature("binary_f32", Param.PTR, Param.I32);
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> KernelArgs.of(s).i32(1));
        assertTrue(wrong.getMessage().contains("binary_f32: argument 1 must be PTR, got I32"), wrong.getMessage());
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class, () -> KernelArgs.of(s).ptr(0).i32(1).i32(2));
        assertTrue(extra.getMessage().contains("argument 3 (I32) is one too many"), extra.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> KernelArgs.of(s).ptr(0).values());
        assertTrue(missing.getMessage().contains("takes 2 arguments, got 1"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelArgs.of(new Signature("k", Param.SHAPE)).shape(new int[3]));
    }
}
