package dev.galvani.nn.dendrites;

/**
 * When perforated backpropagation restructures (bio reference §2.3): after each epoch's validation
 * score it says whether to keep training, to switch (reload the best model and add a dendrite
 * set), or to stop. {@link Rule#HISTORY} switches when the score has not improved for
 * {@code epochsToSwitch} epochs (10 by default), an improvement being relative to the best so far by
 * more than {@code thresholds[k]} with k the number of dendrites added (0.001, then 0.0001);
 * {@link Rule#FIXED} switches every {@code fixedSwitch} epochs (the first after
 * {@code firstFixedSwitch}); {@link Rule#NONE} never. A dendrite set that does not improve the best
 * score by more than the threshold is retried ({@link Decision#RETRY}) with a new initialisation up
 * to {@code maxTries} times (2 tries in all), then training stops with the best model; at most {@code maxDendrites} (100) are added. Scores are "higher is better".
 */
public final class DendriteSwitch {

    /** The switching rule. */
    public enum Rule {
        /** Switch after {@code epochsToSwitch} epochs without improvement (DOING_HISTORY). */
        HISTORY,
        /** Switch every {@code fixedSwitch} epochs (DOING_FIXED_SWITCH). */
        FIXED,
        /** Never switch (DOING_NO_SWITCH). */
        NONE
    }

    /** What to do after an epoch. */
    public enum Decision {
        /** Keep training as is. */
        CONTINUE,
        /** Reload the best model and add a dendrite set. */
        SWITCH,
        /**
         * The set added at the last switch did not improve the best score: go back to the model of
         * that switch and add a set again, with a new initialisation (another try).
         */
        RETRY,
        /** Stop and keep the best model. */
        STOP
    }

    private final Rule rule;
    private final int epochsToSwitch, fixedSwitch, firstFixedSwitch, maxTries, maxDendrites;
    private final double[] thresholds;
    private double best = Double.NEGATIVE_INFINITY, bestAtLastSwitch = Double.NEGATIVE_INFINITY;
    private int sinceImprovement, sinceSwitch, dendrites, tries, switches;

    /** The reference's defaults for the history rule. */
    public static DendriteSwitch history() { return new DendriteSwitch(Rule.HISTORY, 10, 250, 249, 2, 100, 0.001, 0.0001); }

    /** A switch with every setting of §2.3 given; {@code thresholds[k]} applies once k dendrite sets are kept (the last one beyond). */
    public DendriteSwitch(Rule rule, int epochsToSwitch, int fixedSwitch, int firstFixedSwitch, int maxTries, int maxDendrites, double... thresholds) {
        if (epochsToSwitch < 1 || fixedSwitch < 1 || firstFixedSwitch < 1 || maxTries < 1 || maxDendrites < 0 || thresholds.length == 0)
            throw new IllegalArgumentException("DendriteSwitch: counts must be positive and at least one threshold given");
        this.rule = rule;
        this.epochsToSwitch = epochsToSwitch;
        this.fixedSwitch = fixedSwitch;
        this.firstFixedSwitch = firstFixedSwitch;
        this.maxTries = maxTries;
        this.maxDendrites = maxDendrites;
        this.thresholds = thresholds.clone();
    }

    /** Dendrite sets kept so far: added and followed by an improvement of the best score. */
    public int dendrites() { return dendrites; }

    /** The best validation score seen. */
    public double best() { return best; }

    /** Records one epoch's validation score and decides. */
    public Decision after(double score) {
        double threshold = thresholds[Math.min(dendrites, thresholds.length - 1)];
        boolean improved = best == Double.NEGATIVE_INFINITY || score > best + Math.abs(best) * threshold;
        if (score > best) best = score;
        sinceImprovement = improved ? 0 : sinceImprovement + 1;
        sinceSwitch++;
        boolean due = switch (rule) {
            case HISTORY -> sinceImprovement >= epochsToSwitch;
            case FIXED -> sinceSwitch >= (switches == 0 ? firstFixedSwitch : fixedSwitch);
            case NONE -> false;
        };
        if (!due) return Decision.CONTINUE;
        boolean retry = false;
        if (switches > 0) {         // judge the set added at the last switch: did the best score move past where it was?
            if (best > bestAtLastSwitch + Math.abs(bestAtLastSwitch) * threshold) {
                dendrites++;
                tries = 0;
            } else if (++tries >= maxTries) {
                return Decision.STOP;
            } else {
                retry = true;
            }
        }
        if (dendrites >= maxDendrites) return Decision.STOP;
        if (!retry) bestAtLastSwitch = best;
        sinceImprovement = 0;
        sinceSwitch = 0;
        switches++;
        return retry ? Decision.RETRY : Decision.SWITCH;
    }
}
