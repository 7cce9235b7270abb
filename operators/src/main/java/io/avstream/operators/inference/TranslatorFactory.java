package io.avstream.operators.inference;

import io.avstream.models.ModelPackage;

/**
 * Makes the translator of one task (the manifest's {@code task}) for its window type. A pipeline
 * registers its factory in {@code META-INF/services/io.avstream.operators.inference.TranslatorFactory};
 * {@link Translators} picks it from a model package's task.
 *
 * @param <W> the window type the translator reads
 * @param <R> the result type it makes
 */
public interface TranslatorFactory<W, R> {
    /** The manifest task this factory serves, e.g. {@code action}. */
    String task();

    /** The window type its translators read. */
    Class<W> windowType();

    /**
     * A translator for {@code pkg}, whose manifest declares {@link #task()}.
     *
     * @throws IllegalArgumentException if the package's tensors or preprocessing do not fit the task, naming what
     */
    /** The type of the results its translators make. */
    Class<R> resultType();

    Translator<W, R> create(ModelPackage pkg, TranslatorSettings settings);
}
