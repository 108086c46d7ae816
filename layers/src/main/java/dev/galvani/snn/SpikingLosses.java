package dev.galvani.snn;

import dev.galvani.nn.F;
import dev.galvani.tensor.Tensor;

/**
 * Readouts and losses for spiking outputs [T, B, C] (SNN reference §6): cross-entropy on spike
 * counts, on firing rates, at every step (TET), on the mean or maximum membrane; MSE of spike counts
 * against target rates. Targets are class indices [B].
 */
public final class SpikingLosses {

    private SpikingLosses() {}

    /** Firing rates [B, C]: spikes averaged over T. */
    public static Tensor rates(Tensor spikes) { return spikes.mean(0); }

    /** Spike counts [B, C]: spikes summed over T. */
    public static Tensor counts(Tensor spikes) { return spikes.sum(0); }

    /** Cross-entropy with the firing rates as logits (the usual SpikingJelly readout). */
    public static Tensor rateCrossEntropy(Tensor spikes, Tensor target) { return F.crossEntropy(rates(spikes), target); }

    /** Cross-entropy with the spike counts as logits (snnTorch {@code ce_count_loss}). */
    public static Tensor countCrossEntropy(Tensor spikes, Tensor target) { return F.crossEntropy(counts(spikes), target); }

    /** Cross-entropy at every step, averaged over T (TET; snnTorch {@code ce_rate_loss}). */
    public static Tensor perStepCrossEntropy(Tensor outputs, Tensor target) {
        int t = outputs.size(0), b = outputs.size(1);
        Tensor targets = target.unsqueeze(0).expand(t, b).reshape(t * b);
        return F.crossEntropy(outputs.reshape(t * b, -1), targets);
    }

    /** Cross-entropy on the membrane averaged over T (a non-spiking readout layer's output). */
    public static Tensor meanMembraneCrossEntropy(Tensor membrane, Tensor target) { return F.crossEntropy(membrane.mean(0), target); }

    /** Cross-entropy on the largest membrane over T (snnTorch {@code ce_max_membrane_loss}). */
    public static Tensor maxMembraneCrossEntropy(Tensor membrane, Tensor target) { return F.crossEntropy(membrane.amax(0, false), target); }

    /**
     * MSE between spike counts and target counts: {@code correctRate · T} for the target class,
     * {@code incorrectRate · T} for the others (snnTorch {@code mse_count_loss}).
     */
    public static Tensor mseCount(Tensor spikes, Tensor target, double correctRate, double incorrectRate) {
        int t = spikes.size(0), c = spikes.size(2);
        Tensor oneHot = target.oneHot(c).to(spikes.dtype());
        Tensor wanted = oneHot.mul((correctRate - incorrectRate) * t).add(incorrectRate * t);
        return F.mseLoss(counts(spikes), wanted);
    }

    /** The predicted class [B]: the most spikes over T (ties: the lowest class). */
    public static Tensor predict(Tensor spikes) { return counts(spikes).argmax(1, false); }
}
