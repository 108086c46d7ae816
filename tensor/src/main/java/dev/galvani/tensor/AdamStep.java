package dev.galvani.tensor;

/**
 * Hyperparameters of one fused Adam / AdamW update (Kingma &amp; Ba 2015; decoupled weight decay:
 * Loshchilov &amp; Hutter 2019), {@code step} counting from 1.
 */
public record AdamStep(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupledWeightDecay,
                       boolean amsgrad, boolean maximize, long step) {}
