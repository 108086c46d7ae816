// Galvani's JShell start-up (./galvani jshell): the packages a user reaches for first.
import dev.galvani.tensor.*;
import dev.galvani.autograd.*;
import dev.galvani.nn.*;
import dev.galvani.optim.*;
import dev.galvani.data.*;
import dev.galvani.snn.*;
import dev.galvani.monitor.*;
import dev.galvani.io.*;
import dev.galvani.operators.*;
System.out.println("Galvani: tensors, autograd, nn, optim, data, snn, monitor, io and operators are imported. Try: Tensor.randn(new Generator(0), 2, 3)");
