package dev.galvani.tensor;

/**
 * Whether operations on this thread are recorded for autograd. On by default; {@code Autograd.noGrad()}
 * (in galvani-autograd) or {@link #disable()} turns it off for a block:
 * <pre>{@code try (var _ = GradMode.disable()) { ... } }</pre>
 */
public final class GradMode {

    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[]{true});

    private GradMode() {}

    /** Whether operations on this thread are recorded now, as {@code torch.is_grad_enabled()}. */
    public static boolean isEnabled() { return ENABLED.get()[0]; }

    /** Turns recording off until the returned guard is closed (which restores the previous state). */
    public static Guard disable() { return set(false); }

    /** Turns recording on until the returned guard is closed. */
    public static Guard enable() { return set(true); }

    /**
     * Turns recording on or off until the returned guard is closed (which restores the previous state), as
     * {@code torch.set_grad_enabled(enabled)}.
     */
    public static Guard set(boolean enabled) {
        boolean[] state = ENABLED.get();
        boolean previous = state[0];
        state[0] = enabled;
        return new Guard(state, previous);
    }

    /** Restores the previous grad mode when closed. */
    public static final class Guard implements AutoCloseable {
        private final boolean[] state;
        private final boolean previous;
        private boolean closed;

        private Guard(boolean[] state, boolean previous) {
            this.state = state;
            this.previous = previous;
        }

        @Override public void close() {
            if (closed) return;
            closed = true;
            state[0] = previous;
        }
    }
}
