package dev.galvani.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file that breaks the format, or holds something Galvani cannot read. The message
 * names the file and the byte offset in the file where the problem is:
 * {@code "model.safetensors: byte 57: tensor 'fc.weight': ..."}.
 */
public final class SafeTensorsFormatException extends IOException {

    private final transient Path file;
    /** The byte offset in the file where the problem is. */
    private final long offset;

    /**
     * A format error in {@code file} at byte {@code offset}; the message is
     * {@code "<file>: byte <offset>: <problem>"}.
     */
    public SafeTensorsFormatException(Path file, long offset, String problem) {
        super(file + ": byte " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    /** The file that was being read. */
    public Path file() { return file; }

    /** Offset of the problem from the start of the file, in bytes. */
    public long offset() { return offset; }
}
