package dev.galvani.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written atomically get the permissions any new file gets, create their folders, and leave nothing behind on failure. */
class AtomicFilesTest {

    @TempDir Path dir;

    @Test void writtenFilesHaveTheUsualPermissionsNotOwnerOnly() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path plain = Files.writeString(dir.resolve("plain.csv"), "a,b\n");     // what the umask gives a new file
        Path atomic = dir.resolve("runs/x/log.csv");
        AtomicFiles.writeString(atomic, "a,b\n");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
        assertEquals("a,b\n", Files.readString(atomic));
    }

    @Test void aFailedWriteKeepsTheOldFile() throws IOException {
        Path file = dir.resolve("curves.png");
        AtomicFiles.writeString(file, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
            out.write(new byte[100]);
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("old", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }
}
