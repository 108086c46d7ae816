package dev.galvani.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bar's text, with a fake clock so times and rates are exact. */
class ProgressBarTest {

    private final AtomicLong nanos = new AtomicLong();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() { return bytes.toString(StandardCharsets.UTF_8); }

    private void advanceSeconds(double s) { nanos.addAndGet((long) (s * 1e9)); }

    @Test void lineModePrintsEveryQuarter() {
        try (ProgressBar bar = ProgressBar.builder(8).label("epoch 1").width(10).linesEvery(25)
                .out(out).terminal(false).clock(nanos::get).build()) {
            for (int i = 1; i <= 8; i++) {
                advanceSeconds(0.5);
                bar.metric("loss", 1.0 / i).metric("acc", i / 10.0).step();
            }
        }
        // 2 steps a second; at step k: elapsed k/2 s, left (8 - k)/2 s.
        assertEquals("""
                epoch 1  25%|##--------| 2/8 [00:01<00:03, 2.0 it/s] loss=0.5000 acc=0.2000
                epoch 1  50%|#####-----| 4/8 [00:02<00:02, 2.0 it/s] loss=0.2500 acc=0.4000
                epoch 1  75%|#######---| 6/8 [00:03<00:01, 2.0 it/s] loss=0.1667 acc=0.6000
                epoch 1 100%|##########| 8/8 [00:04<00:00, 2.0 it/s] loss=0.1250 acc=0.8000
                """, printed());
    }

    @Test void lineModeEndsWithTheStateWhereTheLoopStopped() {
        try (ProgressBar bar = ProgressBar.builder(100).unit("batch").width(4).out(out).terminal(false).clock(nanos::get).build()) {
            for (int i = 0; i < 15; i++) { advanceSeconds(0.02); bar.step(); }
        }
        assertEquals("""
                 10%|----| 10/100 [00:00<00:02, 50.0 batch/s]
                 15%|----| 15/100 [00:00<00:02, 50.0 batch/s]
                """, printed());
    }

    @Test void terminalModeRedrawsInPlaceAtMostTenTimesASecond() {
        try (ProgressBar bar = ProgressBar.builder(1000).unit("samples").width(10).out(out).terminal(true).clock(nanos::get).build()) {
            for (int i = 0; i < 100; i++) {   // one step of 10 samples every 10 ms: 1 s in all
                advanceSeconds(0.01);
                bar.step(10);
            }
        }
        String s = printed();
        long redraws = s.chars().filter(c -> c == '\r').count();
        // The first step, then one per 100 ms (steps 11, 21, ..., 91), the last step, and close: 12.
        assertEquals(12, redraws, s);
        assertTrue(s.endsWith("\r100%|##########| 1000/1000 [00:01<00:00, 1000 samples/s]\n"), s);
        assertTrue(s.startsWith("\r  1%|----------| 10/1000 [00:00<00:01, 1000 samples/s]"), s);
    }

    @Test void terminalModeBlanksWhatALongerLineLeft() {
        ProgressBar bar = ProgressBar.builder(2).width(2).out(out).terminal(true).clock(nanos::get).build();
        advanceSeconds(1);
        bar.metric("loss", -12.5).step();   // "loss=-12.50"
        String first = printed();
        bar.metric("loss", 1).step();       // "loss=1.000", one character shorter; the last step always redraws
        String second = printed().substring(first.length());
        assertEquals(first.length(), second.length(), "the shorter line is padded with spaces");
    }

    @Test void slowLoopsShowSecondsPerStep() {
        ProgressBar bar = ProgressBar.builder(10).width(1).out(out).terminal(false).clock(nanos::get).build();
        advanceSeconds(2.4);
        bar.step();
        assertEquals(" 10%|-| 1/10 [00:02<00:22, 2.40 s/it]\n", printed());
        advanceSeconds(3600);
        assertEquals(" 10%|-| 1/10 [1:00:02<9:00:22, 3602.40 s/it]", bar.render());
    }

    @Test void beforeAnyTimePassesRateAndEtaAreUnknown() {
        ProgressBar bar = ProgressBar.builder(4).width(4).out(out).terminal(false).clock(nanos::get).build();
        assertEquals("  0%|----| 0/4 [00:00<?, ? it/s]", bar.render());
    }

    @Test void numbersKeepFourSignificantDigits() {
        assertEquals("0.4312", ProgressBar.number(0.43119));
        assertEquals("12.35", ProgressBar.number(12.3456));
        assertEquals("1235", ProgressBar.number(1234.5));
        assertEquals("0.001235", ProgressBar.number(0.0012346));
        assertEquals("1.235e-05", ProgressBar.number(0.000012346));
        assertEquals("-2.000", ProgressBar.number(-2));
        assertEquals("NaN", ProgressBar.number(Double.NaN));
        assertEquals("01:05", ProgressBar.clockTime(65));
        assertEquals("1:02:05", ProgressBar.clockTime(3725));
    }
}
