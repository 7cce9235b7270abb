package io.avstream.operators.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import io.avstream.models.ModelPackage;

/** Finds the translator of a model package from its manifest's task, among the registered {@link TranslatorFactory}s. */
public final class Translators {
    private Translators() {}

    /**
     * The translator of {@code pkg} for windows of {@code windowType}.
     *
     * @throws IllegalArgumentException if no factory serves the package's task, or the one that does reads
     *     another window type (the package belongs to another pipeline)
     */
    @SuppressWarnings("unchecked")
    public static <W> Translator<W> forPackage(ModelPackage pkg, Class<W> windowType, TranslatorSettings settings) {
        String task = pkg.manifest().task();
        List<String> known = new ArrayList<>();
        for (TranslatorFactory<?> f : ServiceLoader.load(TranslatorFactory.class, Translators.class.getClassLoader())) {
            known.add(f.task());
            if (!f.task().equals(task)) {
                continue;
            }
            if (!f.windowType().equals(windowType)) {
                throw new IllegalArgumentException("model " + pkg.id() + " is for task '" + task + "', whose windows are "
                        + f.windowType().getSimpleName() + ", but this pipeline's windows are " + windowType.getSimpleName()
                        + ": it belongs to another pipeline");
            }
            return ((TranslatorFactory<W>) f).create(pkg, settings);
        }
        throw new IllegalArgumentException("model " + pkg.id() + " declares task '" + task
                + "', which no pipeline serves (tasks: " + known + ")");
    }
}
