/**
 * Neural operators and what they are trained on: the FNO spectral convolution
 * ({@link dev.galvani.operators.SpectralConv}) and FNO models ({@link dev.galvani.operators.FNO1d},
 * {@link dev.galvani.operators.FNO2d}, {@link dev.galvani.operators.FNO}), the multigrid neural operator MgNO
 * ({@link dev.galvani.operators.MgConv}, {@link dev.galvani.operators.MgNO},
 * {@link dev.galvani.operators.MgNONavierStokes}), the Darcy-flow data generator
 * ({@link dev.galvani.operators.GaussianRandomField}, {@link dev.galvani.operators.DarcySolver},
 * {@link dev.galvani.operators.DarcyData}), the relative L2 and H1 losses
 * ({@link dev.galvani.operators.OperatorLosses}) and the Gaussian normalisers
 * ({@link dev.galvani.operators.UnitGaussianNormalizer}, {@link dev.galvani.operators.GaussianNormalizer}).
 * Equations and defaults follow the project's neural-operator reference (operators.md), cited by section.
 */
package dev.galvani.operators;
