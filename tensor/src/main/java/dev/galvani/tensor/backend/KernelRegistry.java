package dev.galvani.tensor.backend;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link KernelProvider}s on the classpath, by (device type, family), and each backend's
 * implementations once made. Two providers of one family for one device type are an error that
 * names both.
 */
final class KernelRegistry {

    private KernelRegistry() {}

    private record Key(String deviceType, Class<?> family) {}

    private static volatile Map<Key, KernelProvider<?>> providers;
    private static final Map<Backend, Map<Class<?>, Optional<?>>> MADE = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    static <F extends KernelFamily> Optional<F> find(Backend backend, Class<F> family) {
        Map<Class<?>, Optional<?>> mine = MADE.computeIfAbsent(backend, b -> new ConcurrentHashMap<>());
        return (Optional<F>) mine.computeIfAbsent(family, f -> {
            KernelProvider<?> p = providers().get(new Key(backend.device().type(), family));
            return p == null ? Optional.empty() : Optional.of(family.cast(p.create(backend)));
        });
    }

    @SuppressWarnings("rawtypes")
    private static Map<Key, KernelProvider<?>> providers() {
        Map<Key, KernelProvider<?>> p = providers;
        if (p == null) {
            synchronized (KernelRegistry.class) {
                if (providers == null) {
                    Map<Key, KernelProvider<?>> all = new HashMap<>();
                    for (KernelProvider provider : ServiceLoader.load(KernelProvider.class)) {
                        Key key = new Key(provider.deviceType(), provider.family());
                        KernelProvider<?> previous = all.putIfAbsent(key, provider);
                        if (previous != null)
                            throw new IllegalStateException("kernel family " + provider.family().getSimpleName() + " for '" + provider.deviceType()
                                    + "' devices is registered twice, by " + previous.getClass().getName() + " and by " + provider.getClass().getName());
                    }
                    providers = Map.copyOf(all);
                }
                p = providers;
            }
        }
        return p;
    }
}
