package dev.galvani.tensor.backend;

/**
 * A family of operations a backend may implement beyond the core of {@link Backend}: convolution,
 * pooling, normalisation, optimizer updates, and those later modules bring (spiking, delays,
 * spectral). The front end asks {@link Backend#kernels} for a family and, where a device lacks it,
 * computes the same result with core primitives (the composed form), so a new device works as
 * soon as its core does. Implementations are registered per (family, device type) through
 * {@link KernelProvider}.
 */
public interface KernelFamily {}
