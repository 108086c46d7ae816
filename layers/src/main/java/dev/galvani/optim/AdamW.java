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

    /**
     * AdamW over {@code params} with the default options (weight decay 0.01), as
     * {@code torch.optim.AdamW(model.parameters())}.
     */
    public AdamW(Iterable<Parameter> params) { this(params, options()); }

    /**
     * AdamW over {@code params} (one group) with {@code options} ({@link Adam.Options}), as
     * {@code torch.optim.AdamW(params, lr=1e-3, weight_decay=0.05)}.
     */
    public AdamW(Iterable<Parameter> params, Options options) { this(List.of(new ParamGroup(params)), options); }

    /**
     * AdamW over parameter groups, each overriding some of {@code options}, as {@code
     * torch.optim.AdamW([{...}, {...}], ...)}.
     */
    public AdamW(List<ParamGroup> groups, Options options) { super(groups, options, 0.01, true); }
}
