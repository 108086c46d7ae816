/**
 * Watching training: a terminal- and CI-friendly {@link dev.galvani.monitor.ProgressBar}, a
 * {@link dev.galvani.monitor.TrainingLog} of metrics by epoch and step (CSV), and
 * {@link dev.galvani.monitor.TrainingCurves}, PNG charts of that log drawn headless with JFreeChart.
 *
 * <p>The package depends on nothing else in Galvani: it takes plain numbers.
 */
package dev.galvani.monitor;
