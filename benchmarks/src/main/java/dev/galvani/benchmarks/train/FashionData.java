package dev.galvani.benchmarks.train;

import dev.galvani.data.FashionMNIST;
import dev.galvani.data.SyntheticImages;
import dev.galvani.data.TensorDataset;
import java.io.IOException;
import java.io.PrintStream;

/**
 * The image data every Fashion-MNIST task trains on: the real data set, normalised, where it is
 * installed; otherwise, after saying how to install it, the generated stand-in, so the task still
 * does real work. A {@code GALVANI_DATA} that points nowhere is an error, not a reason to fall back.
 */
record FashionData(TensorDataset train, TensorDataset test, String name) {

    /** @param syntheticSeed seed of the stand-in's training set (its test set uses the next one) */
    static FashionData load(PrintStream out, long syntheticSeed) throws IOException {
        FashionMNIST.checkDataFolder();
        if (FashionMNIST.isAvailable())
            return new FashionData(FashionMNIST.normalized(FashionMNIST.train()), FashionMNIST.normalized(FashionMNIST.test()), "Fashion-MNIST");
        out.println("Fashion-MNIST is not installed: apt-get install -y dataset-fashion-mnist (or set GALVANI_DATA to a folder with the IDX files).");
        out.println("Training on a generated stand-in (SyntheticImages: 10 classes of 28x28 patterns) instead.");
        return new FashionData(SyntheticImages.generate(12_000, syntheticSeed), SyntheticImages.generate(2_000, syntheticSeed + 1), "SyntheticImages");
    }
}
