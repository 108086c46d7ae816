package dev.galvani.benchmarks;

/** The machine a result was measured on, as results pages name it. */
public final class MachineInfo {

    private MachineInfo() {}

    /** The CPU model (lscpu, else /proc/cpuinfo) and the processors this JVM sees, e.g. "Intel(R) Xeon(R) Processor, 2 cores". */
    public static String cpu() {
        return SideBySideReport.cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    }
}
