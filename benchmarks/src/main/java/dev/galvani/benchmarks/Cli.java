package dev.galvani.benchmarks;

import java.io.PrintStream;
import picocli.CommandLine;

/**
 * Parses a task's command line with picocli into its options object (a class annotated with
 * {@code @Command} and {@code @Option}): typed values, errors that name the flag, help generated
 * from the annotations with the defaults shown. A task whose options need checks across flags
 * implements {@link Checked}; its message is reported like a parse error.
 */
public final class Cli {

    private Cli() {}

    /** Options that check themselves after parsing (ranges, flags that depend on each other). */
    public interface Checked {
        /** Throws {@link IllegalArgumentException} naming the flag and the value. */
        void check();
    }

    /** What parsing decided: run with the options, or stop with an exit code (help printed: 0; a bad command line: 2). */
    public record Parsed<T>(T options, int exitCode) {
        /**
         * True when the options were parsed and checked, so the task should run.
         * @return whether there are options to run with
         */
        public boolean run() { return options != null; }
    }

    /** Parses {@code args} into {@code options}; help and errors are printed to {@code out} / {@code err}. */
    public static <T> Parsed<T> parse(T options, String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(options).setUsageHelpWidth(110).setCaseInsensitiveEnumValuesAllowed(true)
                .setOverwrittenOptionsAllowed(true);     // the last value wins: --resume appends the new flags to the stored ones
        String name = cl.getCommandName();
        try {
            var result = cl.parseArgs(args);
            if (result.isUsageHelpRequested()) {
                cl.usage(out);
                return new Parsed<>(null, 0);
            }
            if (options instanceof Checked c) c.check();
            return new Parsed<>(options, 0);
        } catch (CommandLine.ParameterException e) {
            err.println(name + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage().startsWith(name + ":") ? e.getMessage() : name + ": " + e.getMessage());
        }
        err.println("./galvani " + name + " --help lists the options");
        return new Parsed<>(null, 2);
    }

    /** {@link #parse} for a {@code main}: exits with the code when there is nothing to run. */
    public static <T> T parseOrExit(T options, String[] args) {
        Parsed<T> p = parse(options, args, System.out, System.err);
        if (!p.run()) System.exit(p.exitCode());
        return p.options();
    }
}
