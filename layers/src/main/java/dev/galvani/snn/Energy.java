package dev.galvani.snn;

import dev.galvani.nn.Conv;
import dev.galvani.nn.Linear;
import dev.galvani.nn.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The energy estimate of bio reference §9: per synaptic layer, MACs (the dense operation count of the
 * same layer in an ANN) and SynOps = T · fr · MACs, fr the firing rate of the layer's input spikes;
 * E_ANN = E_MAC Σ MACs and E_SNN = E_MAC T MACs_1 + E_AC Σ_{l ≥ 2} SynOps_l (the first layer takes
 * the analog input: multiply-accumulates at every step). Defaults: the fp32 pair of Horowitz
 * (ISSCC 2014, 45 nm): E_MAC = 4.6 pJ, E_AC = 0.9 pJ; both are parameters.
 */
public final class Energy {

    private Energy() {}

    /** The default energies in pJ of one multiply-accumulate and one accumulate (Horowitz, fp32, 45 nm). */
    public static final double E_MAC_PJ = 4.6, E_AC_PJ = 0.9;

    /** One synaptic layer's counts: MACs per sample and step, input firing rate, SynOps per sample. */
    public record LayerCount(String name, long macs, double inputRate, double synOps, boolean analogInput) {}

    /** The estimate: per-layer counts and the two energies in pJ per sample. */
    public record Estimate(List<LayerCount> layers, int steps, double annPicojoules, double snnPicojoules, double eMac, double eAc) {

        /** A table a person reads: one row per layer, then both totals and their ratio. */
        public String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "| layer | MACs per step | input rate | SynOps (T = %d) |%n|---|---:|---:|---:|%n", steps));
            for (LayerCount l : layers)
                b.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s |%n", l.name(), l.macs(),
                        l.analogInput() ? "analog" : String.format(Locale.ROOT, "%.4f", l.inputRate()),
                        l.analogInput() ? String.format(Locale.ROOT, "%,d MACs", (long) steps * l.macs()) : String.format(Locale.ROOT, "%,.0f", l.synOps())));
            b.append(String.format(Locale.ROOT, "%nEnergy per sample: ANN %.2f uJ (%.1f pJ/MAC), SNN %.2f uJ (%.1f pJ/MAC, %.1f pJ/AC): SNN / ANN = %.3f%n",
                    annPicojoules / 1e6, eMac, snnPicojoules / 1e6, eMac, eAc, snnPicojoules / annPicojoules));
            return b.toString();
        }
    }

    /**
     * The estimate for {@code model} as run on inputs of {@code inputShape} (one sample's step, e.g.
     * [1, 28, 28]) for {@code steps} steps, the firing rates from a {@link SpikeMonitor} that watched
     * it. A synaptic layer's input rate is the rate of the nearest spiking layer before it; the first
     * synaptic layer takes the analog input.
     */
    public static Estimate estimate(Module model, int[] inputShape, int steps, SpikeMonitor monitor, double eMac, double eAc) {
        Map<String, Double> rates = monitor.firingRates();
        List<LayerCount> counts = new ArrayList<>();
        int[] shape = inputShape.clone();
        Double rate = null;                       // null: the input is analog
        long firstMacs = 0, annMacs = 0;
        double synOps = 0;
        for (var e : model.namedModules().entrySet()) {
            Module m = e.getValue();                  // a MultiStep's layer comes as its own entry next
            if (m instanceof SpikingNeuron) rate = rates.get(e.getKey());
            long macs;
            if (m instanceof Linear lin) {
                macs = (long) lin.inFeatures * lin.outFeatures;
                shape = new int[]{lin.outFeatures};
            } else if (m instanceof Conv.Conv2d conv) {
                int span = conv.dilation * (conv.kernelSize - 1) + 1;
                int[] out = {conv.outChannels, (shape[1] + 2 * conv.padding - span) / conv.stride + 1, (shape[2] + 2 * conv.padding - span) / conv.stride + 1};
                macs = (long) out[0] * out[1] * out[2] * (conv.inChannels / conv.groups) * conv.kernelSize * conv.kernelSize;
                shape = out;
            } else {
                shape = shapeAfter(m, shape);
                continue;
            }
            boolean analog = rate == null;
            double ops = analog ? 0 : steps * rate * macs;
            counts.add(new LayerCount(label(e.getKey(), m), macs, analog ? Double.NaN : rate, ops, analog));
            annMacs += macs;
            if (analog) firstMacs += macs;
            else synOps += ops;
        }
        return new Estimate(counts, steps, eMac * annMacs, eMac * steps * firstMacs + eAc * synOps, eMac, eAc);
    }

    /**
     * The estimate for {@code model} on one sample of {@code inputShape} over {@code steps} time steps, with
     * the firing rates {@code monitor} recorded and the default energies {@link #E_MAC_PJ} and
     * {@link #E_AC_PJ}.
     */
    public static Estimate estimate(Module model, int[] inputShape, int steps, SpikeMonitor monitor) {
        return estimate(model, inputShape, steps, monitor, E_MAC_PJ, E_AC_PJ);
    }

    /** "4 (Conv2d)" for the layer a MultiStep at index 4 wraps (its name in the model is "4.layer"). */
    private static String label(String name, Module m) {
        return (name.endsWith(".layer") ? name.substring(0, name.length() - ".layer".length()) : name) + " (" + m.getClass().getSimpleName() + ")";
    }

    /** The per-sample shape after a non-synaptic layer (pooling halves, flatten flattens, the rest keep it). */
    private static int[] shapeAfter(Module m, int[] shape) {
        if (m instanceof dev.galvani.nn.Pool.MaxPool2d p) return pooled(shape, p.kernelSize, p.stride, p.padding);
        if (m instanceof dev.galvani.nn.Pool.AvgPool2d p) return pooled(shape, p.kernelSize, p.stride, p.padding);
        if (m instanceof dev.galvani.nn.Flatten) {
            long n = 1;
            for (int d : shape) n *= d;
            return new int[]{(int) n};
        }
        return shape;
    }

    private static int[] pooled(int[] shape, int k, int stride, int pad) {
        return new int[]{shape[0], (shape[1] + 2 * pad - k) / stride + 1, (shape[2] + 2 * pad - k) / stride + 1};
    }
}
