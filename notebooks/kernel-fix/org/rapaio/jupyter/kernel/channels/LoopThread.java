package org.rapaio.jupyter.kernel.channels;

/**
 * Galvani's replacement for rapaio-jupyter-kernel 3.0.x's channel loop thread, put before the
 * kernel's jar on the class path by notebooks/install.sh. Same name and contract; two startup races
 * fixed:
 * <ul>
 *   <li>the original sets {@code running = true} after {@code Thread.start()}, so a thread that runs
 *       first sees {@code false} and ends: that channel (often the shell) is dead and the kernel
 *       never answers, "Kernel didn't respond" (a third of the starts on a busy 2-core machine);</li>
 *   <li>a message that arrives before the kernel has registered its handlers throws inside the loop
 *       body and would end the thread; here it is reported and the loop goes on (Jupyter resends
 *       kernel_info_request until it gets an answer).</li>
 * </ul>
 */
public final class LoopThread extends Thread {

    private volatile boolean running = false;
    private final long sleep;
    private final Runnable loopBody;

    public LoopThread(String name, long sleep, Runnable loopBody) {
        super(name);
        this.sleep = sleep;
        this.loopBody = loopBody;
    }

    @Override
    public void run() {
        while (running) {
            try {
                loopBody.run();
            } catch (RuntimeException e) {
                if (!running) return;
                System.err.println(getName() + ": " + e + " (the loop goes on)");
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        running = true;          // before the thread can look at it
        super.start();
    }

    public void shutdown() {
        running = false;
    }
}
