package dev.galvani.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Heat-map panels: the image's size, colours that follow the values, and size checks. */
class FieldPlotsTest {

    @Test void panelsSitSideBySideAndColoursFollowTheValues(@TempDir Path dir) throws Exception {
        int n = 20;
        double[] ramp = new double[n * n], flat = new double[n * n];
        for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) ramp[r * n + c] = c;          // left low, right high
        Path png = dir.resolve("fields.png");
        FieldPlots.save(png, "test", List.of(FieldPlots.Field.of("ramp", ramp, n, n), FieldPlots.Field.of("flat", flat, n, n)), 300);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(600, image.getWidth());
        assertEquals(300 + 60 + 36, image.getHeight());
        // In the ramp's panel, a point on the left and one on the right of the plot area differ in colour;
        // the flat field's panel has one colour across.
        int y = 36 + 140;
        assertNotEquals(image.getRGB(60, y), image.getRGB(240, y));
        assertEquals(image.getRGB(360, y), image.getRGB(540, y));
        assertThrows(IllegalArgumentException.class, () -> FieldPlots.Field.of("bad", new double[5], 2, 2));
    }
}
