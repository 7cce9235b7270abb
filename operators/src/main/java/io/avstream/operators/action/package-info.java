/**
 * The action pipeline's own classes: MoCap frames reduced to the model's vertices, the MoCap window
 * assembler on the windowing core, and the STMT translator (registered for the manifest task
 * {@code action}). The generic windowing core and inference function know nothing of these.
 */
package io.avstream.operators.action;
