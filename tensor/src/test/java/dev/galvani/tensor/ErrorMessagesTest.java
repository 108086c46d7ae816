package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every bad call fails at once, names the operation and the shapes or types, and changes nothing. */
class ErrorMessagesTest {

    static String message(Class<? extends Throwable> type, Executable call) {
        return assertThrows(type, call).getMessage();
    }

    final Tensor a = Tensor.ones(2, 3), b = Tensor.ones(4, 5);

    @Test
    void elementwiseAndMatmul() {
        assertEquals("add: shapes [2, 3] and [4, 5] cannot be broadcast (dimension 0: 2 vs 4)", message(IllegalArgumentException.class, () -> a.add(b)));
        assertEquals("matmul: [2, 3] x [4, 5]: inner dimensions 3 and 4 differ", message(IllegalArgumentException.class, () -> a.matmul(b)));
        assertEquals("bmm: expects two 3-D tensors, got [2, 3] x [4, 5]", message(IllegalArgumentException.class, () -> a.bmm(b)));
        assertEquals("dot: [3] and [4]: lengths 3 and 4 differ", message(IllegalArgumentException.class, () -> Tensor.ones(3).dot(Tensor.ones(4))));
        assertEquals("where: the condition must be a BOOL tensor, got F32; compare first, e.g. x.gt(0)", message(IllegalArgumentException.class, () -> Tensor.where(a, a, a)));
        assertTrue(message(IllegalArgumentException.class, () -> Tensor.of(new boolean[]{true}).neg()).startsWith("neg: not defined for BOOL"));
        assertTrue(message(IllegalArgumentException.class, () -> a.clamp(2, 1)).startsWith("clamp: min 2.0 is greater than max 1.0"));
        assertEquals("pow: integers to negative integer powers are not allowed",
                message(ArithmeticException.class, () -> Tensor.of(new long[]{2}).pow(Tensor.of(new long[]{-1}))));
    }

    @Test
    void reductions() {
        assertEquals("sum: dimension 2 out of range [-2, 1] for a tensor of rank 2", message(IllegalArgumentException.class, () -> a.sum(2)));
        assertEquals("sum: dimension 1 appears more than once in [1, -1]", message(IllegalArgumentException.class, () -> a.sum(new int[]{1, -1}, false)));
        assertTrue(message(IllegalArgumentException.class, () -> Tensor.zeros(0, 3).amax(0, false)).startsWith("amax: cannot reduce over an empty dimension (shape [0, 3]"));
        assertTrue(message(IllegalArgumentException.class, () -> Tensor.arange(3).mean()).startsWith("mean: needs a floating-point tensor, got I64"));
        assertTrue(message(IllegalArgumentException.class, () -> a.norm(-1)).startsWith("norm: p must be"));
    }

    @Test
    void indexingAndJoining() {
        Tensor idx = Tensor.of(new long[]{0, 3});
        assertEquals("indexSelect: index 3 is out of bounds for dimension 1 with size 3 (tensor [2, 3])",
                message(IndexOutOfBoundsException.class, () -> a.indexSelect(1, idx)));
        assertEquals("indexSelect: index must be an integer tensor (I32 or I64), got F32",
                message(IllegalArgumentException.class, () -> a.indexSelect(1, Tensor.ones(1))));
        assertEquals("gather: index [2] must have as many dimensions as the tensor [2, 3]", message(IllegalArgumentException.class, () -> a.gather(1, idx)));
        assertEquals("cat: shapes [[2, 3], [4, 5]] must match except in dimension 0", message(IllegalArgumentException.class, () -> Tensor.cat(0, a, b)));
        assertEquals("stack: all tensors must have the same shape, got [[2, 3], [4, 5]]", message(IllegalArgumentException.class, () -> Tensor.stack(0, a, b)));
        assertEquals("cat: expects a non-empty list of tensors", message(IllegalArgumentException.class, () -> Tensor.cat(List.of(), 0)));
        assertTrue(message(IllegalArgumentException.class, () -> a.split(new int[]{1, 1}, 1)).startsWith("split: sizes [1, 1] sum to 2 but dimension 1 of [2, 3] has size 3"));
        assertTrue(message(IllegalArgumentException.class, () -> a.pad(PadMode.REFLECT, 0, 3, 0)).startsWith("pad(reflect): padding (3, 0) must be smaller than the size 3"));
        assertTrue(message(IllegalArgumentException.class, () -> a.pad(1, 2, 3)).startsWith("pad: needs an even number of paddings"));
        assertTrue(message(IndexOutOfBoundsException.class, () -> Tensor.of(new long[]{0, 5}).oneHot(3)).startsWith("oneHot: class indices must lie in [0, 3): scatterAdd: index 5 is out of bounds"));
        assertTrue(message(IllegalArgumentException.class, () -> a.repeat(2)).startsWith("repeat: 1 repeats [2] for a tensor of rank 2"));
        assertTrue(message(IllegalArgumentException.class, () -> Tensor.einsum("ij,jk", a, a)).startsWith("einsum: label 'j' has size 3 in the first operand [2, 3] and 2 in the second"));
    }

    @Test
    void splitAndChunkReturnViews() {
        Tensor x = Tensor.arange(10).reshape(2, 5);
        var parts = x.split(2, 1);
        assertEquals(3, parts.size());
        assertEquals(List.of(2, 2, 1), parts.stream().map(p -> p.size(1)).toList());
        parts.forEach(p -> assertTrue(p.storage() == x.storage()));
        assertEquals(9, parts.get(2).get(1, 0));
        var chunks = x.chunk(2, 1);          // torch.chunk: ceil(5 / 2) = 3, then 2
        assertEquals(List.of(3, 2), chunks.stream().map(p -> p.size(1)).toList());
        var sized = x.split(new int[]{1, 4}, 1);
        assertEquals(6, sized.get(1).get(1, 0));
    }
}
