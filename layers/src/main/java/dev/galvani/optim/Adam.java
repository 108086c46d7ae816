package dev.galvani.optim;

import dev.galvani.nn.Parameter;
import dev.galvani.tensor.AdamStep;
import dev.galvani.tensor.OptimizerUpdates;
import dev.galvani.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015) with PyTorch's
 * options: weight decay as an L2 penalty added to the gradient, AMSGrad (Reddi et al., "On the
 * Convergence of Adam and Beyond", ICLR 2018) and maximization. Same update and defaults as
 * {@code torch.optim.Adam}:
 * <pre>{@code
 * var opt = new Adam(model.parameters(), Adam.options().lr(3e-4).betas(0.9, 0.99));
 * }</pre>
 * Options: {@code lr} 1e-3, {@code beta1} 0.9, {@code beta2} 0.999 (PyTorch's {@code betas}),
 * {@code eps} 1e-8, {@code weight_decay} 0, {@code amsgrad} false, {@code maximize} false.
 * State: {@code step}, {@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq} (AMSGrad).
 *
 * <p>{@link AdamW} is this update with the weight decay decoupled from the gradient.
 */
public class Adam extends Optimizer {

    /** The defaults for every group; unset options keep the optimizer's defaults. */
    public static final class Options {
        private final Map<String, Object> values = new LinkedHashMap<>();

        /** The learning rate (default 1e-3), PyTorch's {@code lr}; returns these options. */
        public Options lr(double lr) { values.put("lr", lr); return this; }
        /**
         * The decay rates of the moment estimates (default 0.9, 0.999), PyTorch's {@code betas}; returns
         * these options.
         */
        public Options betas(double beta1, double beta2) { values.put("beta1", beta1); values.put("beta2", beta2); return this; }
        /** The term added to the denominator (default 1e-8), PyTorch's {@code eps}; returns these options. */
        public Options eps(double eps) { values.put("eps", eps); return this; }
        /**
         * The weight decay (default 0 for Adam, 0.01 for AdamW), PyTorch's {@code weight_decay}: an L2 term
         * in Adam, decoupled in AdamW; returns these options.
         */
        public Options weightDecay(double weightDecay) { values.put("weight_decay", weightDecay); return this; }
        /** The AMSGrad variant (default false), PyTorch's {@code amsgrad}; returns these options. */
        public Options amsgrad(boolean amsgrad) { values.put("amsgrad", amsgrad); return this; }
        /**
         * Maximizes the objective instead of minimizing it (default false), PyTorch's {@code maximize};
         * returns these options.
         */
        public Options maximize(boolean maximize) { values.put("maximize", maximize); return this; }
    }

    /**
     * Empty options: every unset option keeps the optimizer's default. Chain the setters:
     * {@code Adam.options().lr(3e-4)}.
     */
    public static Options options() { return new Options(); }

    static Map<String, Object> builtIn(double weightDecay) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("lr", 1e-3);
        d.put("beta1", 0.9);
        d.put("beta2", 0.999);
        d.put("eps", 1e-8);
        d.put("weight_decay", weightDecay);
        d.put("amsgrad", false);
        d.put("maximize", false);
        return d;
    }

    /** True for AdamW: decay the weights directly instead of adding an L2 term to the gradient. */
    private final boolean decoupledWeightDecay;

    /** Adam over {@code params} with the default options, as {@code torch.optim.Adam(model.parameters())}. */
    public Adam(Iterable<Parameter> params) { this(params, options()); }

    /**
     * Adam over {@code params} (one group) with {@code options}, as
     * {@code torch.optim.Adam(params, lr=3e-4)}:
     * {@code new Adam(model.parameters(), Adam.options().lr(3e-4))}.
     */
    public Adam(Iterable<Parameter> params, Options options) { this(List.of(new ParamGroup(params)), options); }

    /**
     * Adam over parameter groups, each overriding some of {@code options}, as {@code torch.optim.Adam([{...},
     * {...}], lr=...)}.
     */
    public Adam(List<ParamGroup> groups, Options options) { this(groups, options, 0.0, false); }

    Adam(List<ParamGroup> groups, Options options, double defaultWeightDecay, boolean decoupledWeightDecay) {
        super(groups, builtIn(defaultWeightDecay), options.values);
        this.decoupledWeightDecay = decoupledWeightDecay;
    }

    @Override protected void validate(ParamGroup g) {
        require(g.lr() >= 0, "invalid learning rate: " + g.lr());
        require(g.get("eps") >= 0, "invalid epsilon value: " + g.get("eps"));
        require(g.get("beta1") >= 0 && g.get("beta1") < 1, "invalid beta1 (betas[0]): " + g.get("beta1") + " (must be in [0, 1))");
        require(g.get("beta2") >= 0 && g.get("beta2") < 1, "invalid beta2 (betas[1]): " + g.get("beta2") + " (must be in [0, 1))");
        require(g.weightDecay() >= 0, "invalid weight_decay value: " + g.weightDecay());
    }

    @Override protected void update(Tensor param, Tensor grad, ParamState state, ParamGroup group) {
        double lr = group.lr();
        long t = state.advanceStep();

        Tensor m = state.zerosLike("exp_avg", param), v = state.zerosLike("exp_avg_sq", param);
        Tensor vMax = group.flag("amsgrad") ? state.zerosLike("max_exp_avg_sq", param) : null;
        // One fused pass where the device has it, else the same arithmetic in the same order (OptimizerKernels.adamStep's contract).
        OptimizerUpdates.adamStep(param, grad, m, v, vMax, new AdamStep(lr, group.get("beta1"), group.get("beta2"), group.get("eps"),
                group.weightDecay(), decoupledWeightDecay, group.flag("amsgrad"), group.flag("maximize"), t));
    }
}
