package dev.galvani.nn.sparse;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/**
 * G2GNet's ensemble-to-ensemble connectivity (bio reference §1.1–§1.2): inputs and outputs are split
 * into {@code G} equal ensembles, a connection inside an ensemble pair of the same index exists with
 * probability {@code p_intra}, across ensembles with {@code p_inter}, so the expected density is
 * {@code p_intra / G + (1 − 1/G) p_inter} (G = 8, p_inter = 0.15: 0.2562, 74 % sparse).
 *
 * <p>Groupings (§1.2), applied to both the inputs and the outputs of a layer: {@link Grouping#INDEX}
 * contiguous ({@code j / (n/G)}); {@link Grouping#RANDOM} contiguous after a random permutation (each
 * ensemble still has {@code n/G} members); {@link Grouping#MIXER} alternates by layer, contiguous in
 * the 1st, 3rd, ... layer and interleaved ({@code j mod G}) in the 2nd, 4th, ..., so information
 * crosses ensembles from one layer to the next.
 */
public final class EnsembleMask {

    /** How indices are assigned to ensembles. */
    public enum Grouping {
        /** Contiguous: index j is in ensemble j / (n/G). */
        INDEX,
        /** Contiguous after a random permutation of the indices. */
        RANDOM,
        /** Contiguous in odd layers, interleaved (j mod G) in even ones. */
        MIXER
    }

    private EnsembleMask() {}

    /** The expected fraction of connections kept. */
    public static double expectedDensity(int groups, double pIntra, double pInter) {
        return pIntra / groups + (1 - 1.0 / groups) * pInter;
    }

    /**
     * A 0/1 mask F32 [out, in].
     *
     * @param layer the layer's position from 1, for {@link Grouping#MIXER}
     */
    public static Tensor mask(int out, int in, int groups, Grouping grouping, int layer, double pIntra, double pInter, Generator gen) {
        if (groups < 1 || out % groups != 0 || in % groups != 0)
            throw new IllegalArgumentException("EnsembleMask: " + groups + " ensembles must divide both " + out + " outputs and " + in + " inputs");
        if (!(pIntra >= 0 && pIntra <= 1 && pInter >= 0 && pInter <= 1))
            throw new IllegalArgumentException("EnsembleMask: probabilities must be in [0, 1], got p_intra " + pIntra + ", p_inter " + pInter);
        if (layer < 1) throw new IllegalArgumentException("EnsembleMask: layers count from 1, got " + layer);
        int[] gOut = groups(out, groups, grouping, layer, gen), gIn = groups(in, groups, grouping, layer, gen);
        float[] u = Tensor.rand(gen, DType.F32, out, in).toFloatArray();
        float[] m = new float[out * in];
        for (int o = 0; o < out; o++)
            for (int i = 0; i < in; i++)
                m[o * in + i] = u[o * in + i] < (gOut[o] == gIn[i] ? pIntra : pInter) ? 1f : 0f;
        return Tensor.of(m, out, in);
    }

    /** The ensemble of each of {@code n} indices. */
    static int[] groups(int n, int groups, Grouping grouping, int layer, Generator gen) {
        int size = n / groups;
        int[] g = new int[n];
        switch (grouping) {
            case INDEX -> { for (int j = 0; j < n; j++) g[j] = j / size; }
            case RANDOM -> {
                long[] perm = Tensor.randperm(gen, n).toLongArray();
                for (int j = 0; j < n; j++) g[(int) perm[j]] = j / size;
            }
            case MIXER -> { for (int j = 0; j < n; j++) g[j] = layer % 2 == 1 ? j / size : j % groups; }
        }
        return g;
    }
}
