package dev.galvani.optim;

import dev.galvani.nn.Parameter;
import java.util.List;

/**
 * AdamW (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", ICLR 2019): {@link Adam}
 * whose weight decay shrinks the weights directly, theta &lt;- theta - lr lambda theta, before the
 * Adam step, instead of entering the moment estimates as an L2 gradient. As {@code torch.optim.AdamW},
 * the default {@code weight_decay} is 0.01; the other options and defaults are Adam's:
 * <pre>{@code
 * var opt = new AdamW(model.parameters(), Adam.options().lr(1e-3).weightDecay(0.05));
 * }</pre>
 */
public final class AdamW extends Adam {

    public AdamW(Iterable<Parameter> params) { this(params, options()); }

    public AdamW(Iterable<Parameter> params, Options options) { this(List.of(new ParamGroup(params)), options); }

    public AdamW(List<ParamGroup> groups, Options options) { super(groups, options, 0.01, true); }
}
