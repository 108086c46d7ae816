package dev.galvani.benchmarks.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The settings every CPU benchmark shares (JMH's class-level annotations are inherited).
 *
 * <p>The forked JVM gets Galvani's flags from {@code jvmArgsAppend}, and a fixed, pre-touched heap:
 * the 2^24-element workloads allocate 64 MiB per result, and while a heap is still growing the
 * kernel zeroes fresh pages inside the timed calls. Everything else (a
 * {@code -Dgalvani.threads=N}, a heap size) it inherits from the JVM that launched JMH, and the
 * environment variable {@code GALVANI_NUM_THREADS} reaches it too. Without either, Galvani uses every
 * available processor. Warm-up and measurement are time-based, so the 2048 SGEMM and the 2^24-element
 * ops both get several calls per iteration on a 2-core machine.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public abstract class CpuBenchmark {
}
