package dev.galvani.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.data.Batch;
import dev.galvani.data.DataLoader;
import dev.galvani.data.TensorDataset;
import dev.galvani.nn.Activation;
import dev.galvani.nn.BatchNorm;
import dev.galvani.nn.Conv;
import dev.galvani.nn.Dropout;
import dev.galvani.nn.F;
import dev.galvani.nn.Flatten;
import dev.galvani.nn.Linear;
import dev.galvani.nn.Module;
import dev.galvani.nn.Pool;
import dev.galvani.nn.Sequential;
import dev.galvani.optim.AdamW;
import dev.galvani.optim.Optimizer;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.check.CheckBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A small CNN (convolution, batch norm, ReLU, max and average pooling, dropout, linear,
 * cross-entropy, AdamW) trained on the checking device of the tensor test jar: proof that a
 * training step runs on a device that is asynchronous and off-heap without waiting for it, without
 * leaking its memory, and with the CPU's numbers.
 */
class DeviceTrainingTest {

    static final int BATCH = 8, STEPS = 5;

    static Module cnn(long seed) {
        Generator g = new Generator(seed);
        return new Sequential(new Conv.Conv2d(1, 4, 3, 1, 1, 1, 1, true, g), new BatchNorm.BatchNorm2d(4), new Activation.ReLU(), new Pool.MaxPool2d(2),
                new Conv.Conv2d(4, 6, 3, 1, 1, 1, 1, true, g), new BatchNorm.BatchNorm2d(6), new Activation.ReLU(), new Pool.AvgPool2d(2),
                new Flatten(), new Dropout(0.25, new Generator(seed + 1)), new Linear(24, 3, true, g));
    }

    /** One step; returns the loss (not read). */
    static Tensor step(Module model, Optimizer opt, Tensor x, Tensor y) {
        Tensor loss = F.crossEntropy(model.forward(x), y);
        model.zeroGrad();
        loss.backward();
        opt.step();
        return loss;
    }

    /** The losses of {@link #STEPS} steps on {@code device}, each step in its own scope, read at the end. */
    static float[] train(Device device) {
        Module model = cnn(3).to(device);
        Optimizer opt = new AdamW(model.parameters(), AdamW.options().lr(0.01));
        Generator data = new Generator(11);
        List<Tensor> losses = new ArrayList<>();
        for (int s = 0; s < STEPS; s++) {
            try (var scope = TensorScope.open()) {
                Tensor x = Tensor.randn(data, device, BATCH, 1, 8, 8), y = Tensor.randint(data, 0, 3, device, BATCH);
                losses.add(scope.keep(step(model, opt, x, y)));
            }
        }
        float[] out = new float[STEPS];
        for (int s = 0; s < STEPS; s++) out[s] = losses.get(s).item();
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"check:0", "check:1"})
    void aTrainingStepNeverWaitsForTheDevice(String name) {
        Device device = Device.parse(name);
        CheckBackend backend = CheckBackend.of(device);
        Module model = cnn(5).to(device);
        Optimizer opt = new AdamW(model.parameters(), AdamW.options().lr(0.01));
        Generator data = new Generator(7);
        step(model, opt, Tensor.randn(data, device, BATCH, 1, 8, 8), Tensor.randint(data, 0, 3, device, BATCH));   // first step: state made, counters read once
        for (int s = 0; s < 3; s++) {
            CheckBackend.Counters before = backend.counters();
            Tensor loss;
            try (var scope = TensorScope.open()) {
                Tensor x = Tensor.randn(data, device, BATCH, 1, 8, 8), y = Tensor.randint(data, 0, 3, device, BATCH);
                loss = scope.keep(step(model, opt, x, y));
            }
            CheckBackend.Counters during = backend.counters().minus(before);
            assertEquals(0, during.synchronizations(), "synchronisations inside a training step on " + device + ": " + during);
            assertEquals(0, during.deviceToHost(), "reads of device values inside a training step: " + during);
            assertEquals(0, during.hostToDevice(), "host-to-device copies inside a step whose data is made on the device: " + during);
            assertTrue(during.launches() > 50, "the step ran on the device: " + during);
            assertTrue(Float.isFinite(loss.item()));       // the one read the user asks for
            assertEquals(1, backend.counters().minus(before).synchronizations());
        }
    }

    @Test
    void theCheckingDeviceGivesTheCpusBits() {
        float[] cpu = train(Device.CPU), check = train(new Device("check", 0));
        assertArrayEquals(cpu, check, "check:0 runs the CPU's kernels on staged copies: every loss must be identical");
        float[] composed = train(new Device("check", 1));
        for (int s = 0; s < STEPS; s++)
            assertEquals(cpu[s], composed[s], 1e-4 * Math.abs(cpu[s]) + 1e-5, "the composed forms (check:1) follow the fused kernels, step " + s);
    }

    /** On a GPU (tag cuda): the losses follow the CPU's within float rounding, and scoped steps leak nothing there either. */
    @Test
    @org.junit.jupiter.api.Tag("cuda")
    void onCudaTheLossesFollowTheCpusAndScopedStepsLeakNothing() throws InterruptedException {
        java.util.Optional<String> why = dev.galvani.tensor.cuda.CudaBackend.unavailableReason(0);
        org.junit.jupiter.api.Assumptions.assumeTrue(why.isEmpty(), () -> why.orElse(""));
        float[] cpu = train(Device.CPU), gpu = train(Device.cuda(0));
        for (int s = 0; s < STEPS; s++)
            assertEquals(cpu[s], gpu[s], 1e-3 * Math.abs(cpu[s]) + 1e-4, "loss of step " + s + " on cuda:0 against the CPU");
        scopedStepsLeakNothing("cuda:0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "check:0", "check:1"})
    void scopedStepsLeakNothing(String name) throws InterruptedException {
        Device device = Device.parse(name);
        runScopedTraining(device);      // once first: what lives on by design (the composed pooling's geometry tables) is made now
        long start = settledLive(device);
        // The cleaner may return garbage of earlier tests while steps run, which moves "live" by chance;
        // a leak moves it in every run, so one run in three with steady bytes shows there is none.
        long[] afterStep = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            afterStep = runScopedTraining(device);
            if (steady(afterStep)) break;
            settledLive(device);
        }
        for (int s = 2; s < afterStep.length; s++)
            assertEquals(afterStep[1], afterStep[s], "live bytes after step " + s + " on " + device + " (steady after the first steps made the state)");
        // A leak can only add to what lived at the start; garbage of earlier tests that the cleaner returns late only lowers it.
        long end = liveOnceCollected(device, start);
        assertTrue(end <= start, "live bytes on " + device + " once the model, optimizer and data are unreachable: " + end + ", at the start " + start);
    }

    private static boolean steady(long[] afterStep) {
        for (int s = 2; s < afterStep.length; s++) if (afterStep[s] != afterStep[1]) return false;
        return true;
    }

    /** Trains with a scope per step and a loader whose prefetch thread makes the batches; live bytes after each step. */
    private static long[] runScopedTraining(Device device) {
        Generator g = new Generator(21);
        TensorDataset set = new TensorDataset(Tensor.randn(g, 128, 1, 8, 8), Tensor.randint(g, 0, 3, 128));   // 16 batches: the prefetcher never runs dry
        Module model = cnn(9).to(device);
        Optimizer opt = new AdamW(model.parameters(), AdamW.options().lr(0.01));
        long[] live = new long[6];
        try (DataLoader loader = DataLoader.builder(set).batchSize(BATCH).shuffle(1).prefetch(2).build()) {
            int s = 0;
            for (Batch b : loader) {
                if (s == live.length) break;
                try (var scope = TensorScope.open()) {
                    step(model, opt, b.inputs().to(device), b.targets().to(device));
                }
                device.synchronize();
                live[s++] = device.memoryStats().live();
            }
        }
        return live;
    }

    /** Live bytes once the garbage of earlier tests is collected and cleaned. */
    private static long settledLive(Device device) throws InterruptedException {
        long previous = Long.MIN_VALUE, now = device.memoryStats().live();
        for (int i = 0; i < 50 && now != previous; i++) {
            System.gc();
            Thread.sleep(40);
            device.synchronize();
            previous = now;
            now = device.memoryStats().live();
        }
        return now;
    }

    private static long liveOnceCollected(Device device, long target) throws InterruptedException {
        long now = device.memoryStats().live();
        for (int i = 0; i < 100 && now > target; i++) {
            System.gc();
            Thread.sleep(40);
            device.synchronize();
            now = device.memoryStats().live();
        }
        return now;
    }
}
