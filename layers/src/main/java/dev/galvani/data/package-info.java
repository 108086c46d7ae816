/**
 * Data sets and loaders: {@link dev.galvani.data.Dataset} and {@link dev.galvani.data.TensorDataset},
 * named mini-batches ({@link dev.galvani.data.Batch}), the shuffling, prefetching
 * {@link dev.galvani.data.DataLoader}, batch {@link dev.galvani.data.Transforms}, the Fashion-MNIST
 * reader ({@link dev.galvani.data.FashionMNIST}) and a generated stand-in for it
 * ({@link dev.galvani.data.SyntheticImages}).
 *
 * <p>The package depends on the tensor module only.
 */
package dev.galvani.data;
