package dev.galvani.tensor.backend;

/** A device that cannot be used here; the message is one sentence a user can act on. */
public final class BackendUnavailableException extends RuntimeException {

    /**
     * An exception without cause or stack trace.
     * @param message the sentence shown to the user
     */
    public BackendUnavailableException(String message) { super(message, null, false, false); }
}
