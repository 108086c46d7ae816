package dev.galvani.tensor;

/** Where a tensor's storage lives. */
public record Device(Type type, int index) {

    public enum Type { CPU, CUDA }

    public static final Device CPU = new Device(Type.CPU, 0);

    public Device {
        if (type == null) throw new IllegalArgumentException("Device: type is null");
        if (index < 0) throw new IllegalArgumentException("Device: negative index " + index);
        if (type == Type.CPU && index != 0) throw new IllegalArgumentException("Device: the CPU has index 0, not " + index);
    }

    public static Device cuda(int index) { return new Device(Type.CUDA, index); }

    public boolean isCpu() { return type == Type.CPU; }

    public boolean isCuda() { return type == Type.CUDA; }

    @Override public String toString() { return type == Type.CPU ? "cpu" : "cuda:" + index; }
}
