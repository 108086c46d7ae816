package dev.galvani.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.galvani.nn.Activation;
import dev.galvani.nn.F;
import dev.galvani.nn.Linear;
import dev.galvani.nn.Module;
import dev.galvani.nn.Sequential;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A scope around each training step releases the step's tensors but never an optimizer's state
 * (momentum buffers, Adam's moments) made during the first step, nor a schedule's: every optimizer
 * and schedule trains with a scope per step, to the same bits as without scopes.
 */
class ScopedTrainingTest {

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("SGD momentum nesterov", (Function<Module, Optimizer>) m -> new SGD(m.parameters(), SGD.options().lr(0.05).momentum(0.9).nesterov(true))),
                Arguments.of("Adam amsgrad", (Function<Module, Optimizer>) m -> new Adam(m.parameters(), Adam.options().lr(0.01).amsgrad(true).weightDecay(0.01))),
                Arguments.of("AdamW", (Function<Module, Optimizer>) m -> new AdamW(m.parameters(), AdamW.options().lr(0.01))),
                Arguments.of("RMSprop centered momentum", (Function<Module, Optimizer>) m -> new RMSprop(m.parameters(), RMSprop.options().lr(0.01).centered(true).momentum(0.5))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void everyOptimizerAndScheduleTrainsWithAScopePerStep(String name, Function<Module, Optimizer> make) {
        assertArrayEquals(train(make, false), train(make, true), name + ": a scope per step changes nothing");
    }

    /** Six steps with a one-cycle schedule; the parameters at the end, flattened. */
    private static float[] train(Function<Module, Optimizer> make, boolean scoped) {
        Generator g = new Generator(4);
        Module model = new Sequential(new Linear(3, 8, true, g), new Activation.Tanh(), new Linear(8, 1, true, g));
        Optimizer opt = make.apply(model);
        LRScheduler schedule = new OneCycleLR(opt, 0.05, 6);
        Tensor x = Tensor.randn(g, 16, 3), y = Tensor.randn(g, 16, 1);
        for (int s = 0; s < 6; s++) {
            TensorScope scope = scoped ? TensorScope.open() : null;
            try {
                Tensor loss = F.mseLoss(model.forward(x), y);
                model.zeroGrad();
                loss.backward();
                opt.step();
                schedule.step();
            } finally {
                if (scope != null) scope.close();
            }
        }
        return Tensor.cat(0, model.parameters().stream().map(p -> p.value().reshape(-1)).toList().toArray(Tensor[]::new)).toFloatArray();
    }
}
