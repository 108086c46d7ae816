package dev.galvani.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old file or the complete new one: the content goes
 * to a temporary file in the same folder, is flushed to disk, and is renamed over the target. A
 * crash half way leaves the old file untouched and no temporary behind. Every file Galvani writes
 * (checkpoints, CSV logs, PNG plots, reports) goes through here, so they all get the permissions
 * the user's umask gives new files.
 */
public final class AtomicFiles {

    /** Writes a file's content to a channel. */
    @FunctionalInterface
    public interface ChannelContent {
        /**
         * Writes the whole content.
         * @param channel the channel of the temporary file
         * @throws IOException if writing fails; the target is then left as it was
         */
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Writes a file's content to a stream (which the writer must not close). */
    @FunctionalInterface
    public interface StreamContent {
        /**
         * Writes the whole content.
         * @param out the stream to the temporary file
         * @throws IOException if writing fails; the target is then left as it was
         */
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /** Writes {@code file} from a stream; the folders above it are created. */
    public static void write(Path file, StreamContent content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        writeChannel(file, channel -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            content.writeTo(out);
            out.flush();        // not close: that would close the channel before it is forced to disk
        });
    }

    /** Writes {@code text} in UTF-8. */
    public static void writeString(Path file, String text) throws IOException {
        write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes {@code file} through a channel; its folder must exist. */
    public static void writeChannel(Path file, ChannelContent content) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        // Not Files.createTempFile: it creates the file owner-only (0600), and the rename would give
        // the target those permissions; CREATE_NEW gives the usual ones and refuses a clash.
        Path temp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // Some file systems cannot promise atomicity; within one directory this is still a rename.
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (Throwable e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }
}
