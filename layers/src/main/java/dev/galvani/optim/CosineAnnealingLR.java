package dev.galvani.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cosine annealing (Loshchilov &amp; Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts",
 * ICLR 2017, without the restarts), PyTorch's closed form of
 * {@code torch.optim.lr_scheduler.CosineAnnealingLR}:
 * <pre>
 *   lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2
 * </pre>
 * from base_lr at epoch 0 down to eta_min at T_max; past T_max it follows the cosine back up, as
 * PyTorch's does.
 */
public final class CosineAnnealingLR extends LRScheduler {

    private final int tMax;
    private final double etaMin;

    /** PyTorch's default {@code eta_min} 0. */
    public CosineAnnealingLR(Optimizer optimizer, int tMax) { this(optimizer, tMax, 0.0); }

    /**
     * Cosine annealing from the base rate to {@code etaMin} (finite, at least 0) over {@code tMax} (at least
     * 1) epochs, as {@code CosineAnnealingLR(opt, T_max, eta_min)}.
     */
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        require(tMax >= 1, "CosineAnnealingLR", "tMax must be at least 1, got " + tMax);
        require(Double.isFinite(etaMin) && etaMin >= 0, "CosineAnnealingLR", "etaMin must be a finite number >= 0, got " + etaMin);
        this.tMax = tMax;
        this.etaMin = etaMin;
        super(optimizer);
    }

    @Override protected double lrAt(int group, int epoch) {
        return etaMin + (baseLr(group) - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }

    @Override protected Map<String, String> hyperparameters() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("T_max", Integer.toString(tMax));
        h.put("eta_min", Double.toString(etaMin));
        return h;
    }
}
