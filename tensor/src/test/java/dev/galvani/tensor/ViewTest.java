package dev.galvani.tensor;

import static dev.galvani.tensor.testing.TensorAssert.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Views share storage and copy nothing; the shape rules fail with messages that name the shapes. */
class ViewTest {

    final Tensor x = Tensor.arange(24).reshape(2, 3, 4);

    @Test
    void viewsShareStorage() {
        for (Tensor v : new Tensor[]{x.reshape(6, 4), x.view(4, -1), x.permute(2, 0, 1), x.transpose(0, 1), x.unsqueeze(0), x.squeeze(),
                x.expand(5, 2, 3, 4), x.narrow(1, 1, 2), x.slice(2, 0, 4, 2), x.select(0, 1), x.flatten(), x.unflatten(2, 2, 2), x.select(0, 0).T()})
            assertSame(x.storage(), v.storage());
    }

    @Test
    void stridesOffsetsAndContiguity() {
        Tensor p = x.permute(2, 0, 1);
        assertArrayEquals(new int[]{1, 12, 4}, p.strides());
        assertFalse(p.isContiguous());
        Tensor s = x.slice(2, 1, 4, 2);
        assertArrayEquals(new int[]{2, 3, 2}, s.shape().dims());
        assertArrayEquals(new int[]{12, 4, 2}, s.strides());
        assertEquals(1, s.offset());
        assertValues(s.select(0, 1).select(0, 2), new double[]{21, 23}, 2);
        Tensor e = x.select(2, 0).unsqueeze(2).expand(2, 3, 5);
        assertArrayEquals(new int[]{12, 4, 0}, e.strides());
        // Size-1 dims do not break contiguity, whatever their stride.
        assertTrue(x.unsqueeze(1).isContiguous());
        assertTrue(Tensor.zeros(0, 3).permute(1, 0).isContiguous());
    }

    @Test
    void viewOfNonContiguousDataWhenStridesAllow() {
        Tensor t = x.transpose(1, 2);                 // [2, 4, 3], strides [12, 1, 4]
        Tensor v = t.view(2, 12 / 3, 3);              // same shape: fine
        assertSame(t.storage(), v.storage());
        Tensor u = x.permute(1, 2, 0).view(12, 2);    // dims 1, 2 are contiguous with each other
        assertArrayEquals(new int[]{1, 12}, u.strides());
        var err = assertThrows(IllegalArgumentException.class, () -> t.view(24));
        assertTrue(err.getMessage().startsWith("view: shape [24] is not compatible with the layout of a tensor of shape [2, 4, 3]"), err.getMessage());
        Tensor r = t.reshape(24);                     // reshape copies instead
        assertValues(r.narrow(0, 0, 4), new double[]{0, 4, 8, 1}, 4);
    }

    @Test
    void shapeErrorsNameTheOperation() {
        assertEquals("reshape: shape [5, -1] is invalid for a tensor of shape [2, 3, 4] (24 elements)",
                assertThrows(IllegalArgumentException.class, () -> x.reshape(5, -1)).getMessage());
        assertEquals("permute: dimension 0 repeats in [0, 0, 1]",
                assertThrows(IllegalArgumentException.class, () -> x.permute(0, 0, 1)).getMessage());
        assertEquals("transpose: dimension 3 out of range [-3, 2] for a tensor of rank 3",
                assertThrows(IllegalArgumentException.class, () -> x.transpose(0, 3)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> x.expand(2, 5, 4)).getMessage().startsWith("expand: tensor of shape [2, 3, 4] cannot be expanded to [2, 5, 4]"));
        assertThrows(IndexOutOfBoundsException.class, () -> x.narrow(1, 2, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> x.select(2, 4));
        assertThrows(IllegalArgumentException.class, () -> x.slice(0, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, x::T);
        assertThrows(IllegalArgumentException.class, () -> x.unflatten(1, 2, 2));
    }

    @Test
    void negativeDimsCountFromTheEnd() {
        assertArrayEquals(new int[]{2, 3, 1, 4}, x.unsqueeze(-2).shape().dims());
        assertArrayEquals(new int[]{2, 3, 4, 1}, x.unsqueeze(-1).shape().dims());
        assertArrayEquals(new int[]{4, 3, 2}, x.transpose(-1, 0).shape().dims());
        assertEquals(4, x.size(-1));
    }

    @Test
    void scalarsAndEmptyTensors() {
        Tensor s = Tensor.scalar(2);
        assertEquals(0, s.dim());
        assertArrayEquals(new int[]{1}, s.flatten().shape().dims());
        assertArrayEquals(new int[]{1, 1}, s.reshape(1, 1).shape().dims());
        assertArrayEquals(new int[]{}, s.reshape(1, 1).reshape().shape().dims());
        Tensor e = Tensor.zeros(0, 4);
        assertArrayEquals(new int[]{4, 0}, e.T().shape().dims());
        assertArrayEquals(new int[]{2, 0, 2}, e.reshape(2, 0, 2).shape().dims());
        assertArrayEquals(new int[]{0, 8}, e.unsqueeze(2).expand(0, 4, 2).reshape(0, 8).shape().dims());
    }
}
