package dev.galvani.io;

import dev.galvani.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reading and writing the <a href="https://huggingface.co/docs/safetensors">safetensors</a> format,
 * the checkpoint format of Hugging Face and the PyTorch ecosystem: an 8-byte little-endian header
 * length, a JSON header naming each tensor's dtype, shape and byte span, then the raw little-endian
 * row-major data.
 *
 * <h2>Types</h2>
 * F32, F64, I32, I64 and BOOL are read into the same Galvani type and written as they are. Types
 * Galvani lacks are widened exactly on reading: F16 and BF16 to F32, I8, U8, I16 and U16 to I32,
 * U32 to I64. Other types (FP8, U64, C64) are an error naming the file, the tensor and the type.
 * {@link #writeAs} stores the floating-point tensors as F16 or BF16 (rounding to nearest, ties to
 * even), like {@code model.half()} before {@code save_file} in PyTorch.
 *
 * <h2>Checkpoints</h2>
 * A module's state dict uses PyTorch's dotted names ({@code layer.0.weight},
 * {@code bn.running_mean}, {@code bn.num_batches_tracked}), so checkpoints travel both ways:
 * <pre>{@code
 * SafeTensors.save(path, model.stateDict(), Map.of("epoch", "12"));     // torch: load_file(path)
 * model.loadStateDict(SafeTensors.load(path));                          // from torch: save_file(model.state_dict(), path)
 * }</pre>
 * The state dict's order is kept in the file, and {@link #read} returns tensors in file order. A
 * PyTorch checkpoint saved in half precision loads too: its F16/BF16 tensors arrive as F32, and
 * {@code loadStateDict} copies them into the parameters whatever their dtype. PyTorch's
 * {@code num_batches_tracked} is I64, as Galvani's buffer is.
 *
 * <h2>Safety</h2>
 * Reading checks the whole file first (see {@link SafeTensorsFile}) and throws
 * {@link SafeTensorsFormatException}, an {@link IOException} naming the file and byte offset, on
 * anything malformed. Writing goes to a temporary file in the same directory that is renamed over the
 * target only when complete; a failure leaves the old file untouched and no temporary file behind.
 */
public final class SafeTensors {

    private SafeTensors() {}

    /**
     * A file's contents: tensors by name in file order, and the {@code __metadata__} strings (empty
     * when the file has none). Both maps are read-only.
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        /** Copies both maps into read-only maps that keep their order. */
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /** Reads every tensor and the metadata of {@code file}. */
    public static Contents read(Path file) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            return f.readAll();
        }
    }

    /** The tensors of {@code file} by name, in file order: a state dict for {@code Module.loadStateDict}. */
    public static Map<String, Tensor> load(Path file) throws IOException {
        return read(file).tensors();
    }

    /** Opens {@code file} to read tensors one at a time; see {@link SafeTensorsFile}. */
    public static SafeTensorsFile open(Path file) throws IOException {
        return SafeTensorsFile.open(file);
    }

    /**
     * Writes {@code tensors} in their own dtypes, in the map's iteration order (pass a
     * {@code LinkedHashMap}, as {@code stateDict()} returns, for a defined order), with
     * {@code metadata} (may be null or empty: then the header has no {@code __metadata__}). Tensors
     * may be views or on any device; their values are written row-major. The file is replaced atomically.
     *
     * @throws IllegalArgumentException for a null name or tensor, the reserved name {@code __metadata__},
     *     or a string that is not valid UTF-16; nothing is written then
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        SafeTensorsWriter.write(file, tensors, metadata, null);
    }

    /**
     * As {@link #write}, storing the floating-point tensors as {@code floatType} ({@code F16},
     * {@code BF16}, {@code F32} or {@code F64}), rounded to nearest with ties to even; integer and
     * boolean tensors keep their type. Values too large for F16 become infinities, as in PyTorch.
     */
    public static void writeAs(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, SafeTensorsDType floatType) throws IOException {
        if (floatType == null) throw new IllegalArgumentException(file + ": writeAs needs a floating-point type");
        SafeTensorsWriter.write(file, tensors, metadata, floatType);
    }

    /** Saves a state dict ({@code module.stateDict()}): the same as {@link #write}. */
    public static void save(Path file, Map<String, Tensor> stateDict, Map<String, String> metadata) throws IOException {
        write(file, stateDict, metadata);
    }
}
