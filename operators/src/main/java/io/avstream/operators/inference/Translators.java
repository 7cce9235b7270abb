package io.avstream.operators.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import io.avstream.models.ModelPackage;

/** Finds the translator of a model package from its manifest's task, among the registered {@link TranslatorFactory}s. */
public final class Translators {
    private Translators() {}

    /**
     * The translator of {@code pkg} for windows of {@code windowType}, making results of {@code resultType}.
     *
     * @throws IllegalArgumentException if no factory serves the package's task, or the one that does reads
     *     another window type or makes another result type (the package belongs to another pipeline)
     */
    @SuppressWarnings("unchecked")
    public static <W, R> Translator<W, R> forPackage(ModelPackage pkg, Class<W> windowType, Class<R> resultType,
            TranslatorSettings settings) {
        String task = pkg.manifest().task();
        List<String> known = new ArrayList<>();
        for (TranslatorFactory<?, ?> f : ServiceLoader.load(TranslatorFactory.class, Translators.class.getClassLoader())) {
            known.add(f.task());
            if (!f.task().equals(task)) {
                continue;
            }
            // a translator of a window type also reads its subtypes (an audio-visual window is an audio window)
            if (!f.windowType().isAssignableFrom(windowType) || !f.resultType().equals(resultType)) {
                throw new IllegalArgumentException("model " + pkg.id() + " is for task '" + task + "', whose windows are "
                        + f.windowType().getSimpleName() + " (results " + f.resultType().getSimpleName() + "), but this pipeline's windows are "
                        + windowType.getSimpleName() + " (results " + resultType.getSimpleName() + ")"
                        + ": it belongs to another pipeline");
            }
            return ((TranslatorFactory<W, R>) f).create(pkg, settings);
        }
        throw new IllegalArgumentException("model " + pkg.id() + " declares task '" + task
                + "', which no pipeline serves (tasks: " + known + ")");
    }
}
