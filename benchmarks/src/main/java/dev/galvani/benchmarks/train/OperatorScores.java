package dev.galvani.benchmarks.train;

import dev.galvani.autograd.Autograd;
import dev.galvani.data.Batch;
import dev.galvani.data.DataLoader;
import dev.galvani.data.TensorDataset;
import dev.galvani.monitor.FieldPlots;
import dev.galvani.nn.F;
import dev.galvani.nn.Module;
import dev.galvani.operators.OperatorLosses;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/** What the neural-operator tasks share: the trivial baseline, the mean relative L2 of a model, the Darcy sample plot. */
final class OperatorScores {

    private OperatorScores() {}

    /** The test relative L2 of predicting the training set's mean field for every sample. */
    static double meanFieldBaseline(Tensor uTrain, TensorDataset test) {
        Tensor y = test.tensors().targets();
        Tensor mean = uTrain.mean(0, true).expand(y.shape().dims());
        return OperatorLosses.relativeL2(mean, y).itemDouble();
    }

    /** The mean relative L2 over a data set of {@code forward} (the model's prediction, decoded), in evaluation mode without gradients. */
    static double meanRelativeL2(Module model, UnaryOperator<Tensor> forward, TensorDataset data) {
        model.eval();
        double sum = 0;
        try (var _ = Autograd.noGrad()) {
            for (Batch b : DataLoader.builder(data).batchSize(25).prefetch(0).build())
                try (var _ = TensorScope.open()) {
                    sum += OperatorLosses.relativeL2(forward.apply(b.inputs()), b.targets(), F.Reduction.SUM).itemDouble();
                }
        }
        return sum / data.size();
    }

    /** Darcy test sample 0: the permeability (normalised), the predicted and the true pressure, and the error. */
    static void plotDarcySample(String modelName, Module model, UnaryOperator<Tensor> forward, TensorDataset test, int s, Path png) throws java.io.IOException {
        model.eval();
        Batch b = test.batch(0L);
        double[] prediction;
        try (var _ = Autograd.noGrad()) {
            prediction = forward.apply(b.inputs()).toDoubleArray();
        }
        double[] truth = b.targets().toDoubleArray(), input = b.inputs().toDoubleArray(), error = new double[truth.length];
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < truth.length; i++) {
            error[i] = prediction[i] - truth[i];
            lo = Math.min(lo, Math.min(truth[i], prediction[i]));
            hi = Math.max(hi, Math.max(truth[i], prediction[i]));
        }
        double rel = OperatorLosses.relativeL2(Tensor.of(prediction, 1, s, s), Tensor.of(truth, 1, s, s)).itemDouble();
        FieldPlots.save(png, String.format(Locale.ROOT, "%s on Darcy %dx%d, test sample 0 (relative L2 %.4f)", modelName, s, s, rel), List.of(
                FieldPlots.Field.of("permeability a (normalised)", input, s, s),
                FieldPlots.Field.of("prediction", prediction, s, s).withRange(lo, hi),
                FieldPlots.Field.of("truth u", truth, s, s).withRange(lo, hi),
                FieldPlots.Field.of("error", error, s, s)), 360);
    }
}
