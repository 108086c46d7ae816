package dev.galvani.snn;

import dev.galvani.nn.Module;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records the spiking activity of every {@link SpikingNeuron} of a model: per layer the number of
 * spikes and of neuron-steps (the firing rate), and optionally the spikes of the first sample of
 * the last batch (for a raster plot). Off by default: neurons without a monitor check one field and
 * record nothing. Counting stays on the device (one reduction per layer and call); values are read
 * only when asked for ({@link #firingRates()}).
 *
 * <pre>{@code
 * try (SpikeMonitor monitor = SpikeMonitor.attach(model, true)) {
 *     model.forward(x);
 *     monitor.firingRates();           // {"1": 0.12, "4": 0.07, ...}
 * }
 * }</pre>
 */
public final class SpikeMonitor implements AutoCloseable {

    /** What one layer recorded. */
    public static final class Layer {
        final String name;
        final SpikingNeuron neuron;
        Tensor spikeSum;                 // F64 scalar on the device
        long neuronSteps;
        Tensor lastRaster;               // [T, neurons] of sample 0, when asked for

        Layer(String name, SpikingNeuron neuron) {
            this.name = name;
            this.neuron = neuron;
        }

        /** The neuron's dotted name in the model. */
        public String name() { return name; }

        /** Spikes per neuron per step so far (a read of the device). */
        public double firingRate() { return neuronSteps == 0 ? 0 : spikeSum.itemDouble() / neuronSteps; }

        /** The spikes of the first sample of the last batch, [T, neurons] (T = 1 in single-step mode), or null. */
        public Tensor raster() { return lastRaster; }
    }

    /** Called by a neuron after each forward; does nothing unless a monitor is attached. */
    static final class Recorder {
        private final SpikeMonitor monitor;
        private final Layer layer;

        Recorder(SpikeMonitor monitor, Layer layer) {
            this.monitor = monitor;
            this.layer = layer;
        }

        void record(SpikingNeuron neuron, Tensor spikes, StepMode mode) {
            try (var _ = GradMode.disable()) {
                Tensor sum = spikes.detach().sum().to(DType.F64);
                layer.spikeSum = TensorScope.escape(layer.spikeSum == null ? sum : layer.spikeSum.add(sum));
                layer.neuronSteps += spikes.numel();
                if (monitor.keepRaster && spikes.dim() >= 2) {
                    Tensor sample = mode == StepMode.MULTI ? spikes.detach().select(1, 0).reshape(spikes.size(0), -1) : spikes.detach().select(0, 0).reshape(1, -1);
                    layer.lastRaster = TensorScope.escape(sample.clone());
                }
            }
        }
    }

    private final Map<String, Layer> layers = new LinkedHashMap<>();
    private final boolean keepRaster;

    private SpikeMonitor(boolean keepRaster) { this.keepRaster = keepRaster; }

    /** Starts recording every spiking neuron of {@code model}, named by its dotted path in the model. */
    public static SpikeMonitor attach(Module model, boolean keepRaster) {
        SpikeMonitor m = new SpikeMonitor(keepRaster);
        model.namedModules().forEach((name, module) -> {
            if (module instanceof SpikingNeuron n) {
                Layer layer = new Layer(name.isEmpty() ? n.getClass().getSimpleName() : name, n);
                m.layers.put(layer.name, layer);
                n.recorder = new Recorder(m, layer);
            }
        });
        if (m.layers.isEmpty()) throw new IllegalArgumentException("SpikeMonitor: the model has no spiking neurons");
        return m;
    }

    /** The recorded layers, in model order. */
    public Map<String, Layer> layers() { return java.util.Collections.unmodifiableMap(layers); }

    /** Firing rate per layer (spikes per neuron per step). */
    public Map<String, Double> firingRates() {
        Map<String, Double> r = new LinkedHashMap<>();
        layers.forEach((k, v) -> r.put(k, v.firingRate()));
        return r;
    }

    /** Forgets the counts (for example at the start of an evaluation). */
    public void clear() {
        for (Layer l : layers.values()) {
            l.spikeSum = null;
            l.neuronSteps = 0;
            l.lastRaster = null;
        }
    }

    /** Stops recording: the neurons go back to doing nothing extra. */
    @Override public void close() {
        for (Layer l : layers.values()) l.neuron.recorder = null;
    }
}
