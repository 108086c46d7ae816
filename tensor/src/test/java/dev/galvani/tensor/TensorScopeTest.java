package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorScopeTest {

    @Test
    void releasesWhatWasCreatedInsideExceptKeptTensors() {
        Tensor outside = Tensor.ones(4);
        Tensor kept, dropped, view;
        try (var scope = TensorScope.open()) {
            dropped = outside.mul(2.0);
            view = dropped.reshape(2, 2);
            kept = scope.keep(outside.add(1.0).sum());
            assertTrue(scope.trackedCount() > 0);
        }
        assertEquals(8f, kept.item());
        assertEquals(4f, outside.sum().item());
        assertTrue(dropped.storage().isReleased());
        var e = assertThrows(IllegalStateException.class, view::toFloatArray);
        assertTrue(e.getMessage().contains("released when its TensorScope closed"), e.getMessage());
    }

    @Test
    void keptTensorsMoveToTheEnclosingScope() {
        Tensor inner;
        try (var outer = TensorScope.open()) {
            try (var scope = TensorScope.open()) {
                inner = scope.keep(Tensor.ones(3));
            }
            assertFalse(inner.storage().isReleased());
            assertEquals(1, outer.trackedCount());
        }
        assertTrue(inner.storage().isReleased());
    }

    @Test
    void scopesCloseInOrder() {
        var outer = TensorScope.open();
        var inner = TensorScope.open();
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        outer.close();
        outer.close();    // closing twice is harmless
    }

    @Test
    void reportsReleasedBytes() {
        TensorScope scope = TensorScope.open();
        Tensor.zeros(DType.F64, 10);
        scope.close();
        assertEquals(80, scope.releasedBytes());
    }
}
