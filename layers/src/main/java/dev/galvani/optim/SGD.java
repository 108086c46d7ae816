package dev.galvani.optim;

import dev.galvani.nn.Parameter;
import dev.galvani.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum, L2 weight decay
 * and maximization, as {@code torch.optim.SGD} (same options, defaults and update):
 * <pre>{@code
 * var opt = new SGD(model.parameters(), SGD.options().lr(0.1).momentum(0.9).nesterov(true));
 * }</pre>
 * Options: {@code lr} 1e-3, {@code momentum} 0, {@code dampening} 0, {@code weight_decay} 0,
 * {@code nesterov} false, {@code maximize} false. State: {@code momentum_buffer} (with momentum).
 */
public final class SGD extends Optimizer {

    /** The defaults for every group; unset options keep PyTorch's defaults. */
    public static final class Options {
        private final Map<String, Object> values = new LinkedHashMap<>();

        /** The learning rate (default 1e-3), PyTorch's {@code lr}; returns these options. */
        public Options lr(double lr) { values.put("lr", lr); return this; }
        /** The momentum factor (default 0), PyTorch's {@code momentum}; returns these options. */
        public Options momentum(double momentum) { values.put("momentum", momentum); return this; }
        /** The dampening of the momentum (default 0), PyTorch's {@code dampening}; returns these options. */
        public Options dampening(double dampening) { values.put("dampening", dampening); return this; }
        /**
         * The L2 penalty added to the gradient (default 0), PyTorch's {@code weight_decay}; returns these
         * options.
         */
        public Options weightDecay(double weightDecay) { values.put("weight_decay", weightDecay); return this; }
        /**
         * Nesterov momentum (default false; needs a momentum and zero dampening), PyTorch's {@code nesterov};
         * returns these options.
         */
        public Options nesterov(boolean nesterov) { values.put("nesterov", nesterov); return this; }
        /**
         * Maximizes the objective instead of minimizing it (default false), PyTorch's {@code maximize};
         * returns these options.
         */
        public Options maximize(boolean maximize) { values.put("maximize", maximize); return this; }
    }

    /**
     * Empty options: every unset option keeps PyTorch's default. Chain the setters:
     * {@code SGD.options().lr(0.1).momentum(0.9)}.
     */
    public static Options options() { return new Options(); }

    private static Map<String, Object> builtIn() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("lr", 1e-3);
        d.put("momentum", 0.0);
        d.put("dampening", 0.0);
        d.put("weight_decay", 0.0);
        d.put("nesterov", false);
        d.put("maximize", false);
        return d;
    }

    /** SGD over {@code params} with the default options, as {@code torch.optim.SGD(model.parameters())}. */
    public SGD(Iterable<Parameter> params) { this(params, options()); }

    /**
     * SGD over {@code params} (one group) with {@code options}, as
     * {@code torch.optim.SGD(params, lr=0.1, momentum=0.9)}:
     * {@code new SGD(model.parameters(), SGD.options().lr(0.1).momentum(0.9))}.
     */
    public SGD(Iterable<Parameter> params, Options options) { this(List.of(new ParamGroup(params)), options); }

    /**
     * SGD over parameter groups, each overriding some of {@code options}, as {@code torch.optim.SGD([{...},
     * {...}], lr=...)}.
     */
    public SGD(List<ParamGroup> groups, Options options) { super(groups, builtIn(), options.values); }

    @Override protected void validate(ParamGroup g) {
        require(g.lr() >= 0, "invalid learning rate: " + g.lr());
        require(g.get("momentum") >= 0, "invalid momentum value: " + g.get("momentum"));
        require(g.weightDecay() >= 0, "invalid weight_decay value: " + g.weightDecay());
        require(Double.isFinite(g.get("dampening")), "invalid dampening value: " + g.get("dampening"));
        require(!g.flag("nesterov") || (g.get("momentum") > 0 && g.get("dampening") == 0),
                "Nesterov momentum requires a momentum and zero dampening (momentum " + g.get("momentum") + ", dampening " + g.get("dampening") + ")");
    }

    @Override protected void update(Tensor param, Tensor grad, ParamState state, ParamGroup group) {
        double lr = group.lr(), mu = group.get("momentum"), tau = group.get("dampening"), lambda = group.weightDecay();

        Tensor g = group.flag("maximize") ? grad.neg() : grad;           // ascend f: follow +grad
        if (lambda != 0) g = g.add(param.mul(lambda));                    // L2 penalty: g_t <- g_t + lambda theta_{t-1}
        if (mu != 0) {
            Tensor b = state.get("momentum_buffer");
            if (b == null) b = state.put("momentum_buffer", g.clone());   // b_1 <- g_1
            else b.mulInPlace(mu).addInPlace(g, 1 - tau);                 // b_t <- mu b_{t-1} + (1 - tau) g_t
            // Nesterov (Sutskever et al. 2013): step along the gradient plus the look-ahead mu b_t.
            g = group.flag("nesterov") ? g.add(b.mul(mu)) : b;            // g_t <- g_t + mu b_t   or   g_t <- b_t
        }
        param.addInPlace(g, -lr);                                         // theta_t <- theta_{t-1} - lr g_t
    }
}
