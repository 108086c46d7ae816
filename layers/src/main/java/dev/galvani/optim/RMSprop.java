package dev.galvani.optim;

import dev.galvani.nn.Parameter;
import dev.galvani.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RMSprop (Hinton, Srivastava &amp; Swersky, Neural Networks for Machine Learning, lecture 6e, 2012):
 * divide the gradient by a running root mean square of recent gradients. Options as
 * {@code torch.optim.RMSprop}: the centered variant (Graves, "Generating Sequences With Recurrent
 * Neural Networks", 2013), which divides by an estimate of the variance instead, momentum on the
 * normalized step, L2 weight decay and maximization:
 * <pre>{@code
 * var opt = new RMSprop(model.parameters(), RMSprop.options().lr(1e-3).momentum(0.9).centered(true));
 * }</pre>
 * Options: {@code lr} 1e-2, {@code alpha} 0.99, {@code eps} 1e-8, {@code weight_decay} 0,
 * {@code momentum} 0, {@code centered} false, {@code maximize} false. State: {@code step},
 * {@code square_avg}, {@code momentum_buffer} (with momentum), {@code grad_avg} (centered).
 */
public final class RMSprop extends Optimizer {

    /** The defaults for every group; unset options keep PyTorch's defaults. */
    public static final class Options {
        private final Map<String, Object> values = new LinkedHashMap<>();

        /** The learning rate (default 1e-2), PyTorch's {@code lr}; returns these options. */
        public Options lr(double lr) { values.put("lr", lr); return this; }
        /**
         * The smoothing constant of the squared-gradient average (default 0.99), PyTorch's {@code alpha};
         * returns these options.
         */
        public Options alpha(double alpha) { values.put("alpha", alpha); return this; }
        /** The term added to the denominator (default 1e-8), PyTorch's {@code eps}; returns these options. */
        public Options eps(double eps) { values.put("eps", eps); return this; }
        /**
         * The L2 penalty added to the gradient (default 0), PyTorch's {@code weight_decay}; returns these
         * options.
         */
        public Options weightDecay(double weightDecay) { values.put("weight_decay", weightDecay); return this; }
        /**
         * The momentum factor on the normalized step (default 0), PyTorch's {@code momentum}; returns these
         * options.
         */
        public Options momentum(double momentum) { values.put("momentum", momentum); return this; }
        /**
         * The centered variant, normalizing by an estimate of the variance (default false), PyTorch's
         * {@code centered}; returns these options.
         */
        public Options centered(boolean centered) { values.put("centered", centered); return this; }
        /**
         * Maximizes the objective instead of minimizing it (default false), PyTorch's {@code maximize};
         * returns these options.
         */
        public Options maximize(boolean maximize) { values.put("maximize", maximize); return this; }
    }

    /**
     * Empty options: every unset option keeps PyTorch's default. Chain the setters:
     * {@code RMSprop.options().lr(1e-3)}.
     */
    public static Options options() { return new Options(); }

    private static Map<String, Object> builtIn() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("lr", 1e-2);
        d.put("alpha", 0.99);
        d.put("eps", 1e-8);
        d.put("weight_decay", 0.0);
        d.put("momentum", 0.0);
        d.put("centered", false);
        d.put("maximize", false);
        return d;
    }

    /**
     * RMSprop over {@code params} with the default options, as
     * {@code torch.optim.RMSprop(model.parameters())}.
     */
    public RMSprop(Iterable<Parameter> params) { this(params, options()); }

    /**
     * RMSprop over {@code params} (one group) with {@code options}, as
     * {@code torch.optim.RMSprop(params, lr=1e-3)}.
     */
    public RMSprop(Iterable<Parameter> params, Options options) { this(List.of(new ParamGroup(params)), options); }

    /**
     * RMSprop over parameter groups, each overriding some of {@code options}, as {@code
     * torch.optim.RMSprop([{...}, {...}], ...)}.
     */
    public RMSprop(List<ParamGroup> groups, Options options) { super(groups, builtIn(), options.values); }

    @Override protected void validate(ParamGroup g) {
        require(g.lr() >= 0, "invalid learning rate: " + g.lr());
        require(g.get("eps") >= 0, "invalid epsilon value: " + g.get("eps"));
        require(g.get("momentum") >= 0, "invalid momentum value: " + g.get("momentum"));
        require(g.weightDecay() >= 0, "invalid weight_decay value: " + g.weightDecay());
        require(g.get("alpha") >= 0, "invalid alpha value: " + g.get("alpha"));
    }

    @Override protected void update(Tensor param, Tensor grad, ParamState state, ParamGroup group) {
        double lr = group.lr(), alpha = group.get("alpha"), eps = group.get("eps"), mu = group.get("momentum");
        double lambda = group.weightDecay();
        state.advanceStep();                                                 // kept for PyTorch's checkpoint layout

        Tensor g = group.flag("maximize") ? grad.neg() : grad;              // ascend f: follow +grad
        if (lambda != 0) g = g.add(param.mul(lambda));                       // L2 penalty: g_t <- g_t + lambda theta_{t-1}
        Tensor v = state.zerosLike("square_avg", param);
        v.mulInPlace(alpha).addInPlace(g.square(), 1 - alpha);              // v_t <- alpha v_{t-1} + (1 - alpha) g_t^2
        Tensor meanSquare = v;
        if (group.flag("centered")) {
            Tensor gAvg = state.zerosLike("grad_avg", param);
            gAvg.mulInPlace(alpha).addInPlace(g, 1 - alpha);                // g^ave_t <- alpha g^ave_{t-1} + (1 - alpha) g_t
            meanSquare = v.sub(gAvg.square());                               // v~_t <- v_t - (g^ave_t)^2  (a variance)
        }
        Tensor step = g.div(meanSquare.sqrt().add(eps));                     // g_t / (sqrt(v~_t) + eps)
        if (mu > 0) {
            Tensor b = state.zerosLike("momentum_buffer", param);
            b.mulInPlace(mu).addInPlace(step);                                // b_t <- mu b_{t-1} + g_t / (sqrt(v~_t) + eps)
            step = b;
        }
        param.addInPlace(step, -lr);                                         // theta_t <- theta_{t-1} - lr (b_t or the normalized g_t)
    }
}
