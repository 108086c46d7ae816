package dev.galvani.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.BinaryOp;
import dev.galvani.tensor.backend.ReduceOp;
import dev.galvani.tensor.backend.Surrogate;
import dev.galvani.tensor.backend.UnaryOp;
import dev.galvani.tensor.cuda.KernelArgs.Param;
import dev.galvani.tensor.cuda.KernelArgs.Signature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java side and the CUDA sources of galvani-cuda-kernels agree, checked without a GPU: the op
 * codes follow the Java enums' order, and every kernel the backend launches exists with the
 * parameter kinds its {@link Kernels} signature declares (the sources' macros expanded by a small
 * preprocessor of function-like {@code #define}s, enough for these files).
 */
class KernelSourceTest {

    private static final Path SOURCES = Path.of("..", "cuda-kernels", "src", "main", "cuda");
    private static String source;
    private static Map<String, List<Param>> kernels;

    @BeforeAll
    static void read() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path p : files.sorted().toList()) all.append(Files.readString(p)).append('\n');
        }
        source = all.toString().replaceAll("\\\\\\n", " ");      // join continued macro lines
        kernels = kernelsOf(expand(source.replaceAll("//[^\\n]*", "")));
    }

    private static List<String> enumNames(String enumName) {
        Matcher m = Pattern.compile("enum " + enumName + "\\s*\\{([^}]*)}").matcher(source);
        assertTrue(m.find(), "enum " + enumName + " in the CUDA sources");
        return Arrays.stream(m.group(1).split(",")).map(s -> s.trim().replaceAll("^[A-Z]_", "").replaceAll("\\s*=.*", "")).filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void opCodesFollowTheJavaEnums() {
        assertEquals(Arrays.stream(UnaryOp.values()).map(Enum::name).toList(), enumNames("UnaryCode"));
        assertEquals(Arrays.stream(BinaryOp.values()).map(Enum::name).toList(), enumNames("BinaryCode"));
        assertEquals(Arrays.stream(ReduceOp.values()).map(Enum::name).toList(), enumNames("ReduceCode"));
        assertEquals(Arrays.stream(Surrogate.Kind.values()).map(Enum::name).toList(), enumNames("SurrogateCode"));
        assertEquals(Arrays.stream(dev.galvani.tensor.backend.DelaySpec.Profile.values()).map(Enum::name).toList(), enumNames("ProfileCode"));
    }

    @Test
    void everyKernelTheBackendLaunchesExistsWithItsSignature() {
        List<Signature> used = new ArrayList<>();
        for (DType dt : DType.values()) {
            String s = Kernels.suffix(dt);
            used.add(Kernels.COPY.named("copy_f32_" + s));
            used.add(Kernels.COPY.named("copy_" + s + "_i64"));
            used.add((dt.isFloatingPoint() ? Kernels.FILL_FLOAT : Kernels.FILL_INT).named("fill_" + s));
            used.add((dt.isFloatingPoint() ? Kernels.BINARY_FLOAT : Kernels.BINARY_INT).named("binary_" + s));
            used.add((dt.isFloatingPoint() ? Kernels.BINARY_FLOAT : Kernels.BINARY_INT).named("compare_" + s));
            used.add(Kernels.WHERE.named("where_" + s));
            used.add(Kernels.RANDOM_BERNOULLI.named("random_bernoulli_" + s));
            used.add(CudaBackend.named(Kernels.GATHER, dt));
            used.add(CudaBackend.named(Kernels.SCATTER_ADD, dt));
            used.add(Kernels.SCATTER_ADD.named("scatter_add_scan_" + s));
            used.add(Kernels.UNARY.named("unary_" + s));
            used.add(Kernels.REDUCE.named("reduce_rows_" + s));
            used.add(Kernels.REDUCE.named("reduce_short_" + s));
            if (dt != DType.BOOL) used.add(Kernels.CUMSUM.named("cumsum_" + s));
            if (dt.isFloatingPoint()) {
                used.add(Kernels.RANDOM.named("random_uniform_" + s));
                used.add(Kernels.RANDOM.named("random_normal_" + s));
                used.add(CudaBackend.named(Kernels.LIF_FORWARD, dt));
                used.add(CudaBackend.named(Kernels.LIF_BACKWARD, dt));
                used.add(CudaBackend.named(Kernels.LIF_DECAY_SUM, dt));
                for (Signature family : List.of(Kernels.POOL_MAX_FORWARD, Kernels.POOL_MAX_BACKWARD, Kernels.POOL_AVG_FORWARD, Kernels.POOL_AVG_BACKWARD,
                        Kernels.BN_STATISTICS, Kernels.BN_NORMALIZE, Kernels.BN_BACKWARD_REDUCE, Kernels.BN_BACKWARD_INPUT, Kernels.ADAM_STEP, Kernels.IM2COL, Kernels.COL2IM,
                        Kernels.FFT_PACK, Kernels.FFT_UNPACK, Kernels.FFT_PACK_REAL, Kernels.DCLS_BUILD, Kernels.DCLS_KERNEL_BACKWARD, Kernels.DCLS_UNFOLD,
                        Kernels.DCLS_FOLD, Kernels.DCLS_INTEGER_FORWARD, Kernels.DCLS_INTEGER_BACKWARD_INPUT, Kernels.DCLS_INTEGER_BACKWARD_WEIGHT,
                        Kernels.DCLS_INTEGER_STEP))
                    used.add(CudaBackend.named(family, dt));
                for (CudaSoftmax.Mode mode : CudaSoftmax.Mode.values()) {
                    used.add(Kernels.SOFTMAX_FORWARD.named("softmax_forward_" + mode.kernelPart() + "_" + s));
                    used.add(Kernels.SOFTMAX_BACKWARD.named("softmax_backward_" + mode.kernelPart() + "_" + s));
                }
            }
        }
        used.addAll(List.of(Kernels.UNARY_CONTIGUOUS, Kernels.BINARY_CONTIGUOUS, Kernels.RANDOM.named("random_bits64"), Kernels.RANDOM_INTEGERS, Kernels.DGEMM));
        for (String t : List.of("nn", "tn", "nt", "tt")) {
            used.add(Kernels.SGEMM.named("sgemm_" + t));
            used.add(Kernels.SGEMM_TF32.named("sgemm_tf32_" + t));
        }
        for (Signature s : used) {
            List<Param> declared = kernels.get(s.name());
            assertTrue(declared != null, "kernel " + s.name() + " is not in the CUDA sources");
            assertEquals(List.of(s.params()), declared, "parameters of " + s.name());
        }
        assertTrue(kernels.size() >= 85, "the sources declare " + kernels.size() + " kernels");
    }

    /** Expands function-like macros (with ## pasting) until no invocation is left. */
    static String expand(String text) {
        Map<String, String[]> macros = new HashMap<>();        // name -> {params, body}
        Matcher d = Pattern.compile("#define\\s+(\\w+)\\(([^)]*)\\)([^\\n]*)").matcher(text);
        while (d.find()) macros.put(d.group(1), new String[]{d.group(2), d.group(3)});
        String body = text.replaceAll("#define[^\\n]*", "");
        for (int pass = 0; pass < 5; pass++) {
            StringBuilder out = new StringBuilder();
            Matcher call = Pattern.compile("\\b([A-Z_]+)\\(([^()]*)\\)").matcher(body);
            int last = 0;
            boolean changed = false;
            while (call.find()) {
                String[] macro = macros.get(call.group(1));
                if (macro == null) continue;
                String[] names = macro[0].split(","), args = call.group(2).split(",", -1);
                String expanded = macro[1];
                for (int i = 0; i < names.length; i++) expanded = expanded.replaceAll("\\b" + Pattern.quote(names[i].trim()) + "\\b", Matcher.quoteReplacement(args[i].trim()));
                out.append(body, last, call.start()).append(expanded.replace(" ## ", "").replace("##", ""));
                last = call.end();
                changed = true;
            }
            out.append(body.substring(last));
            body = out.toString();
            if (!changed) break;
        }
        return body;
    }

    /** Every {@code extern "C" __global__} kernel and its parameters' kinds. */
    static Map<String, List<Param>> kernelsOf(String code) {
        Map<String, List<Param>> out = new HashMap<>();
        Matcher k = Pattern.compile("extern \"C\" __global__ void (?:__launch_bounds__\\(\\d+\\) )?(\\w+)\\(([^)]*)\\)").matcher(code);
        while (k.find()) {
            List<Param> params = new ArrayList<>();
            for (String p : k.group(2).split(",")) params.add(kind(p.trim().replaceAll("\\s+\\w+$", "")));
            out.put(k.group(1), params);
        }
        return out;
    }

    private static Param kind(String type) {
        String t = type.replace("__restrict__", "").replace("const ", "").trim();
        if (t.endsWith("*")) return Param.PTR;
        return switch (t) {
            case "int" -> Param.I32;
            case "long long", "unsigned long long" -> Param.I64;
            case "float" -> Param.F32;
            case "double" -> Param.F64;
            case "Shape" -> Param.SHAPE;
            case "Strided" -> Param.STRIDED;
            case "LifParams" -> Param.LIF_PARAMS;
            default -> throw new AssertionError("unknown kernel parameter type '" + type + "'");
        };
    }
}
