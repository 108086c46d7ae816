package dev.galvani.benchmarks.gpu;

import dev.galvani.benchmarks.train.FashionMnistTask;
import dev.galvani.nn.F;
import dev.galvani.nn.Module;
import dev.galvani.optim.AdamW;
import dev.galvani.optim.Optimizer;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;

/**
 * One training epoch of the Fashion-MNIST CNN of {@code ./galvani fashion-mnist} ({@link FashionMnistTask#model}
 * with widths 32, 64 and 128: two blocks of conv 3x3, batch norm, ReLU and 2x2 max pooling, then
 * {@code Linear(3136, 128)}, ReLU, dropout 0.25, {@code Linear(128, 10)}), cross-entropy and AdamW
 * (lr 1e-3, weight decay 1e-4), batches of 128 taken in order with the last short one dropped: the
 * {@code cnn_epoch_fashion_shape} row of the GPU benchmark, whose PyTorch twin is {@code cnn_epoch} in
 * {@code benchmarks/scripts/gpu_bench_torch.py}. The GPU machine has no data set, so the images
 * (standard normal, {@code [60000, 1, 28, 28]}) and the labels (0 to 9) are made on the device from a
 * fixed seed: the epoch's work is Fashion-MNIST's, its accuracy means nothing. A few warm-up steps come
 * first; the timer then sees the whole epoch, each step in its own tensor scope as the task's.
 */
public final class CnnEpoch {

    private CnnEpoch() {}

    /** Fashion-MNIST's training images. */
    public static final int IMAGES = 60_000;
    /** Examples per step, as the CNN task's default. */
    public static final int BATCH = 128;
    /** Seed of the synthetic data, the weights and the dropout masks. */
    public static final long SEED = 42;

    /**
     * What an epoch took.
     * @param millis the timer's milliseconds for the epoch (warm-up excluded)
     * @param steps the training steps of the epoch
     * @param lastLoss the loss of the epoch's last step
     */
    public record Result(double millis, int steps, float lastLoss) {}

    /** Runs a piece of work and returns its milliseconds: CUDA events on a GPU, the wall clock elsewhere. */
    @FunctionalInterface
    public interface Timer {
        /**
         * Runs {@code work} and measures it.
         * @param work what to time
         * @return its milliseconds
         */
        double millis(Runnable work);
    }

    /** The wall clock, for devices without events of their own (it does not wait for an asynchronous device). */
    public static final Timer WALL_CLOCK = work -> {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e6;
    };

    /**
     * Trains the CNN for one epoch on {@code images} synthetic examples on {@code device}.
     * @param device where data, model and optimizer live
     * @param images examples in the epoch ({@link #IMAGES} for the benchmark; at least one batch)
     * @param warmupSteps untimed steps before the epoch, on its first batches
     * @param timer measures the epoch
     * @return the epoch's time, steps and last loss
     */
    public static Result run(Device device, int images, int warmupSteps, Timer timer) {
        if (images < BATCH) throw new IllegalArgumentException("CnnEpoch: " + images + " images are less than one batch of " + BATCH);
        Generator gen = new Generator(SEED);
        Tensor x = Tensor.randn(gen, device, images, 1, 28, 28), y = Tensor.randint(gen, 0, 10, device, images);
        Module model = FashionMnistTask.model(32, 64, 128, gen).to(device);
        Optimizer optimizer = new AdamW(model.parameters(), AdamW.options().lr(1e-3).weightDecay(1e-4));
        model.train();
        int steps = images / BATCH;
        for (int i = 0; i < warmupSteps; i++)
            try (var scope = TensorScope.open()) {
                step(model, optimizer, x, y, i % steps);
            }
        Tensor[] last = new Tensor[1];
        double millis = timer.millis(() -> {
            for (int i = 0; i < steps; i++)
                try (var scope = TensorScope.open()) {
                    Tensor loss = step(model, optimizer, x, y, i);
                    if (i == steps - 1) last[0] = scope.keep(loss);     // read after the timing: no wait inside the epoch
                }
        });
        return new Result(millis, steps, last[0].item());
    }

    /** One training step on batch {@code i}; returns its loss (not read). */
    private static Tensor step(Module model, Optimizer optimizer, Tensor x, Tensor y, int i) {
        Tensor loss = F.crossEntropy(model.forward(x.narrow(0, i * BATCH, BATCH)), y.narrow(0, i * BATCH, BATCH));
        model.zeroGrad();
        loss.backward();
        optimizer.step();
        return loss;
    }
}
